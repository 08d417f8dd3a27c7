/**
 * Real-build metrics: samples/node-app in its "before" form and in the form the CLI's own `--fix`
 * makes of it, each built with BuildKit on a real engine with real package managers: apt-get from
 * Debian's mirror and npm from a verdaccio registry on 127.0.0.1 (filled beforehand by the host's npm),
 * on a Debian bookworm base image made locally (scripts/base-image-bookworm-node.sh). The builds use
 * `--network=host` only to reach those two; nothing else in them is on the network.
 *
 * Per form: a cold build (--no-cache, the form's package caches emptied first), a warm rebuild with
 * nothing changed, then one-file source edits, new values of the commit ARG, and one dependency added
 * to package.json and the lockfile (prepared with the host's npm before any timing). Wall time is the
 * `docker build` process from start to exit; executed steps are those the plain progress does not
 * report CACHED (parsed with the project's own PlainProgressParser), FROM left out.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { median, type Metric } from './metrics';
import { addDependency, fillNpmRegistry, registryHome, startNpmRegistry } from '../test/support/npmRegistry';
import { buildImage, ensureNodeBaseImage, fixedCopy, NODE_BASE_IMAGE, pruneCacheMounts, type BuildResult } from '../test/support/sampleBuild';

const SOCKET = '/var/run/docker.sock';
/** The dependency the "dependency change" adds: small, with a dependency of its own. */
const ADDED_DEPENDENCY = 'cors@2.8.5';
/** The RUNs whose cache mounts a cold build starts without. */
const SAMPLE_INSTALLS = /\bnpm ci\b|\bapt-get (update|install)\b/;

function ping(socket: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 2000 }, res => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

/** The engine's docker CLI, or the reason there is none. */
export async function findEngine(): Promise<string | { skip: string }> {
  const cli = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : undefined;
  if (!cli) return { skip: 'no docker client at /usr/bin/docker (apt-get install docker.io)' };
  if (!(await ping(SOCKET))) return { skip: `no Docker engine answers on ${SOCKET}` };
  return cli;
}

/** Sets the project's own version in package.json and its lockfile (npm writes it in both). */
function stampVersion(dir: string, version: string): void {
  const pkg = path.join(dir, 'package.json');
  const lock = path.join(dir, 'package-lock.json');
  const p = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
  const l = JSON.parse(fs.readFileSync(lock, 'utf8')) as { version: string; packages: Record<string, { version?: string }> };
  p.version = version;
  l.version = version;
  l.packages[''].version = version;
  fs.writeFileSync(pkg, JSON.stringify(p, null, 2) + '\n');
  fs.writeFileSync(lock, JSON.stringify(l, null, 2) + '\n');
}

export interface RebuildOptions { log: (s: string) => void; tmpDir: string; root: string; quick: boolean }

interface FormRuns { dir: string; dockerfile: string; cold?: BuildResult; warm?: BuildResult; code: BuildResult[]; arg: BuildResult[]; dep?: BuildResult }

const secs = (xs: readonly BuildResult[]) => median(xs.map(x => x.seconds));
const fmt = (s: number) => `${s.toFixed(1)} s`;

