import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { dockerfile, garbage, mutated } from '../support/dockerfileArbitrary';
import { checkDockerfile, checkGlob, checkHostilePattern, checkIgnore } from '../support/fuzzProperties';
import { contextPath, hostilePair, ignoreLines, pattern } from '../support/patternArbitrary';
import { fixtureFiles } from '../support/fixtureFiles';
import * as os from 'os';

/** Bounded in CI; `npm run fuzz -- --runs 100000` is the long run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

describe('fuzzing (fast-check, seeded)', function () {
  this.timeout(600_000);
  let fixesChecked = 0;
  after(() => {
    console.log(`      fuzz: ${RUNS} runs per property, seed ${SEED}, ${fixesChecked} quick fixes verified`);
  });

  it('grammar-generated Dockerfiles keep every invariant', () => {
    fc.assert(fc.property(dockerfile, text => { fixesChecked += checkDockerfile(text); }), { numRuns: RUNS, seed: SEED });
  });

  it('garbage (binary, Unicode, very long lines) never throws', () => {
    fc.assert(fc.property(garbage, text => { fixesChecked += checkDockerfile(text); }), { numRuns: Math.ceil(RUNS / 3), seed: SEED });
  });

  it('mutated fixtures (lines deleted, duplicated, swapped, cut) keep every invariant', () => {
    const files = fixtureFiles();
    assert.ok(files.length > 5, 'expected fixtures to mutate');
    const texts = files.map(f => fs.readFileSync(f, 'utf8'));
    const arb = fc.nat({ max: texts.length - 1 }).chain(i => mutated(texts[i]));
    fc.assert(fc.property(arb, text => { fixesChecked += checkDockerfile(text); }), { numRuns: RUNS, seed: SEED });
  });

  it('COPY source globs agree with a transcription of Go filepath.Match', () => {
    fc.assert(fc.property(pattern, contextPath, checkGlob), { numRuns: RUNS * 10, seed: SEED });
  });

  it('.dockerignore and --exclude lists agree with a transcription of BuildKit and moby/patternmatcher', () => {
    fc.assert(fc.property(ignoreLines, contextPath, checkIgnore), { numRuns: RUNS * 10, seed: SEED });
  });

  it('star-heavy patterns on long paths finish in linear time', () => {
    fc.assert(fc.property(hostilePair, ([p, file]) => checkHostilePattern(p, file)), { numRuns: Math.ceil(RUNS / 3), seed: SEED });
  });

  it('the CLI exits 0 or 1 on any generated file, 2 on usage errors and unreadable files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-fuzz-'));
    const io = { out: () => undefined, err: () => undefined, interactive: false, confirm: async () => false };
    try {
      await fc.assert(fc.asyncProperty(fc.oneof(dockerfile, garbage), async text => {
        const file = path.join(dir, 'Dockerfile');
        fs.writeFileSync(file, text);
        const code = await main(['--format', 'json', file], io);
        assert.ok(code === 0 || code === 1, `exit ${code}`);
      }), { numRuns: Math.ceil(RUNS / 6), seed: SEED });
      assert.strictEqual(await main(['--format', 'nope', dir], io), 2);
      assert.strictEqual(await main([path.join(dir, 'missing', 'Dockerfile')], io), 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
