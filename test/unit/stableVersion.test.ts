import * as assert from 'assert';
import { forStableVersion, isCancellationError } from '../../client/src/stableVersion';

/** A document whose version moves when the test says so, and a computation that records each run. */
function setup(plan: Array<'ok' | 'edit-during' | 'cancelled' | 'fails'>) {
  let version = 1;
  const runs: number[] = [];
  const compute = async () => {
    const step = plan[runs.length] ?? 'ok';
    runs.push(version);
    await new Promise(r => setImmediate(r));
    if (step === 'edit-during') version++;
    if (step === 'cancelled') throw Object.assign(new Error('Canceled'), { name: 'Canceled' });
    if (step === 'fails') throw new Error('server failed');
    return `fixes for v${runs[runs.length - 1]}`;
  };
  return { version: () => version, compute, runs };
}

describe('Fix All: fixes only for the text they are applied to (client/src/stableVersion.ts)', () => {
  it('an unchanged document: computed once, for its version', async () => {
    const s = setup(['ok']);
    assert.deepStrictEqual(await forStableVersion(s.version, s.compute, isCancellationError), { value: 'fixes for v1', version: 1 });
    assert.deepStrictEqual(s.runs, [1]);
  });

  it('the document changed while the fixes were computed: computed again for the new version', async () => {
    const s = setup(['edit-during', 'ok']);
    assert.deepStrictEqual(await forStableVersion(s.version, s.compute, isCancellationError), { value: 'fixes for v2', version: 2 });
    assert.deepStrictEqual(s.runs, [1, 2]);
  });

  it('a cancelled request is asked again', async () => {
    const s = setup(['cancelled', 'ok']);
    assert.deepStrictEqual(await forStableVersion(s.version, s.compute, isCancellationError), { value: 'fixes for v1', version: 1 });
  });

  it('a document that keeps changing gets nothing (the caller applies no edit)', async () => {
    const s = setup(['edit-during', 'edit-during', 'edit-during', 'ok']);
    assert.strictEqual(await forStableVersion(s.version, s.compute, isCancellationError), undefined);
    assert.strictEqual(s.runs.length, 3);
  });

  it('any other error is not retried', async () => {
    const s = setup(['fails', 'ok']);
    await assert.rejects(forStableVersion(s.version, s.compute, isCancellationError), /server failed/);
    assert.strictEqual(s.runs.length, 1);
  });
});
