#!/usr/bin/env node
// The long fuzz run: `npm run fuzz -- --runs 100000 [--seed N]`. Same properties as the bounded
// spec in test/unit/fuzz.test.ts (which CI runs), over the compiled test support code.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2147483647;
if (!Number.isInteger(runs) || runs <= 0 || !Number.isFinite(seed)) {
  console.error('usage: npm run fuzz -- --runs <n> [--seed <n>]');
  process.exit(2);
}
const out = path.resolve(import.meta.dirname, '../out/test/support');
if (!fs.existsSync(path.join(out, 'fuzzProperties.js'))) {
  console.error('build first: npx tsc -b');
  process.exit(2);
}
const fc = require('fast-check');
const { dockerfile, garbage, mutated } = require(path.join(out, 'dockerfileArbitrary.js'));
const { checkDockerfile, checkGlob, checkHostilePattern, checkIgnore } = require(path.join(out, 'fuzzProperties.js'));
const { contextPath, hostilePair, ignoreLines, pattern } = require(path.join(out, 'patternArbitrary.js'));

const root = path.resolve(import.meta.dirname, '..');
const fixtures = [];
const walk = dir => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/Dockerfile|Containerfile/i.test(e.name)) fixtures.push(fs.readFileSync(p, 'utf8'));
  }
};
for (const d of ['test/fixtures', 'samples']) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));

let fixes = 0;
const started = Date.now();
const checkText = text => { fixes += checkDockerfile(text); };
const properties = [
  ['grammar', dockerfile, checkText, runs],
  ['garbage', garbage, checkText, Math.ceil(runs / 3)],
  ['mutated fixtures', fc.nat({ max: fixtures.length - 1 }).chain(i => mutated(fixtures[i])), checkText, runs],
  // the matchers are cheap: more cases for the same time
  ['COPY globs vs filepath.Match', fc.tuple(pattern, contextPath), ([p, f]) => checkGlob(p, f), runs * 10],
  ['.dockerignore vs patternmatcher', fc.tuple(ignoreLines, contextPath), ([l, f]) => checkIgnore(l, f), runs * 10],
  ['hostile patterns', hostilePair, ([p, f]) => checkHostilePattern(p, f), Math.ceil(runs / 3)],
];
let failed = false;
for (const [name, arb, check, n] of properties) {
  const t = Date.now();
  const result = fc.check(fc.property(arb, check), { numRuns: n, seed });
  console.log(`${name}: ${result.numRuns} cases in ${((Date.now() - t) / 1000).toFixed(1)} s${result.failed ? ' — FAILED' : ''}`);
  if (result.failed) {
    failed = true;
    console.log(fc.defaultReportMessage(result));
  }
}
console.log(`seed ${seed}; ${fixes} quick fixes verified; ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
