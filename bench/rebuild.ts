/**
 * Real-build metric: samples/python-app-bench in its "before" form and in the form the extension's
 * own fix-all produces (the CLI's `--fix`, i.e. `fixAll` of the engine plus its file creations), each
 * built with BuildKit on a real engine (`DOCKER_BUILDKIT=1 docker build --network=none --progress=plain`):
 * a cold build (--no-cache, pip's cache mount emptied first), then code-only changes (one source file
 * edited) and a dependency change (a package added to requirements.txt), each rebuilt. Executed steps
 * are the Dockerfile steps the plain progress does not report as CACHED (parsed with the project's own
 * PlainProgressParser), FROM left out (it only resolves the base image); wall time is the `docker build` process from start to exit.
 * The dependency install is SIMULATED (see samples/python-app-bench/tools/pip.sh): no network in builds.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { PlainProgressParser } from '../server/src/docker/progress';
import { median, type Metric } from './metrics';
import { ensureBaseImage } from '../test/support/dockerd';

const SOCKET = '/var/run/docker.sock';
const PIP_MOUNT_DESCRIPTION = 'cached mount /root/.cache/pip from exec /bin/sh -c pip install';

function ping(socket: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 2000 }, res => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

function engineGet(p: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: SOCKET, path: p, method: 'GET', timeout: 30_000 }, res => {
      let body = '';
      res.on('data', d => { body += String(d); });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The engine's docker CLI, or the reason there is none. */
export async function findEngine(): Promise<string | { skip: string }> {
  const cli = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : undefined;
  if (!cli) return { skip: 'no docker client at /usr/bin/docker (apt-get install docker.io)' };
  if (!(await ping(SOCKET))) return { skip: `no Docker engine answers on ${SOCKET}` };
  await ensureBaseImage(cli);
  return cli;
}

interface BuildResult { executed: number; total: number; seconds: number; executedSteps: string[] }

