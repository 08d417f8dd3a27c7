/**
 * The clean-up operations of the view's commands, for the engine the view shows: Docker's build cache
 * through the Engine API, or Podman's (Buildah cache mounts, dangling images) through podmanPrune.ts.
 * A command never removes Docker data while the view shows Podman, nor the other way round.
 */
import type { CacheStats } from '../../../../common/docker/cacheStats';
import { previewBuildPrune, pruneBuildCache, removeDanglingImages, removeVolume, type BuildPruneSelection, type PruneResult } from '../../../../common/docker/prune';
import { previewPodmanPrune, prunePodman } from '../../../../common/docker/podmanPrune';
import type { CacheStatsSource } from './rows';

/** How many things a selection removes (cache records, or for Podman cache-mount folders and dangling images) and the bytes it frees. */
export function previewPrune(source: CacheStatsSource, stats: CacheStats, sel: BuildPruneSelection): { count: number; bytes: number; ids: string[] } {
  if (source.podman()) {
    const p = previewPodmanPrune(stats, sel);
    return { count: p.records.length + p.danglingImages.length, bytes: p.bytes, ids: [...p.records.map(r => r.id), ...p.danglingImages] };
  }
  const p = previewBuildPrune(stats, sel);
  return { count: p.records.length, bytes: p.bytes, ids: p.records.map(r => r.id) };
}

export function runPrune(source: CacheStatsSource, stats: CacheStats, sel: BuildPruneSelection): Promise<PruneResult> {
  const podman = source.podman();
  if (podman) {
    if (sel.kind === 'record' && !stats.cacheMounts.some(m => m.id === sel.id)) {
      return Promise.reject(new Error('with Podman only cache mounts are removed one by one; an intermediate image goes with the image built on it'));
    }
    return prunePodman(podman, stats, sel);
  }
  return pruneBuildCache(source.engine(), sel);
}

export async function runRemoveDangling(source: CacheStatsSource): Promise<PruneResult> {
  const podman = source.podman();
  if (!podman) return removeDanglingImages(source.engine());
  const reports = (await podman.pruneImages({ dangling: ['true'] })) ?? [];
  const ok = reports.filter(r => !r.Err);
  return { deleted: ok.map(r => r.Id), reclaimedBytes: ok.reduce((s, r) => s + (r.Size ?? 0), 0) };
}

export async function runRemoveVolume(source: CacheStatsSource, name: string, stats?: CacheStats): Promise<PruneResult> {
  const podman = source.podman();
  if (!podman) return removeVolume(source.engine(), name, stats);
  const known = stats?.volumes.items.find(v => v.name === name);
  if (known?.inUse) throw new Error(`volume ${name} is used by ${known.refCount} container(s); remove those first`);
  await podman.removeVolume(name);
  return { deleted: [name], reclaimedBytes: Math.max(0, known?.bytes ?? 0) };
}