export async function rebuildMetrics(cli: string, o: RebuildOptions): Promise<{ metrics: Metric[]; detail: Record<string, unknown> }> {
  const sample = path.join(o.root, 'samples', 'node-app');
  const storage = path.join(registryHome(), 'storage');
  const nonce = `${Date.now().toString(36)}${process.pid}`;

  ensureNodeBaseImage(cli, o.log);
  // Everything npm will ask for is fetched here, on the host, before any build is timed.
  const depChange = path.join(o.tmpDir, 'dependency-change');
  await addDependency(storage, sample, ADDED_DEPENDENCY, depChange);
  await fillNpmRegistry(storage, [sample, depChange], o.log);

  const forms: Record<'before' | 'after', FormRuns> = {
    before: { dir: path.join(o.tmpDir, 'before'), dockerfile: '', code: [], arg: [] },
    after: { dir: path.join(o.tmpDir, 'after'), dockerfile: '', code: [], arg: [] },
  };
  fs.cpSync(sample, forms.before.dir, { recursive: true });
  o.log(fixedCopy(sample, forms.after.dir).map(l => `    ${l}`).join('\n'));
  // BuildKit keys a COPY by content: without a version of this run's own, the dependency change
  // would find the layers an earlier run built from the same package.json already in the cache.
  for (const dir of [forms.before.dir, forms.after.dir, depChange]) stampVersion(dir, `1.0.0-bench.${nonce}`);
  for (const f of Object.values(forms)) f.dockerfile = fs.readFileSync(path.join(f.dir, 'Dockerfile'), 'utf8');
  if (forms.after.dockerfile === forms.before.dockerfile) throw new Error('fix-all changed nothing in the sample');

  const registry = await startNpmRegistry({ storage, uplink: false });
  const runs = o.quick ? 1 : 3;
  let fetched = 0;
  try {
    for (const [name, f] of Object.entries(forms)) {
      const tag = `cache-advisor-bench-${name}:${nonce}`;
      let commit = 0;
      const build = (noCache = false) => buildImage(cli, f.dir, tag, {
        network: 'host', noCache,
        buildArgs: { BASE_IMAGE: NODE_BASE_IMAGE, npm_config_registry: registry.url, GIT_COMMIT: `${nonce}-${commit}` },
      });
      await pruneCacheMounts(cli, SOCKET, SAMPLE_INSTALLS);
      const before = registry.requests().length;
      f.cold = await build(true);
      const tarballs = registry.requests().slice(before).filter(r => r.status === 200 && r.request.endsWith('.tgz'));
      fetched = Math.max(fetched, tarballs.length);
      o.log(`  ${name}: cold ${fmt(f.cold.seconds)} (${tarballs.length} tarballs from the local registry)`);
      f.warm = await build();
      o.log(`  ${name}: warm, nothing changed ${fmt(f.warm.seconds)} (${f.warm.executed} steps ran)`);
      for (let i = 0; i < runs; i++) {
        fs.appendFileSync(path.join(f.dir, 'src', 'routes.js'), `\n// edit ${nonce}-${i}\n`);
        f.code.push(await build());
      }
      o.log(`  ${name}: one source file changed ${f.code.map(r => fmt(r.seconds)).join(', ')} (${f.code[0].executedSteps.length} steps ran)`);
      for (let i = 0; i < runs; i++) {
        commit++;
        f.arg.push(await build());
      }
      o.log(`  ${name}: GIT_COMMIT changed ${f.arg.map(r => fmt(r.seconds)).join(', ')} (${f.arg[0].executed} steps ran)`);
      for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(depChange, file), path.join(f.dir, file));
      f.dep = await build();
      o.log(`  ${name}: ${ADDED_DEPENDENCY} added ${fmt(f.dep.seconds)} (${f.dep.executed} steps ran)`);
      spawnSync(cli, ['image', 'rm', '-f', tag], { encoding: 'utf8' });
    }
  } finally {
    await registry.stop();
  }
  await pruneCacheMounts(cli, SOCKET, SAMPLE_INSTALLS);

  const npmVersion = spawnSync(cli, ['run', '--rm', '--network=none', NODE_BASE_IMAGE, 'npm', '--version'], { encoding: 'utf8' }).stdout.trim();
  const nodeVersion = spawnSync(cli, ['run', '--rm', '--network=none', NODE_BASE_IMAGE, 'node', '--version'], { encoding: 'utf8' }).stdout.trim();
  const managers = `npm ${npmVersion} (Node ${nodeVersion}, Debian bookworm) installing ${fetched} packages from a verdaccio registry on 127.0.0.1, apt-get installing tini from deb.debian.org`;

  const b = forms.before;
  const a = forms.after;
  const saved = (after: number, before: number) => 100 * (1 - after / before);
  const code = saved(secs(a.code), secs(b.code));
  const arg = saved(secs(a.arg), secs(b.arg));
  const dep = saved(a.dep!.seconds, b.dep!.seconds);
  const steps = (r: BuildResult) => `${r.executed} of ${r.total - 1} steps ran`;
  // the steps that took time, as `apt-get update 2.6 s`: where a dependency change still spends it
  const ran = (r: BuildResult) => r.steps.filter(x => !x.cached && x.seconds >= 0.5)
    .map(x => `${x.instruction.replace(/^RUN\s+(--\S+\s+)*/, '').replace(/^(rm|echo) .*?&& (?=apt-get update)/, '').slice(0, 24)}… ${fmt(x.seconds)}`).join(', ');
  const metrics: Metric[] = [
    { name: 'rebuild-code-change-saved-pct', value: code, unit: '%', peer: 'before form (s)', peerValue: secs(b.code), ratio: secs(a.code) / secs(b.code), target: '≥ 90%', met: code >= 90, simulated: false, note: `one source file edited: ${fmt(secs(a.code))} after the fixes (${steps(a.code[0])}) vs ${fmt(secs(b.code))} before (${steps(b.code[0])}), median of ${runs}; ${managers}` },
    { name: 'rebuild-dependency-change-saved-pct', value: dep, unit: '%', peer: 'before form (s)', peerValue: b.dep!.seconds, ratio: a.dep!.seconds / b.dep!.seconds, target: '≥ 50%', met: dep >= 50, simulated: false, note: `${ADDED_DEPENDENCY} added to package.json and package-lock.json: ${fmt(a.dep!.seconds)} after (${ran(a.dep!)}) vs ${fmt(b.dep!.seconds)} before (${ran(b.dep!)}); ${managers}` },
    { name: 'rebuild-arg-change-saved-pct', value: arg, unit: '%', peer: 'before form (s)', peerValue: secs(b.arg), ratio: secs(a.arg) / secs(b.arg), target: '≥ 90%', met: arg >= 90, simulated: false, note: `only --build-arg GIT_COMMIT changed: ${fmt(secs(a.arg))} after (${steps(a.arg[0])}) vs ${fmt(secs(b.arg))} before (${steps(b.arg[0])}), median of ${runs}; ${managers}` },
    { name: 'build-cold-s', value: a.cold!.seconds, unit: 's', peer: 'before form (s)', peerValue: b.cold!.seconds, ratio: a.cold!.seconds / b.cold!.seconds, target: 'info', met: true, simulated: false, note: '--no-cache, package caches emptied first' },
    { name: 'build-warm-s', value: a.warm!.seconds, unit: 's', peer: 'before form (s)', peerValue: b.warm!.seconds, ratio: a.warm!.seconds / b.warm!.seconds, target: 'info', met: true, simulated: false, note: 'nothing changed: every step cached' },
  ];
  const summary = (f: FormRuns) => ({ dockerfile: f.dockerfile, cold: f.cold, warm: f.warm, codeChange: f.code, argChange: f.arg, dependencyChange: f.dep });
  return { metrics, detail: { sample: 'samples/node-app', packageManagers: managers, addedDependency: ADDED_DEPENDENCY, before: summary(b), after: summary(a) } };
}
