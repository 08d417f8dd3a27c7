import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { collectCacheStats } from '../../common/docker/collectStats';
import { EngineApiError, EngineClient, parseDockerHost } from '../../common/docker/engineApi';
import { pruneBuildCache, removeDanglingImages, removeVolume } from '../../common/docker/prune';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { build, cacheFixture, captureIO, cleanupFixtures, docker, rawDf, stepsCached, type CacheFixture } from './cacheStatsFixture';

describe('prune against a real engine', function () {
  let env: DockerEnv;
  let engine: EngineClient;
  let host: string;

  before(async function () {
    env = await requireDocker(this);
    host = `unix://${env.socket}`;
    engine = new EngineClient(parseDockerHost(host, 'test'));
  });

  after(function () {
    if (env) cleanupFixtures(env);
  });

  async function mountOf(fx: CacheFixture) {
    const df = await rawDf(env.socket);
    return (df.BuildCache ?? []).find(r => r.Type === 'exec.cachemount' && r.Description.includes(fx.marker));
  }

  it('pruning cache mounts removes them and nothing else: the layers stay cached', async () => {
    const fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    const mount = await mountOf(fx);
    assert.ok(mount && mount.Size === 524288, 'the fixture made a 512 KiB cache mount');
    const before = (await rawDf(env.socket)).BuildCache ?? [];

    const result = await pruneBuildCache(engine, { kind: 'cacheMounts' });

    assert.ok(result.deleted.includes(mount.ID), 'our cache mount was deleted');
    assert.ok(result.reclaimedBytes >= 524288, `reclaimed ${result.reclaimedBytes}`);
    const typeOf = new Map(before.map(r => [r.ID, r.Type]));
    for (const id of result.deleted) {
      if (typeOf.has(id)) assert.strictEqual(typeOf.get(id), 'exec.cachemount', `deleted ${id} is a cache mount`);
    }
    // what the prune deleted is what it reports (the engine's own answer): no record of another type is
    // among it. Records can still come and go around the prune when other builds share the engine.
    const deleted = new Set(result.deleted);
    for (const r of before) {
      if (r.Type !== 'exec.cachemount') assert.ok(!deleted.has(r.ID), `${r.Type} record ${r.ID} (${r.Description}) was not pruned`);
    }
    assert.strictEqual(await mountOf(fx), undefined);

    const again = [...stepsCached(build(env, fx.dir, fx.tag))].filter(([step]) => step.startsWith('RUN '));
    assert.strictEqual(again.length, 3, `RUN steps seen: ${again.map(([s]) => s).join(', ')}`);
    for (const [step, cached] of again) assert.ok(cached, `${step} is still CACHED`);

    // and the mount really is empty now: a new step that uses it finds no blob
    fs.writeFileSync(path.join(fx.dir, 'Dockerfile.check'), [
      `FROM ${env.baseImage}`,
      `RUN --mount=type=cache,id=${fx.marker},target=/root/.cache/pip test ! -e /root/.cache/pip/blob && echo empty-${fx.marker}`,
      '',
    ].join('\n'));
    assert.match(build(env, fx.dir, `${fx.tag}-check`, 'Dockerfile.check'), new RegExp(`empty-${fx.marker}`));
  });

  it('removes one cache record by id, and only that one', async () => {
    const fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    const mount = await mountOf(fx);
    assert.ok(mount);
    const result = await pruneBuildCache(engine, { kind: 'record', id: mount.ID });
    assert.deepStrictEqual(result.deleted, [mount.ID]);
    assert.strictEqual(result.reclaimedBytes, 524288);
    assert.strictEqual(await mountOf(fx), undefined);
  });

  it('CLI prune: refuses without --yes off a terminal, honours a "no", prunes with --yes', async () => {
    const fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    assert.ok(await mountOf(fx));

    const piped = captureIO(false);
    assert.strictEqual(await main(['prune', '--cache-mounts', '--host', host], piped), 2);
    assert.match(piped.stderr, /refusing to prune without --yes: stdin is not a terminal/);
    assert.ok(await mountOf(fx), 'nothing removed');

    const dry = captureIO(false);
    assert.strictEqual(await main(['prune', '--cache-mounts', '--dry-run', '--host', host], dry), 0);
    assert.match(dry.stdout, /^Would remove \d+ records? of build-cache mounts/);
    assert.ok(dry.stdout.includes((await mountOf(fx))!.ID));

    const declined = captureIO(true, false);
    assert.strictEqual(await main(['prune', '--cache-mounts', '--host', host], declined), 1);
    assert.match(declined.asked[0], /^Remove \d+ records? of build-cache mounts .*freeing about .* \(\d+ bytes\)\?$/);
    assert.ok(await mountOf(fx), 'nothing removed after "no"');

    const yes = captureIO(false);
    assert.strictEqual(await main(['prune', '--cache-mounts', '--yes', '--format', 'json', '--host', host], yes), 0, yes.stderr);
    const json = JSON.parse(yes.stdout);
    assert.ok(json.deleted.length >= 1 && json.reclaimedBytes >= 524288 && json.planned.bytes >= 524288);
    assert.strictEqual(await mountOf(fx), undefined);

    const usage = captureIO(false);
    assert.strictEqual(await main(['prune', '--host', host], usage), 2);
    assert.match(usage.stderr, /say what to prune/);
    assert.strictEqual(await main(['prune', '--older-than', 'soon', '--host', host], usage), 2);
    assert.match(usage.stderr, /--older-than expects an age/);
  });

  it('older than N days leaves recently used cache alone', async () => {
    const fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    const result = await pruneBuildCache(engine, { kind: 'all', olderThanMs: 30 * 86400e3 });
    assert.ok(!result.deleted.includes((await mountOf(fx))!.ID), 'used a moment ago: kept');
    assert.ok(await mountOf(fx));
  });

  it('removes dangling images but keeps tagged ones', async () => {
    const fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
    const first = docker(env, 'image', 'inspect', '-f', '{{.Id}}', fx.tag);
    fs.appendFileSync(path.join(fx.dir, 'Dockerfile'), `RUN echo second-${fx.marker} > /second\n`);
    build(env, fx.dir, fx.tag);
    const second = docker(env, 'image', 'inspect', '-f', '{{.Id}}', fx.tag);
    assert.notStrictEqual(first, second);
    const stats = await collectCacheStats(engine, { maxImagesInspected: 0 });
    assert.ok(stats.images.items.find(i => i.id === first)?.dangling, 'the re-tagged image is dangling');

    const result = await removeDanglingImages(engine);
    assert.ok(result.deleted.includes(first));
    const ids = new Set((await rawDf(env.socket)).Images.map(i => i.Id));
    assert.ok(!ids.has(first) && ids.has(second));
  });

  it('removes an unused volume and refuses one in use', async () => {
    const fx = cacheFixture(env);
    const unused = `ca-${fx.marker}-pip-cache`, used = `ca-${fx.marker}-used`;
    docker(env, 'volume', 'create', unused);
    docker(env, 'volume', 'create', used);
    const container = docker(env, 'create', '--network=none', '-v', `${used}:/data`, env.baseImage, 'true');
    try {
      const stats = await collectCacheStats(engine, { maxImagesInspected: 0 });
      assert.ok(stats.volumes.items.find(v => v.name === unused)?.cache, 'a cache-like name');
      assert.deepStrictEqual(await removeVolume(engine, unused, stats), { deleted: [unused], reclaimedBytes: 0 });
      await assert.rejects(removeVolume(engine, used, stats), /used by 1 container/);
      await assert.rejects(removeVolume(engine, used), (e: Error) => e instanceof EngineApiError && e.status === 409 && /in use/.test(e.message));
      const names = new Set((await rawDf(env.socket)).Volumes.map(v => (v as { Name: string }).Name));
      assert.ok(!names.has(unused) && names.has(used));
    } finally {
      docker(env, 'rm', container);
      docker(env, 'volume', 'rm', used);
    }
  });
});
