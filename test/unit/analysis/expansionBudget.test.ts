import * as assert from 'assert';
import { analyze, expandVars } from '../../../common/analysis/analyze';
import { EXPANSION_LIMITS, ExpansionBudget } from '../../../common/analysis/envScope';
import { lint } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';

/** `ENV A=<seed>` then lines each repeating the previous variable `times` times. */
function chainedEnv(seed: string, lines: number, times: number): string {
  const out = ['FROM busybox', `ENV V0=${seed}`];
  for (let i = 1; i <= lines; i++) out.push(`ENV V${i}=${`$V${i - 1}`.repeat(times)}`);
  return out.join('\n') + '\n';
}

/** The variables in scope after the last line (the scope of an added last instruction). */
const envAtEnd = (text: string) => {
  const model = analyze(text + 'RUN true\n');
  return model.instructions[model.instructions.length - 1].env;
};

describe('ENV/ARG expansion budget', () => {
  it('catches: nine chained ENV lines growing tenfold each leave the later values unknown, without throwing', () => {
    const text = chainedEnv('xxxxxxxxxx', 8, 10) + 'RUN pip install flask\n';
    const env = envAtEnd(text);
    assert.strictEqual(env.get('V2')?.length, 1000);
    // V4 would be 100,000 characters: past the per-value budget
    assert.strictEqual(env.has('V4'), true);
    assert.strictEqual(env.get('V4'), undefined);
    assert.strictEqual(env.get('V8'), undefined);
    // the rest of the file is still analysed
    assert.ok(lint(DOCKERFILE, text).findings.some(f => f.rule === 'missing-cache-mount'));
  });

  it('catches-not: values that grow within the budget are expanded in full', () => {
    const env = envAtEnd(chainedEnv('ab', 3, 10));
    assert.strictEqual(env.get('V3'), 'ab'.repeat(1000));
  });

  it('catches: one expansion past the per-value limit is unknown; catches-not: one just under it is kept', () => {
    const big = 'x'.repeat(EXPANSION_LIMITS.perValue / 2);
    const env = new Map([['B', big]]);
    assert.strictEqual(expandVars('$B$B$B', env), undefined);
    assert.strictEqual(expandVars('$B', env), big);
  });

  it('catches: once an analysis has spent its total budget, further expansions are unknown', () => {
    const budget = new ExpansionBudget(100);
    const env = new Map([['A', 'y'.repeat(40)]]);
    assert.strictEqual(expandVars('$A', env, '\\', budget)?.length, 40);
    assert.strictEqual(expandVars('$A', env, '\\', budget)?.length, 40);
    assert.strictEqual(expandVars('$A', env, '\\', budget), undefined);
    // text without expansions spends nothing
    assert.strictEqual(expandVars('plain', env, '\\', budget), 'plain');
  });

  it('catches: many large copies of one value exhaust the total budget of a Dockerfile', () => {
    const per = 32_000;
    const copies = Math.ceil(EXPANSION_LIMITS.total / per) + 5;
    const lines = ['FROM busybox', `ENV BASE=${'z'.repeat(per / 10)}`, `ENV BIG=${'$BASE'.repeat(10)}`];
    for (let i = 0; i < copies; i++) lines.push(`ENV C${i}=$BIG`);
    const env = envAtEnd(lines.join('\n') + '\n');
    assert.strictEqual(env.get('C0')?.length, per);
    assert.strictEqual(env.get(`C${copies - 1}`), undefined);
  });
});
