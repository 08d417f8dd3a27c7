/**
 * A real Podman for the tests that need one (Debian's podman 4.3 / buildah 1.28). Podman has no
 * daemon: builds run the `podman` binary directly, in podman's own store (/var/lib/containers as
 * root), separate from Docker's. The base image is the same busybox root filesystem as Docker's,
 * imported under the same name (`local/busybox:latest`, which podman stores as
 * `localhost/local/busybox:latest` and resolves for `FROM local/busybox:latest`), so the build
 * fixtures serve both engines. Nothing reaches the network: every build gets `--network=none`.
 *
 * For the stats and clean-up tests, startPodmanService() runs `podman system service` on a socket
 * in a temporary folder and stopPodmanService() stops it by its PID.
 * With CI=true a missing podman is a failure, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from './availability';
import { BASE_IMAGE, ensureBaseImage, ping } from './dockerd';

export interface PodmanEnv {
  readonly podmanCli: string;
  readonly baseImage: string;
}

let ready: Promise<PodmanEnv | string> | undefined;

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function find(): Promise<PodmanEnv | string> {
  const cli = which('podman');
  if (!cli) return 'podman is not installed (apt-get install podman buildah)';
  const info = spawnSync(cli, ['info', '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
  if (info.status !== 0) return `podman info failed: ${info.stderr.trim().split('\n').pop()}`;
  await ensureBaseImage(cli, BASE_IMAGE);
  return { podmanCli: cli, baseImage: BASE_IMAGE };
}

/** Podman and its base image, or the reason there is none. Once per test process. */
export function podmanEnv(): Promise<PodmanEnv | string> {
  ready ??= find();
  return ready;
}

/** For `before()` hooks: skips with a printed reason without podman, fails when CI=true. */
export async function requirePodman(ctx: Mocha.Context): Promise<PodmanEnv> {
  ctx.timeout(120_000);
  const env = await podmanEnv();
  if (typeof env === 'string') skipOrFail(ctx, `no Podman: ${env}`);
  return env;
}

/** A `podman system service` this test started, on its own socket. */
export interface PodmanService {
  readonly socket: string;
  readonly host: string;
  readonly child: ChildProcess;
  readonly dir: string;
}

/** Start the API service (no idle timeout) on a fresh socket and wait until it answers. */
export async function startPodmanService(env: PodmanEnv): Promise<PodmanService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-podman-svc-'));
  const socket = path.join(dir, 'podman.sock');
  const log = fs.openSync(path.join(dir, 'service.log'), 'a');
  const child = spawn(env.podmanCli, ['system', 'service', '--time=0', `unix://${socket}`], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const deadline = Date.now() + 30_000;
  while (!(await ping(socket))) {
    if (child.exitCode !== null) throw new Error(`podman system service exited with ${child.exitCode}: ${fs.readFileSync(path.join(dir, 'service.log'), 'utf8')}`);
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error('podman system service did not answer within 30 s'); }
    await new Promise(r => setTimeout(r, 100));
  }
  return { socket, host: `unix://${socket}`, child, dir };
}

/** Stop the service by its PID and remove its folder. */
export async function stopPodmanService(svc: PodmanService | undefined): Promise<void> {
  if (!svc) return;
  if (svc.child.exitCode === null) {
    svc.child.kill('SIGTERM');
    await new Promise(resolve => { svc.child.once('exit', resolve); setTimeout(resolve, 10_000); });
  }
  fs.rmSync(svc.dir, { recursive: true, force: true });
}
