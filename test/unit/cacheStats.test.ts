import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCacheStats, parseCacheMountDescription } from '../../common/docker/cacheStats';
import { cacheReportJson, cacheReportMarkdown, cacheReportText } from '../../common/docker/cacheReport';
import { formatAge, formatBytes, parseAge } from '../../common/format';

/** A real GET /v1.41/system/df answer from dockerd 20.10 (BuildKit), captured after fixture builds. */
const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'engine', 'system-df.json');
const raw = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));

interface RawRecord { ID: string; Type: string; Size: number; Shared: boolean; InUse: boolean; Description: string; LastUsedAt: string; UsageCount: number }

describe('cache statistics model (captured /system/df)', () => {
  const df = raw();
  const records = df.BuildCache as RawRecord[];
  const stats = buildCacheStats({ df, now: new Date('2026-11-21T09:00:00Z') });

  it('build-cache total counts records not shared with images, like `docker system df`', () => {
    const expected = records.filter(r => !r.Shared).reduce((s, r) => s + r.Size, 0);
    assert.strictEqual(stats.buildCache.totalBytes, expected);
    assert.strictEqual(stats.buildCache.count, records.length);
    assert.strictEqual(stats.buildCache.sharedBytes, records.filter(r => r.Shared).reduce((s, r) => s + r.Size, 0));
    assert.strictEqual(stats.buildCache.totalBytes + stats.buildCache.sharedBytes, df.BuilderSize, 'total + shared = every record');
    assert.strictEqual(stats.buildCache.reclaimableBytes, expected, 'nothing was building when captured');
    assert.strictEqual(stats.buildCache.inUseBytes, 0);
  });

  it('groups by type with count and size that add up', () => {
    const types = new Set(records.map(r => r.Type));
    assert.deepStrictEqual(new Set(Object.keys(stats.buildCache.byType)), types);
    for (const t of types) {
      assert.strictEqual(stats.buildCache.byType[t].count, records.filter(r => r.Type === t).length, t);
    }
    const sum = Object.values(stats.buildCache.byType).reduce((s, g) => s + g.bytes, 0);
    assert.strictEqual(sum, stats.buildCache.totalBytes);
  });

  it('lists cache mounts by the target parsed from their description', () => {
    const mounts = records.filter(r => r.Type === 'exec.cachemount');
    assert.ok(mounts.length > 0, 'fixture has a cache mount');
    assert.strictEqual(stats.cacheMounts.length, mounts.length);
    const big = stats.cacheMounts.find(m => m.bytes === 524288);
    assert.ok(big, 'the 512 KiB pip cache mount');
    assert.strictEqual(big.target, '/root/.cache/pip');
    assert.match(big.createdBy ?? '', /^\/bin\/sh -c dd if=\/dev\/urandom/);
    assert.ok(big.usageCount >= 1);
    assert.ok(big.lastUsed && Number.isFinite(Date.parse(big.lastUsed)));
    assert.ok(!stats.cacheMounts.some(m => m.target.startsWith('cached mount')));
  });

  it('images: dangling count and reclaimable size, layer counts when given', () => {
    const images = df.Images as Array<{ Id: string; RepoTags: string[] | null; Size: number; SharedSize: number }>;
    const dangling = images.filter(i => !i.RepoTags || i.RepoTags.every(t => t === '<none>:<none>'));
    assert.ok(dangling.length > 0, 'fixture has dangling images');
    assert.strictEqual(stats.images.count, images.length);
    assert.strictEqual(stats.images.dangling.count, dangling.length);
    assert.strictEqual(stats.images.dangling.bytes, dangling.reduce((s, i) => s + i.Size - i.SharedSize, 0));
    assert.strictEqual(stats.images.totalBytes, df.LayersSize);
    const tagged = stats.images.items.find(i => i.tags.includes('local/busybox:latest'));
    assert.ok(tagged && !tagged.dangling);
    assert.strictEqual(tagged.layers, undefined, 'no inspect data given');
    const withLayers = buildCacheStats({ df, layers: new Map([[tagged.id, 1]]) });
    assert.strictEqual(withLayers.images.items.find(i => i.id === tagged.id)?.layers, 1);
  });

  it('volumes: size, in use by a container, cache-like names stand out', () => {
    const pip = stats.volumes.items.find(v => v.name === 'ca-fixture-pip-cache');
    const data = stats.volumes.items.find(v => v.name === 'ca-fixture-data');
    assert.ok(pip && data);
    assert.deepStrictEqual([pip.bytes, pip.inUse, pip.cache], [65536, false, true]);
    assert.deepStrictEqual([data.bytes, data.inUse, data.refCount, data.cache], [0, true, 1, false]);
    assert.strictEqual(stats.volumes.totalBytes, 65536);
  });

  it('in-use records are not reclaimable; shared ones count under images', () => {
    const copy = raw();
    const rec = (copy.BuildCache as RawRecord[]).find(r => r.Type === 'exec.cachemount' && r.Size > 0)!;
    rec.InUse = true;
    const s = buildCacheStats({ df: copy });
    assert.strictEqual(s.buildCache.inUseBytes, rec.Size);
    assert.strictEqual(s.buildCache.reclaimableBytes, s.buildCache.totalBytes - rec.Size);
    rec.InUse = false;
    rec.Shared = true;
    const s2 = buildCacheStats({ df: copy });
    assert.strictEqual(s2.buildCache.totalBytes, stats.buildCache.totalBytes - rec.Size);
  });

  it('tolerates an empty engine (BuildCache: null) and garbage', () => {
    const empty = buildCacheStats({ df: { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: null } });
    assert.deepStrictEqual([empty.buildCache.count, empty.buildCache.totalBytes, empty.cacheMounts.length, empty.images.count], [0, 0, 0, 0]);
    const junk = buildCacheStats({ df: 'not json' });
    assert.strictEqual(junk.buildCache.count, 0);
  });

  it('reports carry the same numbers', () => {
    const json = JSON.parse(cacheReportJson(stats));
    assert.strictEqual(json.buildCache.totalBytes, stats.buildCache.totalBytes);
    assert.strictEqual(json.buildCache.reclaimableBytes, stats.buildCache.reclaimableBytes);
    assert.ok(json.buildCache.byType['exec.cachemount']);
    assert.deepStrictEqual(Object.keys(json.cacheMounts[0]).filter(k => ['target', 'bytes', 'lastUsed', 'usageCount'].includes(k)).sort(), ['bytes', 'lastUsed', 'target', 'usageCount']);
    const md = cacheReportMarkdown(stats);
    assert.match(md, /^# Docker cache report/);
    assert.match(md, /\| `\/root\/\.cache\/pip` \| 512 KiB \|/);
    assert.match(md, /ca-fixture-pip-cache \| 64 KiB \| no \| yes/);
    const text = cacheReportText(stats);
    assert.match(text, /\/root\/\.cache\/pip\s+512 KiB/);
  });
});

describe('cache-mount descriptions', () => {
  it('catches the target and the command', () => {
    assert.deepStrictEqual(parseCacheMountDescription('cached mount /root/.cache/pip from exec /bin/sh -c pip install -r r.txt'),
      { target: '/root/.cache/pip', createdBy: '/bin/sh -c pip install -r r.txt' });
    assert.deepStrictEqual(parseCacheMountDescription('cached mount /go/pkg/mod'), { target: '/go/pkg/mod', createdBy: undefined });
  });
  it('catches not other records', () => {
    assert.deepStrictEqual(parseCacheMountDescription('mount / from exec /bin/sh -c echo cached mount /x'), {});
    assert.deepStrictEqual(parseCacheMountDescription('local source for context'), {});
  });
});

describe('formatting', () => {
  it('sizes in binary units', () => {
    assert.deepStrictEqual([0, 1023, 1024, 1536, 524288, 5 * 1024 ** 3, 1.25 * 1024 ** 2, -1].map(formatBytes),
      ['0 B', '1023 B', '1 KiB', '1.5 KiB', '512 KiB', '5 GiB', '1.25 MiB', 'unknown']);
  });
  it('ages', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    assert.strictEqual(formatAge('2026-01-09T21:00:00Z', now), '3 h ago');
    assert.strictEqual(formatAge('2025-12-31T00:00:00Z', now), '10 d ago');
    assert.strictEqual(formatAge(undefined, now), 'never');
  });
  it('parses ages for --older-than', () => {
    assert.strictEqual(parseAge('30d'), 30 * 86400e3);
    assert.strictEqual(parseAge('30'), 30 * 86400e3);
    assert.strictEqual(parseAge('12h'), 12 * 3600e3);
    assert.strictEqual(parseAge('2w'), 14 * 86400e3);
    for (const bad of ['', '0', '-3d', 'thirty', '3y']) assert.strictEqual(parseAge(bad), undefined, bad);
  });
});
