import * as assert from 'assert';
import { analyze } from '../../../common/analysis/analyze';
import { buildGraph, invalidate, UnknownTargetError } from '../../../common/analysis/invalidation';
import { ask } from './fixtures';

/** Lines re-run when the steps on `changed` lines miss the cache. */
function rerunFrom(text: string, changed: number[], target?: string): number[] {
  const g = buildGraph(analyze(text), target);
  return invalidate(g, s => changed.includes(s.line)).rerun.map(s => s.line);
}

describe('context: invalidation across steps and stages', () => {
  describe('multi-stage fixture', () => {
    it('a change in the first stage re-runs the stages built FROM it and the steps that COPY --from it', () => {
      const a = ask('multistage', 'requirements.txt');
      assert.strictEqual(a.first, 3);
      // line 17 is COPY --link: it does not depend on the layers below it, so it stays cached
      assert.deepStrictEqual(a.rerun, [3, 4, 7, 8, 16, 18]);
      // COPY --from=build re-runs only if /app comes out different: BuildKit compares the content
      assert.deepStrictEqual(a.answerRerun.filter(s => a.answer.answer.conditional.has(s)).map(s => s.line), [16, 18]);
      assert.strictEqual(a.total, 10, 'deps 4 + build 2 + final 4; the test stage is not built');
    });

    it('a RUN --mount=type=bind of a context file depends on that file', () => {
      assert.deepStrictEqual(ask('multistage', 'scripts/gen.sh').rerun, [8, 16, 18]);
    });

    it('COPY --link re-runs for its own sources, and what follows it re-runs too', () => {
      assert.deepStrictEqual(ask('multistage', 'assets/logo.svg').rerun, [17, 18]);
    });

    it('a stage the target does not need is not built: its COPY re-runs nothing', () => {
      const t = ask('multistage', 'tests/test_app.py');
      assert.strictEqual(t.reason, 'not-copied');
      assert.deepStrictEqual(t.answer.answer.unbuiltReaders.map(s => s.line), [12]);
      const asTarget = ask('multistage', 'tests/test_app.py', { target: 'test' });
      assert.deepStrictEqual(asTarget.rerun, [12, 13]);
      assert.strictEqual(asTarget.total, 8);
      assert.deepStrictEqual(ask('multistage', 'requirements.txt', { target: 'TEST' }).rerun, [3, 4, 7, 8, 12, 13]);
    });

    it('a file no step copies re-runs nothing', () => {
      const r = ask('multistage', 'README.md');
      assert.strictEqual(r.inContext, true);
      assert.deepStrictEqual(r.rerun, []);
    });

    it('an unknown target is a clear error', () => {
      assert.throws(() => ask('multistage', 'README.md', { target: 'nope' }), (e: Error) => e instanceof UnknownTargetError && /no stage 'nope'.*deps, build, test, final/.test(e.message));
    });
  });

  describe('the layer chain', () => {
    const text = 'FROM alpine\nENV A=1\nWORKDIR /w\nCOPY a .\nLABEL x=y\nRUN make\nCMD ["x"]\n';

    it('a miss re-runs every later step of the stage; metadata instructions are not steps', () => {
      assert.deepStrictEqual(rerunFrom(text, [4]), [4, 6]);
      assert.strictEqual(buildGraph(analyze(text)).totalSteps, 4);
    });

    it('a miss in the last step re-runs only that step', () => {
      assert.deepStrictEqual(rerunFrom(text, [6]), [6]);
      assert.deepStrictEqual(rerunFrom(text, []), []);
    });

    it('FROM <stage> is no step of its own; the whole child stage re-runs', () => {
      const t = 'FROM alpine AS a\nCOPY x .\nFROM a AS b\nRUN one\nRUN two\n';
      assert.deepStrictEqual(rerunFrom(t, [2]), [2, 4, 5]);
      assert.strictEqual(buildGraph(analyze(t)).totalSteps, 4);
    });

    it('COPY --from by stage index and RUN --mount from a stage depend on that stage', () => {
      const t = 'FROM alpine\nCOPY x /x\nFROM alpine AS two\nRUN early\nCOPY --from=0 /x /x\nRUN late\nFROM alpine\nRUN --mount=type=bind,from=two,target=/t cat /t/x\nRUN after\n';
      assert.deepStrictEqual(rerunFrom(t, [2]), [2, 5, 6, 8, 9]);
      const inv = invalidate(buildGraph(analyze(t)), s => s.line === 2);
      assert.deepStrictEqual([...inv.conditional].map(s => s.line).sort(), [5, 6, 8, 9]);
    });

    it('COPY --from an image is not a stage dependency', () => {
      const t = 'FROM alpine AS a\nCOPY x .\nFROM alpine\nCOPY --from=golang:1.22 /usr/local/go /go\nRUN x\n';
      assert.deepStrictEqual(rerunFrom(t, [2]), [], 'stage a is not needed by the last stage');
      assert.deepStrictEqual(rerunFrom(t, [2], 'all'), [2]);
    });

    it("target 'all' counts every stage", () => {
      const t = 'FROM alpine AS a\nCOPY x .\nFROM alpine AS b\nCOPY y .\nFROM alpine\nRUN z\n';
      assert.strictEqual(buildGraph(analyze(t)).totalSteps, 2);
      assert.strictEqual(buildGraph(analyze(t), 'all').totalSteps, 6);
      assert.deepStrictEqual(rerunFrom(t, [2], 'all'), [2]);
    });
  });
});
