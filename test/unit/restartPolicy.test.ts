import * as assert from 'assert';
import { RestartPolicy } from '../../client/src/restartPolicy';

describe('client: restart policy for a crashed server', () => {
  it('restarts and says so, up to 4 times in 3 minutes, then stops and says how to retry', () => {
    let t = 0;
    const p = new RestartPolicy(4, 180_000, () => t);
    for (let i = 0; i < 4; i++) {
      const d = p.onServerClosed();
      assert.strictEqual(d.restart, true);
      assert.match(d.message, /restarted/);
      t += 1000;
    }
    const last = p.onServerClosed();
    assert.strictEqual(last.restart, false);
    assert.match(last.message, /Restart Language Server/);
  });

  it('forgets crashes older than the window', () => {
    let t = 0;
    const p = new RestartPolicy(1, 1000, () => t);
    assert.strictEqual(p.onServerClosed().restart, true);
    t = 5000;
    assert.strictEqual(p.onServerClosed().restart, true);
  });
});
