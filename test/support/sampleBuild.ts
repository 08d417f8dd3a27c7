/**
 * Real builds of the samples in samples/, shared by test/docker/samples.test.ts and the bench: the
 * Debian base image, the "after" form made by the CLI's own `--fix`, and a timed BuildKit build that
 * reports which steps ran.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { PlainProgressParser } from '../../common/docker/progress';

/** The repository root (this file runs from out/test/support or out/bench/…/test/support). */
export function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'samples')) || !fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error(`no repository root above ${__dirname}`);
    d = up;
  }
  return d;
}

export const NODE_BASE_IMAGE = 'local/bookworm-node:latest';

/**
 * Debian bookworm with Node.js and npm from Debian (scripts/base-image-bookworm-node.sh): built the
 * first time on a machine (about 2 to 4 minutes), reused while it carries the script's mark.
 */
export function ensureNodeBaseImage(cli: string, log: (s: string) => void = () => undefined): void {
  const script = path.join(repoRoot(), 'scripts', 'base-image-bookworm-node.sh');
  const r = spawnSync('bash', [script, NODE_BASE_IMAGE], { env: { ...process.env, DOCKER: cli }, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${path.basename(script)} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  log(`  ${r.stdout.trim().split('\n').pop()}`);
}

/**
 * Copies a sample to `dest` and applies every fix the CLI offers (`lint --fix`, as a user runs it).
 * Returns the CLI's `fixed …` / `created …` lines.
 */
export function fixedCopy(sample: string, dest: string): string[] {
  fs.cpSync(sample, dest, { recursive: true });
  const cli = path.join(repoRoot(), 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'lint', '--fix', '--fail-on', 'error', path.join(dest, 'Dockerfile')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dockerfile-cache-advisor lint --fix failed on ${sample}: ${r.stderr}${r.stdout}`);
  return r.stdout.split('\n').filter(l => /^(fixed|created) /.test(l)).map(l => l.split(dest + path.sep).join(''));
}

export interface BuildResult {
  readonly seconds: number;
  /** Dockerfile steps BuildKit ran (not CACHED), FROM left out: it only resolves the base image. */
  readonly executed: number;
  readonly total: number;
  readonly executedSteps: string[];
  /** Every step as BuildKit reported it, with its own time (0 when cached). */
  readonly steps: Array<{ instruction: string; cached: boolean; seconds: number }>;
}

export interface BuildOptions {
  /** `host` only for builds that talk to Debian's mirror and the loopback npm registry. */
  readonly network: 'none' | 'host';
  readonly noCache?: boolean;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

/** `DOCKER_BUILDKIT=1 docker build --progress=plain`; wall time is the process from start to exit. */
export async function buildImage(cli: string, dir: string, tag: string, o: BuildOptions): Promise<BuildResult> {
  const args = ['build', `--network=${o.network}`, '--progress=plain', '-t', tag, ...(o.noCache ? ['--no-cache'] : [])];
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(dir);
  const t0 = process.hrtime.bigint();
  const child = spawn(cli, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const parser = new PlainProgressParser();
  let raw = '';
  const feed = (d: Buffer) => { raw += String(d); parser.push(String(d)); };
  child.stdout!.on('data', feed);
  child.stderr!.on('data', feed);
  const code = await new Promise<number | null>(resolve => child.on('close', resolve));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  parser.end();
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed (${code}):\n${raw.slice(-4000)}`);
  const steps = parser.steps;
  if (steps.length === 0) throw new Error(`no build steps in the plain progress of ${tag}:\n${raw.slice(-2000)}`);
  const executed = steps.filter(s => s.state !== 'cached' && !/^FROM\s/i.test(s.instruction));
  return {
    seconds, executed: executed.length, total: steps.length, executedSteps: executed.map(s => s.instruction),
    steps: steps.map(s => ({ instruction: s.instruction, cached: s.state === 'cached', seconds: s.seconds })),
  };
}

/**
 * Empties the cache mounts that RUNs matching `command` left (unused records only), so a cold build
 * starts with empty package caches. Other projects' cache mounts are left alone.
 */
export async function pruneCacheMounts(cli: string, socket: string, command: RegExp): Promise<number> {
  const df = await new Promise<{ BuildCache?: Array<{ ID: string; Type: string; Description?: string; InUse?: boolean }> }>((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: '/system/df?type=build-cache', method: 'GET', timeout: 30_000 }, res => {
      let body = '';
      res.on('data', d => { body += String(d); });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    });
    req.on('error', reject);
    req.end();
  });
  let n = 0;
  for (const c of df.BuildCache ?? []) {
    const m = /^cached mount \S+ from exec \/bin\/sh -c (.*)$/s.exec(c.Description ?? '');
    if (c.Type === 'exec.cachemount' && !c.InUse && m && command.test(m[1])) {
      const r = spawnSync(cli, ['builder', 'prune', '-f', '--filter', `id=${c.ID}`], { encoding: 'utf8' });
      if (r.status === 0) n++;
    }
  }
  return n;
}

/** Name@version of every package a lockfile installs on any platform (optional ones marked). */
export function lockfilePackages(dir: string): Array<{ name: string; version: string; optional: boolean }> {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; optional?: boolean; link?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([k, v]) => k !== '' && !v.link && v.version)
    .map(([k, v]) => ({ name: k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length), version: v.version!, optional: !!v.optional }));
}
