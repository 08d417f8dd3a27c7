/**
 * Editor-speed metrics: the full lint (parse + analysis + all rules, `lint(DOCKERFILE, )` of the engine) against
 * dockerfile-ast's `DockerfileParser.parse` alone (the floor: lint includes that very parse) and against
 * dockerfile-utils `validate` (what the Docker extension runs on every keystroke), on the same texts,
 * measured side by side in the same process with tinybench.
 *
 * Three cache states of the engine are reported, because the shell parser (mvdan-sh) caches by RUN text:
 *   keystroke  each iteration types into one RUN (a new RUN text): one RUN is re-parsed, the rest hit the
 *              cache — what the language server does on every keystroke. The targets are measured here.
 *   warm       the same text again (every RUN cached): a re-lint after a settings change.
 *   cold       the shell cache is cleared before each iteration (JIT warm): opening a file.
 * plus the first lint in a fresh Node process (JIT and cache cold), against the first parse there.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { lint } from '../server/src/lint/linter';
import { DOCKERFILE } from '../server/src/lint/fileKinds';
import { clearShellCache } from '../common/analysis/shell';
import { setAstMemo } from '../common/analysis/astMemo';
import { generateDockerfile, runLineStarts, typeInto } from './generate';
import { median, type Metric } from './metrics';
import { isDockerfileName } from '../common/analysis/fileNames';
import { fixtureFiles } from '../test/support/fixtureFiles';

/**
 * `shipped`: run with dockerfile-ast exactly as published. The engine keeps each instruction's arguments
 * on the instance (common/analysis/astMemo.ts, installed for the whole process once the linter is
 * loaded), which would speed up the parse and dockerfile-utils baselines measured here as well.
 */
type Task = { name: string; fn: () => unknown; iterations?: number; shipped?: boolean };
type Row = Record<string, number>;

/** Run `tasks` in `rounds` rounds (a fresh tinybench Bench per round) and return each task's per-round medians (ms). */
async function rounds(tasks: Task[], count: number, timeMs: number): Promise<Record<string, number[]>> {
  const { Bench } = await import('tinybench');
  const out: Record<string, number[]> = {};
  for (let r = 0; r < count; r++) {
    for (const t of tasks) {
      const bench = new Bench({ time: t.iterations ? 0 : timeMs, iterations: t.iterations ?? 10, warmupTime: t.iterations ? 0 : Math.min(200, timeMs / 4), warmupIterations: t.iterations ? 1 : 5 });
      bench.add(t.name, t.fn);
      setAstMemo(!t.shipped);
      try {
        await bench.run();
      } finally {
        setAstMemo(true);
      }
      const res = bench.tasks[0].result as { state: string; latency?: { p50: number }; error?: unknown };
      if (res.state !== 'completed' || !res.latency) throw new Error(`benchmark task ${t.name} ${res.state}: ${String(res.error ?? '')}`);
      (out[t.name] ??= []).push(res.latency.p50);
    }
  }
  return out;
}

const ratioOf = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]));

/** Fresh-process first call: `which` is 'parse' or 'lint'. */
function firstCallMs(which: 'parse' | 'lint' | 'validate', file: string): number {
  const root = path.resolve(__dirname, '../..');
  const code = `
    const t = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8');
    const f = ${which === 'parse' ? "require('dockerfile-ast').DockerfileParser.parse" : which === 'validate' ? "require('dockerfile-utils').validate" : `((lint, kind) => text => lint(kind, text))(require(${JSON.stringify(path.join(root, 'out/server/src/lint/linter.js'))}).lint, require(${JSON.stringify(path.join(root, 'out/server/src/lint/kinds/dockerfile.js'))}).DOCKERFILE)`};
    const s = process.hrtime.bigint(); f(t); process.stdout.write(String(Number(process.hrtime.bigint() - s) / 1e6));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fresh-process ${which} failed: ${r.stderr}`);
  return Number(r.stdout);
}

export interface EditorOptions { quick: boolean; log: (s: string) => void; tmpDir: string }

