import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCacheStats } from '../../common/docker/cacheStats';
import { buildPruneRequest, describeSelection, previewBuildPrune } from '../../common/docker/prune';

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'engine', 'system-df.json');

describe('prune selections', () => {
  const df = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const stats = buildCacheStats({ df });

  it('map to POST /build/prune filters', () => {
    assert.deepStrictEqual(buildPruneRequest({ kind: 'cacheMounts' }), { filters: { type: ['exec.cachemount'] }, all: true });
    assert.deepStrictEqual(buildPruneRequest({ kind: 'all', olderThanMs: 30 * 86400e3 }), { filters: { until: ['2592000s'] }, all: true });
    assert.deepStrictEqual(buildPruneRequest({ kind: 'cacheMounts', olderThanMs: 3600e3 }).filters, { type: ['exec.cachemount'], until: ['3600s'] });
    assert.deepStrictEqual(buildPruneRequest({ kind: 'record', id: 'ohd8n24s3rhw2o8o859iagx7x' }).filters, { id: ['ohd8n24s3rhw2o8o859iagx7x'] });
    assert.throws(() => buildPruneRequest({ kind: 'record', id: '.*' }), /not a build cache record id/);
  });

  it('preview: cache mounts only, never in-use records', () => {
    const p = previewBuildPrune(stats, { kind: 'cacheMounts' });
    assert.ok(p.records.length > 0 && p.records.every(r => r.type === 'exec.cachemount'));
    assert.strictEqual(p.bytes, stats.buildCache.byType['exec.cachemount'].bytes);
    const copy = JSON.parse(JSON.stringify(df));
    for (const r of copy.BuildCache) if (r.Type === 'exec.cachemount') r.InUse = true;
    assert.strictEqual(previewBuildPrune(buildCacheStats({ df: copy }), { kind: 'cacheMounts' }).records.length, 0);
  });

  it('preview: older than N days by last use; shared records free nothing', () => {
    const lastUse = Math.max(...stats.buildCache.records.map(r => Date.parse(r.lastUsed!)));
    const day = 86400e3;
    assert.strictEqual(previewBuildPrune(stats, { kind: 'all', olderThanMs: 30 * day }, new Date(lastUse + day)).records.length, 0);
    const all = previewBuildPrune(stats, { kind: 'all', olderThanMs: 30 * day }, new Date(lastUse + 31 * day));
    assert.strictEqual(all.records.length, stats.buildCache.count);
    assert.strictEqual(all.bytes, stats.buildCache.totalBytes, 'shared bytes are not counted as freed');
  });

  it('describes what goes, for confirmations', () => {
    assert.strictEqual(describeSelection({ kind: 'all', olderThanMs: 30 * 86400e3 }), 'build cache unused for 30 days');
    assert.strictEqual(describeSelection({ kind: 'all' }), 'all unused build cache');
    assert.match(describeSelection({ kind: 'cacheMounts' }), /RUN --mount=type=cache/);
  });
});
