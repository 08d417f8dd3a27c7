/** A build with a BuildKit cache mount, for the cache statistics and prune specs (real engine). */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { DockerEnv } from '../support/dockerd';

export interface CacheFixture {
  dir: string;
  /** Unique per run: the cache id (so other builds never share the mount) and a marker in the command. */
  marker: string;
  tag: string;
}

/**
 * `RUN --mount=type=cache` writes 512 KiB into /root/.cache/pip. The cache id is unique, so this
 * mount is ours alone; the marker in the command lets the specs find the record by its description.
 */
export function cacheFixture(env: DockerEnv): CacheFixture {
  const marker = `ca${crypto.randomBytes(5).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-cache-fixture-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), [
    `FROM ${env.baseImage}`,
    `RUN echo ${marker} > /before`,
    `RUN --mount=type=cache,id=${marker},target=/root/.cache/pip dd if=/dev/urandom of=/root/.cache/pip/blob bs=1k count=512 && echo ${marker}`,
    `RUN echo ${marker} > /after`,
    '',
  ].join('\n'));
  return { dir, marker, tag: `ca-cache-fixture:${marker}` };
}

/** `DOCKER_BUILDKIT=1 docker build --network=none --progress=plain`; returns the plain progress. */
export function build(env: DockerEnv, dir: string, tag: string, dockerfile = 'Dockerfile'): string {
  const r = spawnSync(env.dockerCli, ['build', '--network=none', '--progress=plain', '-f', path.join(dir, dockerfile), '-t', tag, dir], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '1', DOCKER_HOST: `unix://${env.socket}` },
  });
  if (r.status !== 0) throw new Error(`docker build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  built.add(tag);
  dirs.add(dir);
  return r.stdout + r.stderr;
}

const built = new Set<string>();
const dirs = new Set<string>();

/** Remove the images and folders the fixtures made (for after() hooks). */
export function cleanupFixtures(env: DockerEnv): void {
  if (built.size) spawnSync(env.dockerCli, ['rmi', '-f', ...built], { env: { ...process.env, DOCKER_HOST: `unix://${env.socket}` } });
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  built.clear();
  dirs.clear();
}

/** Steps of a plain-progress log: `[stage-0 2/4] RUN …` → whether it was CACHED. */
export function stepsCached(progress: string): Map<string, boolean> {
  const names = new Map<string, string>();
  const cached = new Map<string, boolean>();
  for (const line of progress.split('\n')) {
    let m = /^#(\d+) \[[^\]]*\d+\/\d+\] (.*)$/.exec(line);
    if (m) { names.set(m[1], m[2]); cached.set(m[2], false); continue; }
    m = /^#(\d+) CACHED$/.exec(line);
    if (m && names.has(m[1])) cached.set(names.get(m[1])!, true);
  }
  return cached;
}

/** GET /system/df straight from the socket, independent of the code under test. */
export function rawDf(socket: string): Promise<{ BuildCache: Array<{ ID: string; Type: string; Size: number; Shared: boolean; InUse: boolean; Description: string }> | null; Images: Array<{ Id: string }>; Volumes: unknown[] }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: socket, path: '/system/df' }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => { body += c; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

export function docker(env: DockerEnv, ...args: string[]): string {
  const r = spawnSync(env.dockerCli, args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: `unix://${env.socket}` } });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export { captureIO } from '../support/cliIO';
