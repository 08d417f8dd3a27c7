/**
 * Which program builds the image: `docker buildx build` when the buildx plugin is there; else a docker
 * client with BuildKit built in (18.09–22.x) run as `DOCKER_BUILDKIT=1 docker build`; else podman when
 * chosen. When none works, an EngineError says what is missing and how to fix it.
 *
 * DOCKER_HOST, DOCKER_CONTEXT and `docker context use` are honoured by passing the environment through
 * untouched: remote builders work unchanged.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type EngineChoice = 'docker' | 'podman';
export type EngineKind = 'buildx' | 'buildkit' | 'podman';

export interface BuildEngine {
  readonly kind: EngineKind;
  /** The executable that runs (absolute path when it was found on PATH). */
  readonly command: string;
  /** Arguments before the build options: `buildx build` or `build`. */
  readonly baseArgs: readonly string[];
  /** Variables added to the inherited environment (`DOCKER_BUILDKIT=1` for a built-in BuildKit). */
  readonly env: Readonly<Record<string, string>>;
  /** Client version, when it said. */
  readonly version?: string;
  /** A remark worth showing, e.g. that the first docker on PATH had no BuildKit and another was used. */
  readonly note?: string;
}

export type EngineProblem = 'missing' | 'no-buildkit' | 'daemon' | 'unsupported';

/** The engine cannot build: `message` says what is missing, `hint` how to fix it. */
export class EngineError extends Error {
  constructor(message: string, readonly problem: EngineProblem, readonly hint: string) {
    super(`${message}\n${hint}`);
    this.name = 'EngineError';
  }
}

