import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hostCacheLocations, measureHostCaches, measureHostCachesInWorker } from '../../common/docker/hostCaches';
import { clearHostCache } from '../../common/docker/prune';

function fakeHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-hc-'));
  const put = (rel: string, bytes: number) => {
    fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    fs.writeFileSync(path.join(home, rel), Buffer.alloc(bytes));
  };
  put('.cache/pip/http/a/b/blob1', 1000);
  put('.cache/pip/wheels/x.whl', 2000);
  put('.npm/_cacache/index-v5/00/file', 300);
  put('hf/hub/models--x/blob', 4096);
  // the Go module cache is read-only on purpose
  put('go/pkg/mod/example.com/m@v1.0.0/go.mod', 50);
  fs.chmodSync(path.join(home, 'go/pkg/mod/example.com/m@v1.0.0'), 0o555);
  // a hard link is counted once, a symlink not followed
  fs.linkSync(path.join(home, '.cache/pip/wheels/x.whl'), path.join(home, '.cache/pip/wheels/y.whl'));
  fs.symlinkSync('/usr', path.join(home, '.cache/pip/usr-link'));
  return home;
}

describe('host caches', () => {
  it('knows each tool\'s location and environment override', () => {
    const ids = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') => Object.fromEntries(hostCacheLocations({ env, home: '/h', platform }).map(l => [l.id, l.path]));
    const linux = ids({});
    assert.strictEqual(linux.pip, '/h/.cache/pip');
    assert.strictEqual(linux['go-mod'], '/h/go/pkg/mod');
    assert.strictEqual(linux.huggingface, '/h/.cache/huggingface');
    assert.strictEqual(linux.npm, '/h/.npm');
    const env = ids({ PIP_CACHE_DIR: '/p', HF_HOME: '/hf', GOMODCACHE: '/gm', XDG_CACHE_HOME: '/x', npm_config_cache: '/n' });
    assert.deepStrictEqual([env.pip, env.huggingface, env['go-mod'], env.uv, env['go-build'], env.npm], ['/p', '/hf', '/gm', '/x/uv', '/x/go-build', '/n']);
    assert.strictEqual(ids({}, 'darwin').pip, '/h/Library/Caches/pip');
  });

  it('measures only caches that exist: hard links once, symlinks not followed', () => {
    const home = fakeHome();
    const stats = measureHostCaches({ env: { HF_HOME: path.join(home, 'hf') }, home });
    const by = Object.fromEntries(stats.map(s => [s.id, s]));
    assert.deepStrictEqual(Object.keys(by).sort(), ['go-mod', 'huggingface', 'npm', 'pip']);
    assert.deepStrictEqual([by.pip.bytes, by.pip.files, by.pip.complete], [3000, 2, true]);
    assert.deepStrictEqual([by.huggingface.bytes, by.npm.bytes, by['go-mod'].bytes], [4096, 300, 50]);
  });

  it('stops at the entry limit and says the size is a lower bound', () => {
    const home = fakeHome();
    const [pip] = measureHostCaches({ env: {}, home, maxEntries: 2 }).filter(s => s.id === 'pip');
    assert.strictEqual(pip.complete, false);
    assert.match(pip.note ?? '', /stopped after 2 entries/);
    assert.ok(pip.bytes < 3000);
  });

  it('stops at the deadline', () => {
    const home = fakeHome();
    const stats = measureHostCaches({ env: {}, home, timeoutMs: -1 });
    assert.ok(stats.length > 0 && stats.every(s => !s.complete && /time limit/.test(s.note ?? '')));
  });

  it('gives the same answer from a worker thread', async () => {
    const home = fakeHome();
    const opts = { env: { HF_HOME: path.join(home, 'hf') }, home };
    assert.deepStrictEqual(await measureHostCachesInWorker(opts), measureHostCaches(opts));
  });

  it('clears one known cache (read-only Go modules too), keeps the directory and reports the freed bytes', async () => {
    const home = fakeHome();
    const pip = await clearHostCache('pip', { env: {}, home });
    assert.deepStrictEqual(pip, { deleted: [path.join(home, '.cache/pip')], reclaimedBytes: 3000 });
    assert.deepStrictEqual(fs.readdirSync(path.join(home, '.cache/pip')), []);
    assert.ok(fs.existsSync('/usr/bin'), 'the symlinked directory itself is untouched');
    assert.strictEqual((await clearHostCache('go-mod', { env: {}, home })).reclaimedBytes, 50);
    assert.deepStrictEqual(fs.readdirSync(path.join(home, 'go/pkg/mod')), []);
    assert.ok(fs.existsSync(path.join(home, '.npm/_cacache/index-v5/00/file')), 'other caches stay');
  });

  it('refuses unknown ids and a cache variable pointing at home', async () => {
    const home = fakeHome();
    await assert.rejects(clearHostCache('../etc', { env: {}, home }), /unknown host cache/);
    await assert.rejects(clearHostCache('pip', { env: { PIP_CACHE_DIR: home }, home }), /refusing to clear/);
    assert.ok(fs.existsSync(path.join(home, '.npm')));
  });
});
