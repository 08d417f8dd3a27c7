import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ignoreFileCandidates, ignoreSpec, parseIgnoreText, readIgnoreSpec } from '../../../server/src/buildContext/ignore';
import { clearContextListingCache, listContext } from '../../../server/src/buildContext/listing';
import { ask, FIXTURES } from './fixtures';
import { formatBytes, formatDuration } from '../../../common/format';

describe('context: .dockerignore', () => {
  it('parses comments, blank lines and surrounding spaces away', () => {
    assert.deepStrictEqual(parseIgnoreText('# c\n\n  *.log  \r\n!keep.log\n'), ['*.log', '!keep.log']);
  });

  it('like BuildKit: `#` starts a comment only in the first column, a byte-order mark is dropped', () => {
    assert.deepStrictEqual(parseIgnoreText('\uFEFF# c\n  # not a comment\n#x\n'), ['# not a comment']);
    assert.ok(ignoreSpec(parseIgnoreText('  # notes.md\n')).ignores('# notes.md'));
  });

  it('`**`, exceptions and excluded folders re-included in part (the fixture tree after its .dockerignore)', () => {
    const dir = path.join(FIXTURES, 'ignore');
    const listing = listContext(dir, readIgnoreSpec(path.join(dir, 'Dockerfile'), dir));
    assert.strictEqual(listing.complete, true);
    assert.deepStrictEqual(listing.files.map(f => f.rel), [
      '.dockerignore', 'Dockerfile', 'README.md', 'app.js', 'secrets/public.pem', 'src/main.js', 'vendor/keep/keep.js',
    ]);
    assert.strictEqual(listing.files.find(f => f.rel === 'app.js')!.size, fs.statSync(path.join(dir, 'app.js')).size);
  });

  it('an ignored file is not in the context; its neighbour re-included by `!` is', () => {
    for (const f of ['debug.log', 'sub/trace.log', 'build/out.bin', 'notes.md', 'secrets/key.pem', 'vendor/lib/index.js', 'src/skip.tmp']) {
      const a = ask('ignore', f);
      assert.strictEqual(a.inContext, false, f);
      assert.strictEqual(a.reason, 'ignored', f);
      assert.deepStrictEqual(a.rerun, [], f);
    }
    for (const f of ['README.md', 'secrets/public.pem', 'vendor/keep/keep.js', 'src/main.js']) {
      const a = ask('ignore', f);
      assert.strictEqual(a.inContext, true, f);
      assert.deepStrictEqual(a.rerun, [3, 4], f);
    }
  });

  describe('per-Dockerfile ignore files', () => {
    it('<Dockerfile>.dockerignore replaces the context\'s .dockerignore (they never combine)', () => {
      const api = { dockerfile: 'docker/api.Dockerfile', buildContext: '.' };
      assert.strictEqual(ask('per-dockerfile', 'a.txt', api).inContext, true, 'a.txt is only in the root .dockerignore');
      assert.strictEqual(ask('per-dockerfile', 'b.txt', api).inContext, false);
      assert.deepStrictEqual(ask('per-dockerfile', 'c.txt', api).rerun, [2, 3]);
    });

    it('the root Dockerfile uses the root .dockerignore', () => {
      assert.strictEqual(ask('per-dockerfile', 'a.txt').inContext, false);
      assert.strictEqual(ask('per-dockerfile', 'b.txt').inContext, true);
    });

    it('candidates: next to the Dockerfile first, then the context root', () => {
      assert.deepStrictEqual(ignoreFileCandidates('/r/docker/api.Dockerfile', '/r'), ['/r/docker/api.Dockerfile.dockerignore', '/r/.dockerignore']);
    });
  });

  describe('bounded, cached listing', () => {
    let tmp: string;
    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-listing-'));
      for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(tmp, `f${String(i).padStart(2, '0')}.txt`), 'x'.repeat(i));
      fs.mkdirSync(path.join(tmp, 'skipme'));
      fs.writeFileSync(path.join(tmp, 'skipme', 'big.bin'), 'y');
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    beforeEach(() => clearContextListingCache());

    it('stops at maxEntries and says the listing is partial', () => {
      const l = listContext(tmp, ignoreSpec([]), { maxEntries: 10 });
      assert.strictEqual(l.complete, false);
      assert.strictEqual(l.files.length, 10);
      const full = listContext(tmp, ignoreSpec([]), { maxEntries: 100 });
      assert.strictEqual(full.complete, true);
      assert.strictEqual(full.files.length, 31);
      assert.strictEqual(full.files.reduce((n, f) => n + f.size, 0), 435 + 1);
    });

    it('does not walk an excluded folder when no exception could re-include part of it', () => {
      const l = listContext(tmp, ignoreSpec(['skipme', 'f0*']), { maxEntries: 100 });
      assert.deepStrictEqual(l.files.map(f => f.rel).filter(r => r.startsWith('skipme') || r.startsWith('f0')), []);
      const back = listContext(tmp, ignoreSpec(['skipme', '!skipme/big.bin']), { maxEntries: 100 });
      assert.ok(back.files.some(f => f.rel === 'skipme/big.bin'));
    });

    it('reuses a listing within the TTL and re-reads after it', () => {
      const first = listContext(tmp, ignoreSpec([]), { now: 1000, ttlMs: 5000 });
      fs.writeFileSync(path.join(tmp, 'new.txt'), 'n');
      try {
        assert.strictEqual(listContext(tmp, ignoreSpec([]), { now: 2000, ttlMs: 5000 }), first);
        assert.ok(listContext(tmp, ignoreSpec([]), { now: 7000, ttlMs: 5000 }).files.some(f => f.rel === 'new.txt'));
      } finally {
        fs.rmSync(path.join(tmp, 'new.txt'));
      }
    });
  });

  it('formats sizes and durations', () => {
    assert.strictEqual(formatBytes(512), '512 B');
    assert.strictEqual(formatBytes(1536), '1.5 KiB');
    assert.strictEqual(formatBytes(5 * 1024 * 1024), '5 MiB');
    assert.strictEqual(formatDuration(38), '38.0s');
    assert.strictEqual(formatDuration(192), '3m12s');
    assert.strictEqual(formatDuration(2.5), '2.5s');
  });
});