export interface DetectOptions {
  /** `cacheAdvisor.dockerPath` / `--docker-path`: this binary and no other. */
  readonly dockerPath?: string;
  readonly engine?: EngineChoice;
  /** Environment for the probes and the build (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

interface ProbeResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: string;
}

/** Run a short command (argument vector, no shell) and collect its output. */
export function probe(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ProbeResult> {
  return new Promise(resolve => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(command, args, { env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    } catch (e) {
      resolve({ code: null, stdout, stderr, spawnError: (e as NodeJS.ErrnoException).code ?? String(e) });
      return;
    }
    child.stdout.on('data', d => { if (stdout.length < 65536) stdout += d; });
    child.stderr.on('data', d => { if (stderr.length < 65536) stderr += d; });
    child.on('error', e => resolve({ code: null, stdout, stderr, spawnError: (e as NodeJS.ErrnoException).code ?? e.message }));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** Every executable named `name` on PATH, in PATH order, without duplicates (symlinks resolved). */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (!fs.statSync(file).isFile()) continue;
      const real = fs.realpathSync(file);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(file);
    } catch {
      // not here
    }
  }
  return out;
}

/** `Docker version 20.10.24+dfsg1, build 297e128` / `podman version 4.3.1` → the version. */
function versionOf(text: string): string | undefined {
  return /version\s+v?(\d[\w.+~-]*?)(?:,|\s|$)/i.exec(text)?.[1];
}

function firstLine(text: string): string {
  return text.split('\n').map(l => l.trim()).find(l => l) ?? '';
}

interface DockerProbe {
  readonly engine?: BuildEngine;
  /** Why this client cannot build with BuildKit. */
  readonly reason: string;
  readonly missing?: boolean;
}

async function probeDocker(command: string, env: NodeJS.ProcessEnv): Promise<DockerProbe> {
  const buildx = await probe(command, ['buildx', 'version'], env);
  if (buildx.spawnError) {
    return { reason: buildx.spawnError === 'ENOENT' ? 'not found' : `cannot be run (${buildx.spawnError})`, missing: true };
  }
  // `--version` is answered by the client alone: it never waits on an unreachable daemon
  const version = versionOf((await probe(command, ['--version'], env)).stdout);
  if (buildx.code === 0) {
    return { engine: { kind: 'buildx', command, baseArgs: ['buildx', 'build'], env: {}, version }, reason: '' };
  }
  // A client with BuildKit built in accepts DOCKER_BUILDKIT=1; Docker 23+ without buildx refuses it.
  const help = await probe(command, ['build', '--help'], { ...env, DOCKER_BUILDKIT: '1' });
  if (help.code === 0 && /--progress\b/.test(help.stdout)) {
    return { engine: { kind: 'buildkit', command, baseArgs: ['build'], env: { DOCKER_BUILDKIT: '1' }, version }, reason: '' };
  }
  const why = firstLine(help.stderr) || firstLine(buildx.stderr) || 'no buildx plugin and no built-in BuildKit';
  return { reason: `${version ? `Docker ${version}: ` : ''}${why.replace(/^ERROR:\s*/, '')}` };
}

const BUILDX_HINT =
  'Install the buildx plugin (Debian/Ubuntu: apt-get install docker-buildx-plugin or docker-buildx; ' +
  'Docker Desktop includes it), or set cacheAdvisor.dockerPath / --docker-path to a docker client with ' +
  'BuildKit built in (Docker 18.09–22.x, e.g. Debian\'s /usr/bin/docker from the docker.io package).';

/**
 * Find the build engine. With an explicit path only that binary is tried; otherwise every `docker`
 * on PATH in order, so a machine whose first docker lacks buildx still builds with one that works.
 */
export async function detectEngine(options: DetectOptions = {}): Promise<BuildEngine> {
  const env = options.env ?? process.env;
  const explicit = options.dockerPath?.trim() || undefined;
  if ((options.engine ?? 'docker') === 'podman') return detectPodman(explicit, env);

  const candidates = explicit ? [explicit] : findOnPath('docker', env);
  if (candidates.length === 0) {
    throw new EngineError('Docker is not installed: no `docker` on PATH.', 'missing',
      'Install Docker (https://docs.docker.com/engine/install/, or apt-get install docker.io), or set cacheAdvisor.dockerPath / --docker-path to the docker executable.');
  }
  const reasons: string[] = [];
  for (const c of candidates) {
    const r = await probeDocker(c, env);
    if (r.engine) {
      const note = reasons.length ? `using ${c}: ${reasons.join('; ')}` : undefined;
      return note ? { ...r.engine, note } : r.engine;
    }
    if (r.missing && explicit) {
      throw new EngineError(`Docker CLI ${r.reason}: '${explicit}' (cacheAdvisor.dockerPath / --docker-path).`, 'missing',
        'Install Docker, or correct the path (or clear it to use the docker on PATH).');
    }
    reasons.push(`${c} has no BuildKit (${r.reason})`);
  }
  throw new EngineError(`BuildKit is not available: ${reasons.join('; ')}.`, 'no-buildkit', BUILDX_HINT);
}

async function detectPodman(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<BuildEngine> {
  const command = explicit ?? findOnPath('podman', env)[0];
  if (!command) {
    throw new EngineError('Podman is not installed: no `podman` on PATH (cacheAdvisor.engine is "podman").', 'missing',
      'Install podman (apt-get install podman), set cacheAdvisor.dockerPath / --docker-path to the podman executable, or set cacheAdvisor.engine to "docker".');
  }
  const r = await probe(command, ['--version'], env);
  if (r.spawnError) {
    throw new EngineError(`Podman ${r.spawnError === 'ENOENT' ? 'not found' : `cannot be run (${r.spawnError})`}: '${command}'.`, 'missing',
      'Install podman (apt-get install podman) or correct cacheAdvisor.dockerPath / --docker-path.');
  }
  if (r.code !== 0) {
    throw new EngineError(`Podman cannot be run: '${command}': ${firstLine(r.stderr) || `exit code ${r.code}`}.`, 'missing',
      'Check the podman installation (podman --version) or correct cacheAdvisor.dockerPath / --docker-path.');
  }
  const version = versionOf(r.stdout);
  return { kind: 'podman', command, baseArgs: ['build'], env: {}, version };
}

/** Where the engine is expected to listen, for messages. */
export function daemonAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST}`;
  if (env.DOCKER_CONTEXT) return `docker context ${env.DOCKER_CONTEXT}`;
  return 'the current docker context (default: unix:///var/run/docker.sock)';
}

const DAEMON_DOWN = [
  /cannot connect to the docker daemon/i,
  /is the docker daemon running/i,
  /error during connect/i,
  /failed to dial grpc/i,
  /dial unix [^:]+: connect: (no such file or directory|connection refused|permission denied)/i,
  /connect: connection refused/i,
  /Cannot connect to Podman/i,
  /unable to connect to Podman socket/i,
];

/** When a failed build's output shows the engine was never reached: the clear message for it. */
export function daemonProblem(output: string, engine: BuildEngine, env: NodeJS.ProcessEnv = process.env): EngineError | undefined {
  const line = output.split('\n').find(l => DAEMON_DOWN.some(re => re.test(l)));
  if (!line) return undefined;
  if (engine.kind === 'podman') {
    return new EngineError(`Cannot reach the Podman service: ${line.trim()}`, 'daemon',
      'Start it (systemctl start podman.socket), or check CONTAINER_HOST / `podman system connection`.');
  }
  const permission = /permission denied/i.test(line);
  return new EngineError(`Cannot reach the Docker daemon at ${daemonAddress(env)}: ${line.trim().replace(/^ERROR:\s*/, '')}`, 'daemon',
    permission
      ? 'Your user may not use the Docker socket: add it to the docker group (sudo usermod -aG docker $USER, then log in again) or use rootless Docker.'
      : 'Start Docker (sudo systemctl start docker, or open Docker Desktop), or point DOCKER_HOST / `docker context use` at a running engine.');
}

/** How the engine is invoked, for logs: `DOCKER_BUILDKIT=1 /usr/bin/docker build`. */
export function describeEngine(engine: BuildEngine): string {
  const env = Object.entries(engine.env).map(([k, v]) => `${k}=${v} `).join('');
  return `${env}${engine.command} ${engine.baseArgs.join(' ')}`;
}
