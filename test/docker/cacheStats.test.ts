import * as assert from 'assert';
import { main } from '../../server/src/cli';
import { buildCacheStats } from '../../common/docker/cacheStats';
import { collectCacheStats } from '../../common/docker/collectStats';
import { EngineClient, parseDockerHost } from '../../common/docker/engineApi';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { build, cacheFixture, captureIO, cleanupFixtures, rawDf, type CacheFixture } from './cacheStatsFixture';

describe('cache statistics against a real engine', function () {
  let env: DockerEnv;
  let fx: CacheFixture;
  let engine: EngineClient;

  before(async function () {
    env = await requireDocker(this);
    fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    engine = new EngineClient(parseDockerHost(`unix://${env.socket}`, 'test'));
  });

  after(function () {
    if (env) cleanupFixtures(env);
  });

  it('shows the cache mount with its target and size', async () => {
    const stats = await collectCacheStats(engine);
    const mount = stats.cacheMounts.find(m => m.createdBy?.includes(fx.marker));
    assert.ok(mount, `a cache mount created by the fixture among ${stats.cacheMounts.map(m => m.description).join(' | ')}`);
    assert.strictEqual(mount.target, '/root/.cache/pip');
    assert.strictEqual(mount.bytes, 512 * 1024);
    assert.ok(mount.usageCount >= 1 && mount.lastUsed && !mount.inUse);
    assert.ok(stats.buildCache.byType['exec.cachemount'].bytes >= 512 * 1024);
    const image = stats.images.items.find(i => i.tags.includes(fx.tag));
    assert.ok(image, 'the fixture image is listed');
    assert.strictEqual(image.layers, 4, 'base + three RUN layers (from the image inspect)');
    assert.deepStrictEqual(stats.engine && [stats.engine.host, stats.engine.source], [`unix://${env.socket}`, 'test']);
  });

  it('CLI: `stats --format json` has the documented keys and the mount; text shows it', async () => {
    const io = captureIO();
    assert.strictEqual(await main(['stats', '--format', 'json', '--no-host-caches', '--host', `unix://${env.socket}`], io), 0, io.stderr);
    const json = JSON.parse(io.stdout);
    for (const k of ['totalBytes', 'reclaimableBytes', 'byType']) assert.ok(k in json.buildCache, k);
    assert.ok(Array.isArray(json.hostCaches) && json.images && json.volumes);
    const mount = json.cacheMounts.find((m: { createdBy?: string }) => m.createdBy?.includes(fx.marker));
    assert.deepStrictEqual([mount.target, mount.bytes, typeof mount.lastUsed, typeof mount.usageCount], ['/root/.cache/pip', 524288, 'string', 'number']);

    const text = captureIO();
    assert.strictEqual(await main(['stats', '--no-host-caches', '--host', `unix://${env.socket}`], text), 0);
    assert.match(text.stdout, /^Build cache: .* total/m);
    assert.match(text.stdout, /\/root\/\.cache\/pip\s+512 KiB/);
  });

  it('totals agree with GET /system/df', async () => {
    // Other builds may run on a shared engine: compare only when the raw answer was stable around ours.
    for (let attempt = 0; ; attempt++) {
      const before = await rawDf(env.socket);
      const stats = await collectCacheStats(engine);
      const after = await rawDf(env.socket);
      if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 10) continue;
      const records = after.BuildCache ?? [];
      assert.strictEqual(stats.buildCache.count, records.length);
      assert.strictEqual(stats.buildCache.totalBytes, records.filter(r => !r.Shared).reduce((s, r) => s + r.Size, 0));
      assert.strictEqual(stats.buildCache.byType['exec.cachemount'].count, records.filter(r => r.Type === 'exec.cachemount').length);
      assert.strictEqual(stats.images.count, after.Images.length);
      assert.strictEqual(stats.volumes.count, after.Volumes.length);
      assert.deepStrictEqual(stats.buildCache, buildCacheStats({ df: after }).buildCache);
      break;
    }
  });

  it('CLI: an unreachable engine is one clear line and exit 2', async () => {
    const io = captureIO();
    assert.strictEqual(await main(['stats', '--no-host-caches', '--host', 'unix:///nonexistent/docker.sock'], io), 2);
    assert.match(io.stderr, /^dockerfile-cache-advisor: Docker is not reachable: no socket at unix:\/\/\/nonexistent\/docker\.sock \(setting\)/);
    assert.strictEqual(io.stdout, '');
    const bad = captureIO();
    assert.strictEqual(await main(['stats', '--format', 'yaml'], bad), 2);
    assert.match(bad.stderr, /unknown --format 'yaml'/);
  });
});