async function build(cli: string, dir: string, tag: string, noCache: boolean): Promise<BuildResult> {
  const args = ['build', '--network=none', '--progress=plain', '-t', tag, ...(noCache ? ['--no-cache'] : []), dir];
  const t0 = process.hrtime.bigint();
  const child = spawn(cli, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const parser = new PlainProgressParser();
  let raw = '';
  child.stdout!.on('data', d => { raw += String(d); parser.push(String(d)); });
  child.stderr!.on('data', d => { raw += String(d); parser.push(String(d)); });
  const code = await new Promise<number | null>(resolve => child.on('close', resolve));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  parser.end();
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed (${code}):\n${raw.slice(-3000)}`);
  const steps = parser.steps;
  if (steps.length === 0) throw new Error(`no build steps in the plain progress of ${tag}:\n${raw.slice(-2000)}`);
  // FROM only resolves the base image (BuildKit prints it DONE or CACHED either way): not an executed step
  const executed = steps.filter(s => s.state !== 'cached' && !/^FROM\s/i.test(s.instruction));
  return { executed: executed.length, total: steps.length, seconds, executedSteps: executed.map(s => s.instruction) };
}

/** Empty pip's cache mount left by earlier runs of this sample (only records made by a `pip install` RUN). */
async function pruneSampleCacheMounts(cli: string): Promise<void> {
  const df = await engineGet('/system/df?type=build-cache') as { BuildCache?: Array<{ ID: string; Type: string; Description?: string; InUse?: boolean }> };
  for (const c of df.BuildCache ?? []) {
    if (c.Type === 'exec.cachemount' && !c.InUse && c.Description?.startsWith(PIP_MOUNT_DESCRIPTION)) {
      spawnSync(cli, ['builder', 'prune', '-f', '--filter', `id=${c.ID}`], { encoding: 'utf8' });
    }
  }
}

export interface RebuildOptions { log: (s: string) => void; tmpDir: string; root: string; quick: boolean }

export async function rebuildMetrics(cli: string, o: RebuildOptions): Promise<{ metrics: Metric[]; detail: Record<string, unknown> }> {
  const sample = path.join(o.root, 'samples', 'python-app-bench');
  const nonce = `${Date.now().toString(36)}${process.pid}`;
  const forms: Record<'before' | 'after', { dir: string; dockerfile: string; cold?: BuildResult; code: BuildResult[]; dep?: BuildResult }> = {
    before: { dir: path.join(o.tmpDir, 'before'), dockerfile: '', code: [] },
    after: { dir: path.join(o.tmpDir, 'after'), dockerfile: '', code: [] },
  };
  for (const f of Object.values(forms)) fs.cpSync(sample, f.dir, { recursive: true });
  // the "after" form: what the project's own fix-all makes of it (the CLI's --fix, as a user would run it)
  const fix = spawnSync(process.execPath, [path.join(o.root, 'dist', 'cli.js'), 'lint', '--fix', '--fail-on', 'error', path.join(forms.after.dir, 'Dockerfile')], { encoding: 'utf8' });
  if (fix.status !== 0) throw new Error(`fix-all failed: ${fix.stderr}${fix.stdout}`);
  o.log(fix.stdout.trim().split('\n').filter(l => /^(fixed|created)/.test(l)).map(l => `    ${l.replace(forms.after.dir + '/', '')}`).join('\n'));
  for (const f of Object.values(forms)) f.dockerfile = fs.readFileSync(path.join(f.dir, 'Dockerfile'), 'utf8');
  if (forms.after.dockerfile === forms.before.dockerfile) throw new Error('fix-all changed nothing in the sample');

  const codeRuns = o.quick ? 1 : 3;
  for (const [name, f] of Object.entries(forms)) {
    const tag = `cache-advisor-bench-${name}:${nonce}`;
    await pruneSampleCacheMounts(cli);
    o.log(`  ${name}: cold build…`);
    f.cold = await build(cli, f.dir, tag, true);
    for (let i = 0; i < codeRuns; i++) {
      fs.appendFileSync(path.join(f.dir, 'app', 'util.py'), `\n# edit ${nonce}-${i}\n`);
      o.log(`  ${name}: code-only change ${i + 1}/${codeRuns}, rebuild…`);
      f.code.push(await build(cli, f.dir, tag, false));
    }
    fs.appendFileSync(path.join(f.dir, 'requirements.txt'), `bench-extra==1.0.${nonce}\n`);
    o.log(`  ${name}: dependency change, rebuild…`);
    f.dep = await build(cli, f.dir, tag, false);
    spawnSync(cli, ['image', 'rm', '-f', tag], { encoding: 'utf8' });
  }
  await pruneSampleCacheMounts(cli);

  const b = forms.before;
  const a = forms.after;
  const steps = (xs: BuildResult[]) => median(xs.map(x => x.executed));
  const secs = (xs: BuildResult[]) => median(xs.map(x => x.seconds));
  const stepsSaved = 100 * (1 - steps(a.code) / steps(b.code));
  const timeSaved = 100 * (1 - secs(a.code) / secs(b.code));
  const depTimeSaved = 100 * (1 - a.dep!.seconds / b.dep!.seconds);
  const depStepsSaved = 100 * (1 - a.dep!.executed / b.dep!.executed);
  const metrics: Metric[] = [
    { name: 'rebuild-steps-saved-pct', value: stepsSaved, unit: '%', peer: 'before form (steps executed)', peerValue: steps(b.code), ratio: steps(a.code) / steps(b.code), target: '≥ 90%', met: stepsSaved >= 90, note: `code-only change: ${steps(a.code)} of ${a.code[0].total} steps executed after the fixes, ${steps(b.code)} of ${b.code[0].total} before (median of ${codeRuns})` },
    { name: 'rebuild-time-saved-pct', value: timeSaved, unit: '%', peer: 'before form (s)', peerValue: secs(b.code), ratio: secs(a.code) / secs(b.code), target: '≥ 80%', met: timeSaved >= 80, note: `code-only change: ${secs(a.code).toFixed(2)} s after vs ${secs(b.code).toFixed(2)} s before (wall time of docker build; install SIMULATED)` },
    { name: 'rebuild-dep-steps-saved-pct', value: depStepsSaved, unit: '%', peer: 'before form (steps executed)', peerValue: b.dep!.executed, ratio: a.dep!.executed / b.dep!.executed, target: 'info', met: true },
    { name: 'rebuild-dep-time-saved-pct', value: depTimeSaved, unit: '%', peer: 'before form (s)', peerValue: b.dep!.seconds, ratio: a.dep!.seconds / b.dep!.seconds, target: 'info', met: true, note: 'one package added: the cache mount keeps the other downloads' },
    { name: 'build-cold-s', value: a.cold!.seconds, unit: 's', peer: 'before form (s)', peerValue: b.cold!.seconds, ratio: a.cold!.seconds / b.cold!.seconds, target: 'info', met: true },
  ];
  const summary = (f: typeof a) => ({
    cold: f.cold, codeOnly: f.code, dependency: f.dep,
  });
  return { metrics, detail: { before: { dockerfile: b.dockerfile, ...summary(b) }, after: { dockerfile: a.dockerfile, ...summary(a) } } };
}
