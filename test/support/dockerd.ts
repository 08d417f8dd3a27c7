/**
 * A real Docker engine for the tests that need one. Reuses a daemon that already answers on
 * DOCKER_HOST / /var/run/docker.sock; otherwise starts Debian's dockerd with no network
 * (--bridge=none --iptables=false) and stops it (by PID) when the test run ends.
 * With CI=true a missing engine is a failure, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from './availability';

export const BASE_IMAGE = 'local/busybox:latest';
const SOCKET = '/var/run/docker.sock';

let started: ChildProcess | undefined;
let ready: Promise<DockerEnv | string> | undefined;

export interface DockerEnv {
  /** A docker CLI with BuildKit built in (`DOCKER_BUILDKIT=1 docker build` works). */
  readonly dockerCli: string;
  readonly socket: string;
  readonly baseImage: string;
}

/** Whether an Engine API (Docker's, or Podman's compatible one) answers `/_ping` on a unix socket. */
export function ping(socket: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 2000 }, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The docker client to use for BuildKit builds: Debian's /usr/bin/docker has BuildKit built in. */
export function buildkitCli(): string | undefined {
  if (fs.existsSync('/usr/bin/docker')) return '/usr/bin/docker';
  return which('docker');
}

/** The applets the base image links to busybox: the tests and the bench's sample use these. */
const APPLETS = ['sh', 'ls', 'cat', 'echo', 'sleep', 'mkdir', 'cp', 'rm', 'du', 'wc', 'sha256sum', 'touch', 'date', 'head', 'dd', 'find', 'ln', 'true', 'test', 'env', 'sed', 'grep', 'tar', 'adduser', 'addgroup', 'chown', 'chmod', 'id', 'mv', 'seq', 'printf', 'tee', 'xargs', 'awk', 'sort', 'stat'];

/**
 * Marks the image this module builds, so an unrelated `local/busybox:latest` (another project's, or
 * one without /tmp) is replaced instead of used. Bump it whenever the root filesystem below changes.
 */
export const BASE_IMAGE_LABEL = 'dev.cache-advisor.base-image';
export const BASE_IMAGE_MARK = `busybox-rootfs-v2:${APPLETS.length}`;

/** The label value of `image`, `''` when it has none, undefined when the image does not exist. */
export function baseImageMark(cli: string, image = BASE_IMAGE): string | undefined {
  const r = spawnSync(cli, ['image', 'inspect', '--format', `{{ index .Config.Labels "${BASE_IMAGE_LABEL}" }}`, image], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const v = r.stdout.trim();
  return v === '<no value>' ? '' : v;
}

/**
 * `local/busybox:latest` from busybox-static (no registry is needed; shared with the bench). An
 * existing image under that tag is reused only when it carries this module's mark.
 */
export async function ensureBaseImage(cli: string, image = BASE_IMAGE): Promise<void> {
  const mark = baseImageMark(cli, image);
  if (mark === BASE_IMAGE_MARK) return;
  if (mark !== undefined) {
    // Someone else's image under our tag: untag it (its layers stay for whoever owns them).
    const rm = spawnSync(cli, ['image', 'rm', image], { encoding: 'utf8' });
    if (rm.status !== 0) throw new Error(`${image} exists but is not the tests' base image, and removing the tag failed: ${rm.stderr.trim()}`);
  }
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(p => fs.existsSync(p));
  if (!busybox) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-rootfs-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'tmp'));
  fs.mkdirSync(path.join(root, 'root'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\n');
  fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const a of APPLETS) {
    fs.symlinkSync('busybox', path.join(root, 'bin', a));
  }
  const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const imp = spawn(cli, ['import', '--change', `LABEL ${BASE_IMAGE_LABEL}=${BASE_IMAGE_MARK}`, '-', image], { stdio: ['pipe', 'ignore', 'inherit'] });
  tar.stdout!.pipe(imp.stdin!);
  const code = await new Promise<number | null>(resolve => imp.on('close', resolve));
  fs.rmSync(root, { recursive: true, force: true });
  if (code !== 0) throw new Error(`docker import of ${image} failed (${code})`);
  if (baseImageMark(cli, image) !== BASE_IMAGE_MARK) throw new Error(`docker import of ${image} did not keep the label ${BASE_IMAGE_LABEL}`);
}

async function start(): Promise<DockerEnv | string> {
  const cli = buildkitCli();
  if (!cli) return 'no docker client installed (apt-get install docker.io)';
  if (!(await ping(SOCKET))) {
    const dockerd = which('dockerd');
    if (!dockerd) return 'no docker engine: dockerd is not installed (apt-get install docker.io busybox-static)';
    if (process.getuid?.() !== 0) return 'no docker engine running and not root to start one';
    const log = fs.openSync(path.join(os.tmpdir(), 'cache-advisor-dockerd.log'), 'a');
    started = spawn(dockerd, ['--bridge=none', '--iptables=false', '--ip-masq=false'], { stdio: ['ignore', log, log], detached: false });
    const deadline = Date.now() + 60_000;
    while (!(await ping(SOCKET))) {
      if (started.exitCode !== null) return `dockerd exited with ${started.exitCode}; see ${path.join(os.tmpdir(), 'cache-advisor-dockerd.log')}`;
      if (Date.now() > deadline) return 'dockerd did not answer within 60 s';
      await new Promise(r => setTimeout(r, 250));
    }
  }
  await ensureBaseImage(cli);
  return { dockerCli: cli, socket: SOCKET, baseImage: BASE_IMAGE };
}

/** The engine, or the reason there is none. Started once per test process. */
export function dockerEnv(): Promise<DockerEnv | string> {
  ready ??= start();
  return ready;
}

/**
 * For `before()` hooks: returns the engine, skips the suite with a printed reason on a laptop
 * without Docker, and fails when CI=true.
 */
export async function requireDocker(ctx: Mocha.Context): Promise<DockerEnv> {
  ctx.timeout(120_000);
  const env = await dockerEnv();
  if (typeof env === 'string') skipOrFail(ctx, `no Docker engine: ${env}`);
  return env;
}

/** Stop the daemon this process started (never one it found running). */
export async function stopDocker(): Promise<void> {
  if (started && started.exitCode === null) {
    started.kill('SIGTERM');
    await new Promise(resolve => { started!.once('exit', resolve); setTimeout(resolve, 15_000); });
  }
  started = undefined;
  ready = undefined;
}
