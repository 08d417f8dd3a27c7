import * as assert from 'assert';
import { buildCacheStats } from '../../common/docker/cacheStats';
import { rootRows, type Row } from '../../client/src/views/cacheStats/rows';
import { formatBytes } from '../../common/format';

const now = new Date('2026-11-26T12:00:00Z');
const record = (ID: string, Type: string, Size: number, extra: Partial<{ Shared: boolean; Description: string; LastUsedAt: string }> = {}) => ({
  ID, Type, Size, Shared: false, InUse: false, Description: '', CreatedAt: '2026-11-20T10:00:00Z', LastUsedAt: '2026-11-25T10:00:00Z', UsageCount: 1, ...extra,
});

/** Two build contexts (BuildKit describes both the same way) and layers, one of them shared with an image. */
const df = {
  BuildCache: [
    record('ctx1aaaaaaaaaaaaaaaa', 'source.local', 3 * 1024 * 1024, { Description: 'local source for context', LastUsedAt: '2026-11-26T11:00:00Z' }),
    record('ctx2bbbbbbbbbbbbbbbb', 'source.local', 1024 * 1024, { Description: 'local source for context' }),
    record('lay1cccccccccccccccc', 'regular', 5 * 1024 * 1024, { Description: 'mount / from exec /bin/sh -c make' }),
    record('lay2dddddddddddddddd', 'regular', 2 * 1024 * 1024, { Description: 'mount / from exec /bin/sh -c apt-get install', Shared: true }),
  ],
  Images: [], Volumes: [], Containers: [],
};

function group(label: string): Row {
  const bc = rootRows({ stats: buildCacheStats({ df, now }), hostCaches: [], loadedAt: now }).find(r => r.id === 'bc')!;
  return bc.children!.find(r => r.label === label)!;
}

describe('Build Cache view rows', () => {
  it('a group\'s size is the sum of its rows, the part shared with images named apart', () => {
    const layers = group('Layers');
    const rowSizes = layers.children!.map(r => r.description!.split(' · ')[0]);
    assert.deepStrictEqual(rowSizes, ['5 MiB', '2 MiB']);
    assert.strictEqual(layers.description, `2 · ${formatBytes(7 * 1024 * 1024)} (2 MiB shared with images)`);
    const contexts = group('Build contexts');
    assert.strictEqual(contexts.description, '2 · 4 MiB', 'no shared part: nothing to name');
  });

  it('records with the same description are told apart by id; a unique description stays as it is', () => {
    const labels = group('Build contexts').children!.map(r => r.label);
    assert.deepStrictEqual(labels, ['local source for context · ctx1aaaaaaaa', 'local source for context · ctx2bbbbbbbb']);
    assert.deepStrictEqual(group('Build contexts').children!.map(r => r.description), ['3 MiB · 1 h ago', '1 MiB · 1 d ago']);
    assert.ok(group('Layers').children!.every(r => !/ · [0-9a-z]{12}$/.test(r.label)));
  });
});
