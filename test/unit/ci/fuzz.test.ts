import * as assert from 'assert';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parseCiWorkflow } from '../../../common/analysis/ciWorkflow';
import { CI } from '../../../server/src/lint/fileKinds';
import { lint, verifyFix } from '../../../server/src/lint/linter';
import { DEFAULT_SETTINGS } from '../../../common/settings';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

/** Pieces of CI workflows, shuffled together with arbitrary text: keys, indentation, anchors, scripts, flow style. */
const piece = fc.constantFrom(
  'jobs:', 'on: push', 'on: [schedule]', '  build:', '    steps:', '      - uses: docker/setup-buildx-action@v3',
  '      - uses: docker/build-push-action@v6', '        with:', '          push: true', '          tags: ghcr.io/a/b:1',
  '          no-cache: true', '          build-args: |', '            BUILDKIT_INLINE_CACHE=1', '      - run: |',
  '          docker build \\', '            --no-cache \\', '            -t app:${{ github.sha }} .', '      - run: docker build --no-cache .',
  'build:', '  script:', '    - docker build --no-cache --build-arg BUILDKIT_INLINE_CACHE=1 .', '    - >', '      docker build',
  '      --no-cache .', '    - *s', '  script: &s', '.t: &t', '  <<: *t', '      with: {context: .}', '      - {uses: docker/build-push-action@v6}',
  '  variables:', '    BUILDKIT_INLINE_CACHE: "1"', '', '# cache-advisor ignore=ci-no-cache', '\t', '"', "'", '- [', '{', '&a *a',
);
const workflow = fc.array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), { maxLength: 30 })
  .chain(lines => fc.constantFrom('\n', '\r\n').map(eol => lines.join(eol) + eol));

/** Valid workflows with a few lines inserted or deleted: most stay YAML, so fixes get exercised. */
const BASES = [
  'on: push\njobs:\n  build:\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/a/b:1\n          no-cache: true\n      - uses: docker/build-push-action@v6\n      - run: |\n          docker build \\\n            --no-cache \\\n            -t app .',
  'build:\n  script:\n    - docker build --no-cache -t app .\n    - >\n      docker build\n      --no-cache .\nother:\n  script: docker buildx build --no-cache=true .',
];
const mutated = fc.tuple(fc.constantFrom(...BASES), fc.array(fc.tuple(fc.nat(20), fc.option(piece)), { maxLength: 3 }), fc.constantFrom('\n', '\r\n'))
  .map(([base, edits, eol]) => {
    const lines = base.split('\n');
    for (const [at, p] of edits) {
      if (p === null) lines.splice(at % lines.length, 1);
      else lines.splice(at % (lines.length + 1), 0, p);
    }
    return lines.join(eol) + eol;
  });

describe('fuzzing the CI workflow kind (fast-check, seeded)', function () {
  this.timeout(600_000);

  it('never throws; every fix offered re-parses as YAML without errors and keeps the jobs', () => {
    let fixes = 0;
    fc.assert(fc.property(fc.oneof(workflow, mutated), text => {
      const model = parseCiWorkflow(text);
      const { findings } = lint(CI, text, DEFAULT_SETTINGS, { dockerfiles: { Dockerfile: { stages: [{ name: 'b' }, {}] } } }, model);
      for (const f of findings) {
        assert.notStrictEqual(f.message.startsWith('Rule '), true, f.message);
        for (const fix of f.fixes ?? []) {
          const next = verifyFix(CI, model, fix);
          if (next === undefined) continue;
          fixes++;
          assert.deepStrictEqual(parseDocument(next, { uniqueKeys: false }).errors, []);
          assert.deepStrictEqual(parseCiWorkflow(next).jobs, model.jobs);
        }
      }
    }), { numRuns: RUNS, seed: SEED });
     
    console.log(`      ci fuzz: ${RUNS} runs, ${fixes} fixes verified`);
    assert.ok(fixes > 0, 'the generator should produce fixable workflows');
  });
});
