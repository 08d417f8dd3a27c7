/**
 * `npm run bench`: editor speed against the peers, the language server over stdio (alone, and side by side
 * with docker-langserver, the Docker extensions' server), memory, activation
 * and package sizes, and the real-build rebuild savings — side by side in one run. Prints a table and
 * writes bench/results.json. Not part of `npm test`: nothing here asserts a time.
 *
 *   npm run bench                  everything (builds the .vsix with `npm run package` first)
 *   npm run bench -- --no-docker   skip the real-build part
 *   npm run bench -- --quick       fewer rounds and iterations (a smoke run; numbers are noisier)
 *   npm run bench -- --only editor,lsp,activation,size,rebuild
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { editorSpeed } from './editor';
import { lspMetrics, monorepoComparison, peerComparison, peerServer } from './lsp';
import { median, table, writeResults, type Metric } from './metrics';
import { findEngine, rebuildMetrics } from './rebuild';

const root = path.resolve(__dirname, '..', '..');
const PARTS = ['size', 'editor', 'lsp', 'activation', 'rebuild'] as const;
type Part = typeof PARTS[number];

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: npm run bench -- [--no-docker] [--quick] [--only ${PARTS.join(',')}] [--no-package]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { noDocker: boolean; quick: boolean; only: Set<Part>; noPackage: boolean } {
  let noDocker = false;
  let quick = false;
  let noPackage = false;
  let only = new Set<Part>(PARTS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-docker') noDocker = true;
    else if (a === '--quick') quick = true;
    else if (a === '--no-package') noPackage = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      if (!v) usage('--only needs a list');
      const parts = v.split(',').map(s => s.trim());
      const bad = parts.filter(p => !PARTS.includes(p as Part));
      if (bad.length) usage(`unknown part(s) for --only: ${bad.join(', ')}`);
      only = new Set(parts as Part[]);
    } else if (a === '--help' || a === '-h') usage('Benchmarks of Dockerfile Cache Advisor.');
    else usage(`unknown option: ${a}`);
  }
  return { noDocker, quick, only, noPackage };
}

const log = (s: string) => { if (s) process.stdout.write(`${s}\n`); };
const kb = (file: string) => fs.statSync(file).size / 1024;

/** `npm run package` (production bundles + .vsix); returns the .vsix path. */
function packageVsix(): string {
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const vsix = path.join(root, `dockerfile-cache-advisor-${version}.vsix`);
  log('building the production bundles and the .vsix (npm run package)…');
  const r = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  if (!fs.existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  return vsix;
}

/**
 * The bundles as they ship (`node esbuild.mjs --production`, what `npm run package` puts in the .vsix),
 * built into `<tmpDir>/shipped/dist`: the language server and activation are measured on these, not on
 * the development build in dist/ (readable, with comments, so V8 keeps its source as a two-byte string of
 * twice its size and compiles more). Returns the extension root holding that dist/.
 */
function shippedBundles(tmpDir: string): string {
  const ext = path.join(tmpDir, 'shipped');
  const r = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production', '--outdir', path.join(ext, 'dist')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`production build failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  return ext;
}

function activation(runs: number, ext: string): Metric[] {
  type Sample = { loadMs: number; activateMs: number; totalMs: number };
  const once = (): Sample => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'activate.js'), ext], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`activation run failed: ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout) as Sample;
  };
  // the code cache dist/extension.js keeps in the extension's global storage (client/src/codeCache.ts)
  const codeCache = path.join(ext, '.bench-storage', 'code-cache');
  fs.rmSync(codeCache, { recursive: true, force: true });
  once(); // warms the OS file cache; writes the code cache
  fs.rmSync(codeCache, { recursive: true, force: true });
  const first = once(); // a first activation of this version: no code cache yet (it writes one)
  if (!fs.existsSync(codeCache) || fs.readdirSync(codeCache).length !== 1) throw new Error(`activation did not leave one code cache file in ${codeCache}`);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(once());
  const total = median(samples.map(s => s.totalMs));
  const load = median(samples.map(s => s.loadMs));
  return [
    { name: 'activation-ms', value: total, unit: 'ms', peer: null, peerValue: null, ratio: null, target: '≤ 100 ms', met: total <= 100, note: `require(dist/extension.js) + activate() of the production bundles (which starts the bundled server without waiting for its handshake), in plain Node with a stub \`vscode\` module injected by the bench (Module._resolveFilename); median of ${runs} fresh processes, each with the code cache an earlier activation of this version left` },
    { name: 'activation-load-ms', value: load, unit: 'ms', peer: null, peerValue: null, ratio: null, target: 'info', met: true, note: 'of which loading the extension entry (dist/extension.js)' },
    { name: 'activation-first-ms', value: first.totalMs, unit: 'ms', peer: null, peerValue: null, ratio: null, target: 'info', met: true, note: 'the first activation of a version: no code cache yet (one run)' },
  ];
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-advisor-bench-'));
  const metrics: Metric[] = [];
  const detail: Record<string, unknown> = {};
  const notes: string[] = [];
  const started = Date.now();
  try {
    if (opts.only.has('size')) {
      if (opts.noPackage) notes.push('--no-package: bundles and .vsix measured as they are in dist/ and the repository root');
      const vsix = opts.noPackage
        ? fs.readdirSync(root).filter(f => f.endsWith('.vsix')).map(f => path.join(root, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]
        : packageVsix();
      if (!vsix) throw new Error('no .vsix found; run without --no-package');
      metrics.push(
        { name: 'vsix-kb', value: kb(vsix), unit: 'KiB', peer: null, peerValue: null, ratio: null, target: '≤ 1024 KiB', met: kb(vsix) <= 1024, note: path.basename(vsix) },
        { name: 'client-bundle-kb', value: kb(path.join(root, 'dist/extension.js')) + kb(path.join(root, 'dist/client.js')), unit: 'KiB', peer: null, peerValue: null, ratio: null, target: 'info', met: true },
        { name: 'server-bundle-kb', value: kb(path.join(root, 'dist/server.js')), unit: 'KiB', peer: null, peerValue: null, ratio: null, target: 'info', met: true },
      );
    }
    if (opts.only.has('editor')) {
      log('editor speed: full lint vs dockerfile-ast parse and dockerfile-utils validate (tinybench, same process)…');
      const r = await editorSpeed({ quick: opts.quick, log, tmpDir });
      metrics.push(...r.metrics);
      detail.editor = r.detail;
    }
    const shipped = opts.only.has('lsp') || opts.only.has('activation') ? shippedBundles(tmpDir) : undefined;
    if (shipped) log(`production bundles (as shipped in the .vsix) built in ${shipped}; the language server and activation are measured on them`);
    if (shipped && opts.only.has('lsp')) {
      log('language server over stdio (dist/server.js, production): latency and memory…');
      const server = path.join(shipped, 'dist', 'server.js');
      const r = await lspMetrics({ quick: opts.quick, log, tmpDir, server });
      metrics.push(...r.metrics);
      detail.lsp = r.detail;
      log(`language servers side by side: ours against ${peerServer().label} at 60, 200 and 1,000 lines…`);
      const p = await peerComparison({ quick: opts.quick, log, tmpDir, server }, [60, 200, 1000], opts.quick ? 60 : 200);
      metrics.push(...p.metrics);
      detail.lspPeer = p.detail;
      log('language server in a 150-package monorepo against a bare folder, 1,000 lines…');
      const m = await monorepoComparison({ quick: opts.quick, log, tmpDir, server }, opts.quick ? 60 : 150);
      metrics.push(...m.metrics);
      detail.lspMonorepo = m.detail;
    }
    if (shipped && opts.only.has('activation')) {
      log('activation: dist/extension.js activate() (production) with a stub vscode module, real bundled server…');
      metrics.push(...activation(opts.quick ? 3 : 7, shipped));
    }
    if (opts.only.has('rebuild')) {
      if (opts.noDocker) notes.push('--no-docker: the real-build metrics (rebuild-*) were skipped');
      else {
        const engine = await findEngine();
        if (typeof engine !== 'string') {
          notes.push(`no container engine (${engine.skip}): the real-build metrics (rebuild-*) were skipped; use --no-docker to skip them knowingly`);
        } else {
          log('real builds: samples/node-app before and after fix-all (BuildKit; apt-get from Debian\'s mirror, npm from a registry on 127.0.0.1)…');
          const r = await rebuildMetrics(engine, { log, tmpDir, root, quick: opts.quick });
          metrics.push(...r.metrics);
          detail.rebuild = r.detail;
        }
      }
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  const out = path.join(root, 'bench', 'results.json');
  writeResults(out, metrics, {
    notes,
    environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg().map(x => Number(x.toFixed(2))), quick: opts.quick, seconds: Math.round((Date.now() - started) / 1000) },
    detail,
  });
  log('');
  log(table(metrics));
  log('');
  for (const m of metrics) if (m.note) log(`  ${m.name}: ${m.note}`);
  for (const n of notes) log(`note: ${n}`);
  const targets = metrics.filter(m => m.target !== 'info');
  log(`\ntargets met: ${targets.filter(m => m.met).length} of ${targets.length}${targets.some(m => !m.met) ? ` (not met: ${targets.filter(m => !m.met).map(m => m.name).join(', ')})` : ''}`);
  log(`load average during the run: ${os.loadavg().map(x => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; results in ${path.relative(process.cwd(), out) || out}`);
}

main().catch(e => {
  process.stderr.write(`bench failed: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