export async function editorSpeed(o: EditorOptions): Promise<{ metrics: Metric[]; detail: Record<string, Row> }> {
  const metrics: Metric[] = [];
  const detail: Record<string, Row> = {};
  let k = 0;
  for (const n of [100, 1000, 2000]) {
    const text = generateDockerfile(n);
    const runs = runLineStarts(text);
    const variant = () => { k++; return typeInto(text, runs, k * 7, `k${k}`); };
    lint(DOCKERFILE, text); // the cache holds the file as the editor would after opening it
    const time = o.quick ? 150 : n === 100 ? 400 : n === 1000 ? 1000 : 1500;
    o.log(`  ${n} instructions (${text.length} chars, ${text.split('\n').length} lines, ${runs.length} shell RUNs)…`);
    const r = await rounds([
      { name: 'parse', fn: () => DockerfileParser.parse(variant()), shipped: true },
      { name: 'validate', fn: () => validate(variant()), shipped: true },
      { name: 'lint-keystroke', fn: () => lint(DOCKERFILE, variant()) },
      { name: 'lint-warm', fn: () => lint(DOCKERFILE, text) },
      { name: 'lint-cold', fn: () => { clearShellCache(); lint(DOCKERFILE, variant()); }, iterations: o.quick || n === 2000 ? 2 : 4 },
    ], o.quick ? 1 : 3, time);
    lint(DOCKERFILE, text);
    const med = (name: string) => median(r[name]);
    detail[`generated-${n}`] = { chars: text.length, lines: text.split('\n').length, shellRuns: runs.length, parseMs: med('parse'), validateMs: med('validate'), lintKeystrokeMs: med('lint-keystroke'), lintWarmMs: med('lint-warm'), lintColdMs: med('lint-cold') };
    const target = n === 2000;
    metrics.push(
      { name: `lint-vs-parse-${n}`, value: med('lint-keystroke'), unit: 'ms', peer: 'dockerfile-ast parse', peerValue: med('parse'), ratio: ratioOf(r['lint-keystroke'], r.parse), target: target ? '≤ 1.3×' : 'info', met: target ? ratioOf(r['lint-keystroke'], r.parse) <= 1.3 : true, note: 'keystroke: one RUN edited per iteration, the other RUNs in the shell cache' },
      { name: `lint-vs-dockerfile-utils-${n}`, value: med('lint-keystroke'), unit: 'ms', peer: 'dockerfile-utils validate', peerValue: med('validate'), ratio: ratioOf(r['lint-keystroke'], r.validate), target: target ? '≤ 1.0×' : 'info', met: target ? ratioOf(r['lint-keystroke'], r.validate) <= 1.0 : true },
    );
    if (target) {
      metrics.push(
        { name: 'lint-vs-parse-2000-warm', value: med('lint-warm'), unit: 'ms', peer: 'dockerfile-ast parse', peerValue: med('parse'), ratio: ratioOf(r['lint-warm'], r.parse), target: 'info', met: true, note: 'same text again: every RUN in the shell cache' },
        { name: 'lint-vs-parse-2000-cold', value: med('lint-cold'), unit: 'ms', peer: 'dockerfile-ast parse', peerValue: med('parse'), ratio: ratioOf(r['lint-cold'], r.parse), target: 'info', met: true, note: 'shell cache cleared before each lint (JIT warm): opening a file' },
        { name: 'lint-vs-dockerfile-utils-2000-cold', value: med('lint-cold'), unit: 'ms', peer: 'dockerfile-utils validate', peerValue: med('validate'), ratio: ratioOf(r['lint-cold'], r.validate), target: 'info', met: true },
      );
      const file = path.join(o.tmpDir, 'generated-2000.Dockerfile');
      fs.writeFileSync(file, text);
      const firstLint = median([0, 1, 2].slice(0, o.quick ? 1 : 3).map(() => firstCallMs('lint', file)));
      const firstParse = median([0, 1, 2].slice(0, o.quick ? 1 : 3).map(() => firstCallMs('parse', file)));
      const firstValidate = median([0, 1, 2].slice(0, o.quick ? 1 : 3).map(() => firstCallMs('validate', file)));
      metrics.push(
        { name: 'lint-first-call-2000', value: firstLint, unit: 'ms', peer: 'dockerfile-ast parse, first call', peerValue: firstParse, ratio: firstLint / firstParse, target: 'info', met: true, note: 'fresh Node process: first lint (JIT and shell cache cold)' },
        { name: 'lint-first-call-vs-dockerfile-utils-2000', value: firstLint, unit: 'ms', peer: 'dockerfile-utils validate, first call', peerValue: firstValidate, ratio: firstLint / firstValidate, target: 'info', met: true },
      );
    }
  }

  // the repository's own Dockerfiles (test fixtures and samples), each linted as when a file is opened
  const texts = fixtureFiles(isDockerfileName).sort().map(f => fs.readFileSync(f, 'utf8'));
  o.log(`  ${texts.length} Dockerfiles from test/fixtures and samples/…`);
  const r = await rounds([
    { name: 'parse', fn: () => texts.forEach(t => DockerfileParser.parse(t)), shipped: true },
    { name: 'validate', fn: () => texts.forEach(t => validate(t)), shipped: true },
    { name: 'lint-cold', fn: () => { for (const t of texts) { clearShellCache(); lint(DOCKERFILE, t); } } },
    { name: 'lint-warm', fn: () => texts.forEach(t => lint(DOCKERFILE, t)) },
  ], o.quick ? 1 : 3, o.quick ? 150 : 500);
  detail.fixtures = { files: texts.length, parseMs: median(r.parse), validateMs: median(r.validate), lintColdMs: median(r['lint-cold']), lintWarmMs: median(r['lint-warm']) };
  metrics.push(
    { name: 'lint-vs-parse-fixtures', value: median(r['lint-cold']), unit: 'ms', peer: 'dockerfile-ast parse', peerValue: median(r.parse), ratio: ratioOf(r['lint-cold'], r.parse), target: 'info', met: true, note: `all ${texts.length} Dockerfiles of test/fixtures and samples/, shell cache cleared per file` },
    { name: 'lint-vs-dockerfile-utils-fixtures', value: median(r['lint-cold']), unit: 'ms', peer: 'dockerfile-utils validate', peerValue: median(r.validate), ratio: ratioOf(r['lint-cold'], r.validate), target: 'info', met: true },
  );
  return { metrics, detail };
}
