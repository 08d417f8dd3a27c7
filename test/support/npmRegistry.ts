/**
 * A real npm registry on 127.0.0.1 for builds that must not reach the internet: verdaccio (a
 * devDependency) serving a storage folder that the host's own npm fills. The storage is kept between
 * runs; a lockfile is fetched through an uplinked instance (host side only) the first time it is seen,
 * then builds talk to an instance without any uplink, so a package missing from the storage fails the
 * build instead of being fetched. Started and stopped by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './freePort';

/** Where the registry keeps its packages between runs (one storage per machine). */
export function registryHome(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'cache-advisor-npm-registry');
}

export interface NpmRegistry {
  /** `http://127.0.0.1:PORT/`, what `npm_config_registry` is set to. */
  readonly url: string;
  readonly pid: number;
  /** The requests answered so far, e.g. `{ status: 200, request: 'GET /express/-/express-5.1.0.tgz' }`. */
  requests(): Array<{ status: number; request: string }>;
  /** Stops it (by PID) and removes its config and log. */
  stop(): Promise<void>;
}

function ping(url: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(`${url}-/ping`, { timeout: 2000 }, res => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

function config(storage: string, uplink: boolean, logFile: string): string {
  const proxy = uplink ? '\n    proxy: npmjs' : '';
  return [
    `storage: ${JSON.stringify(storage)}`,
    ...(uplink ? ['uplinks:', '  npmjs:', '    url: https://registry.npmjs.org/', '    timeout: 60s'] : []),
    'packages:',
    `  '@*/*':\n    access: $all\n    publish: $authenticated${proxy}`,
    `  '**':\n    access: $all\n    publish: $authenticated${proxy}`,
    `log: { type: file, path: ${JSON.stringify(logFile)}, format: pretty, level: http }`,
    // no web UI, no telemetry-like update checks: nothing but the registry API
    'web: { enable: false }',
    '',
  ].join('\n');
}

/** Starts verdaccio on a free loopback port; `uplink` lets it fetch from the public registry. */
export async function startNpmRegistry(o: { storage: string; uplink: boolean }): Promise<NpmRegistry> {
  const bin = require.resolve('verdaccio/bin/verdaccio');
  fs.mkdirSync(o.storage, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-npm-registry-'));
  const logFile = path.join(dir, 'verdaccio.log');
  const cfg = path.join(dir, 'config.yaml');
  fs.writeFileSync(cfg, config(o.storage, o.uplink, logFile));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const out = fs.openSync(path.join(dir, 'stdout.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', cfg, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!(await ping(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = fs.existsSync(path.join(dir, 'stdout.log')) ? fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(`verdaccio did not answer on ${url}: ${why}`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  // verdaccio logs a request when it arrives (0 bytes out) and again when it is answered
  const requests = () => fs.existsSync(logFile)
    ? [...fs.readFileSync(logFile, 'utf8').matchAll(/^http <-- (\d+), user: [^\n]*?, req: '([A-Z]+ [^']+)', (?:bytes: \d+\/[1-9]|error)/gm)].map(m => ({ status: Number(m[1]), request: m[2] }))
    : [];
  return { url, pid: child.pid!, requests, stop };
}

/** The `npm ci` environment for the host's npm: this registry, an empty cache, no user config. */
function hostNpmEnv(registry: string, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // an outer `npm run` passes its npm_config_* on; none of them belongs to this install
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_registry: registry, npm_config_cache: cache, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

const lockKey = (dir: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'package-lock.json'))).digest('hex').slice(0, 16);

/**
 * Makes sure the storage holds every package of each project's lockfile: a lockfile not fetched
 * before is installed once by the host's npm (scripts off, empty cache, so every tarball goes
 * through the registry) from an instance with an uplink. Returns the lockfiles it had to fetch.
 */
export async function fillNpmRegistry(storage: string, projects: readonly string[], log: (s: string) => void = () => undefined): Promise<string[]> {
  const marks = path.join(storage, '.cache-advisor-filled');
  const missing = projects.filter(p => !fs.existsSync(path.join(marks, lockKey(p))));
  if (missing.length === 0) return [];
  const reg = await startNpmRegistry({ storage, uplink: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-npm-fill-'));
  try {
    for (const [i, p] of missing.entries()) {
      const work = path.join(tmp, String(i));
      fs.mkdirSync(work);
      for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(p, f), path.join(work, f));
      log(`  filling the local npm registry from ${path.basename(p)}'s lockfile (host npm, uplink to the public registry)…`);
      const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: work, env: hostNpmEnv(reg.url, path.join(tmp, `cache-${i}`)), encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`npm ci against ${reg.url} failed for ${p}:\n${(r.stdout + r.stderr).slice(-3000)}`);
      fs.mkdirSync(marks, { recursive: true });
      fs.writeFileSync(path.join(marks, lockKey(p)), `${p}\n`);
    }
  } finally {
    await reg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return missing;
}

/**
 * Adds `spec` to a copy of a project (package.json and lockfile only) with the host's npm against an
 * uplinked instance, as a developer adding a dependency would; the storage then holds it too.
 */
export async function addDependency(storage: string, project: string, spec: string, dest: string): Promise<void> {
  const reg = await startNpmRegistry({ storage, uplink: true });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-npm-add-'));
  try {
    fs.mkdirSync(dest, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(project, f), path.join(dest, f));
    // resolved URLs written whatever the machine's npmrc says, as in the project's own lockfile
    const r = spawnSync('npm', ['install', spec, '--save-exact', '--package-lock-only', '--ignore-scripts', '--omit-lockfile-registry-resolved=false'], { cwd: dest, env: hostNpmEnv(reg.url, cache), encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`npm install ${spec} against ${reg.url} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
    // New entries are resolved against this instance's port, which dies with it: record them under
    // the public registry's host, as the existing entries are (verdaccio mirrors its tarball paths).
    const lock = path.join(dest, 'package-lock.json');
    fs.writeFileSync(lock, fs.readFileSync(lock, 'utf8').split(`"resolved": "${reg.url}`).join('"resolved": "https://registry.npmjs.org/'));
  } finally {
    await reg.stop();
    fs.rmSync(cache, { recursive: true, force: true });
  }
}
