/**
 * Clean-up for Podman users, with the same selections as the Docker side (prune.ts): Buildah cache
 * mounts, optionally only those unchanged for a while, and "all unused build cache" = those plus
 * dangling images (podman's leftovers of earlier builds). Each has a preview from a stats snapshot and
 * the real operation, which reports what went. Podman refuses to remove images in use; cache-mount
 * folders are removed only inside Buildah's cache roots.
 */
import * as fs from 'fs';
import type { CacheMountStat, CacheStats } from './cacheStats';
import type { BuildPruneSelection, PrunePreview, PruneResult } from './prune';
import { buildahCacheRoots, isBuildahCacheFolder, type PodmanClient } from './podmanStats';

/** Go duration for libpod's `until` filter. */
const until = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

function cutoffOf(sel: BuildPruneSelection, now: Date): number | undefined {
  return sel.kind !== 'record' && sel.olderThanMs !== undefined ? now.getTime() - sel.olderThanMs : undefined;
}

const olderThan = (iso: string | undefined, cutoff: number | undefined) => {
  if (cutoff === undefined) return true;
  const t = Date.parse(iso ?? '');
  return !Number.isFinite(t) || t <= cutoff;
};

/** What a selection would remove from this podman snapshot: cache-mount folders and (for `all`) dangling images. */
export function previewPodmanPrune(stats: CacheStats, sel: BuildPruneSelection, now: Date = new Date()): PrunePreview & { records: CacheMountStat[]; danglingImages: string[] } {
  const cutoff = cutoffOf(sel, now);
  const records = stats.cacheMounts.filter(r => (sel.kind === 'record' ? r.id === sel.id : olderThan(r.lastUsed, cutoff)));
  const dangling = sel.kind === 'all' ? stats.images.items.filter(i => i.dangling && i.containers === 0 && olderThan(i.created, cutoff)) : [];
  return {
    records,
    danglingImages: dangling.map(i => i.id),
    bytes: records.reduce((s, r) => s + r.bytes, 0) + dangling.reduce((s, i) => s + i.uniqueBytes, 0),
  };
}

/**
 * Remove what the selection names. Cache-mount folders go from the preview of `stats` (Buildah keeps
 * no record of them to ask); dangling images by podman's own prune with the same age filter, and what
 * it reports is what is counted.
 */
export async function prunePodman(client: PodmanClient, stats: CacheStats, sel: BuildPruneSelection,
  opts: { roots?: string[]; now?: Date } = {}): Promise<PruneResult> {
  const roots = opts.roots ?? buildahCacheRoots();
  const plan = previewPodmanPrune(stats, sel, opts.now);
  const deleted: string[] = [];
  let reclaimedBytes = 0;
  for (const r of plan.records) {
    if (!isBuildahCacheFolder(r.id, roots)) throw new Error(`refusing to remove ${r.id}: it is not inside a Buildah cache folder (${roots.join(', ')})`);
    await fs.promises.rm(r.id, { recursive: true, force: true });
    deleted.push(r.id);
    reclaimedBytes += r.bytes;
  }
  if (sel.kind === 'all') {
    const filters: Record<string, string[]> = { dangling: ['true'] };
    if (sel.olderThanMs !== undefined) filters.until = [until(sel.olderThanMs)];
    for (const rep of (await client.pruneImages(filters)) ?? []) {
      if (rep.Err) continue;
      deleted.push(rep.Id);
      reclaimedBytes += rep.Size ?? 0;
    }
  }
  return { deleted, reclaimedBytes };
}
