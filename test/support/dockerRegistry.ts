/**
 * A real image registry on 127.0.0.1 for the registry-cache tests: Debian's `docker-registry`
 * (distribution 2.8) with a temporary config and storage, started and stopped by PID. Its systemd
 * service is never used. dockerd 20.10 treats 127.0.0.0/8 registries as insecure-allowed, so plain
 * HTTP on a free loopback port needs no daemon configuration.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from './availability';
import { freePort } from './freePort';
import { startServerProcess } from './serverProcess';

const BINARY = '/usr/bin/docker-registry';

export interface DockerRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  readonly pid: number;
  /** Access-log lines so far, e.g. `GET /v2/x/app/manifests/v1 200`. */
  requests(): string[];
  /** Stops it (by PID) and removes its config, storage and log. */
  stop(): Promise<void>;
}

function answers(host: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(`http://${host}/v2/`, { timeout: 2000 }, res => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

/** Starts a registry, or skips (fails with CI=true) when docker-registry is not installed. */
export async function startDockerRegistry(ctx: Mocha.Context): Promise<DockerRegistry> {
  if (!fs.existsSync(BINARY)) skipOrFail(ctx, `no ${BINARY} (apt-get install docker-registry)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'http:',
    `  addr: ${host}`,
    // a fixed secret silences the "no HTTP secret" warning; this registry lives for one test run
    `  secret: ${JSON.stringify(`ca-test-${port}`)}`,
    '',
  ].join('\n'));
  const { child, logFile, stop } = await startServerProcess({
    dir, logName: 'registry.log', command: BINARY, args: ['serve', config],
    ready: () => answers(host), timeoutMs: 20_000, failure: `docker-registry did not answer on ${host}`,
  });
  return {
    host,
    pid: child.pid!,
    requests: () => {
      if (!fs.existsSync(logFile)) return [];
      // combined log format: … "GET /v2/… HTTP/1.1" 200 …
      return fs.readFileSync(logFile, 'utf8').split('\n')
        .map(l => /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map(m => `${m[1]} ${m[2]} ${m[3]}`);
    },
    stop,
  };
}
