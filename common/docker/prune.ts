/**
 * Clean-up operations behind the view's actions and `dockerfile-cache-advisor prune`. Each has a
 * pure preview (what would go, how much it frees, from a stats snapshot) and the real operation
 * (which reports what the engine actually deleted and reclaimed). Nothing in use is ever removed:
 * the engine refuses in-use cache records and volumes, and host caches are only known directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isInside } from '../boundedRead';
import type { BuildCacheRecord, CacheStats } from './cacheStats';
import type { EngineClient, EngineFilters } from './engineApi';
import { CLEARED_ENTRIES, clearRemoves, hostCacheLocations, measureHostCachesInWorker, type LocateOptions } from './hostCaches';
import { formatAgeLimit } from '../format';

/** Which build-cache records to prune. Every selection skips records in use. */
export type BuildPruneSelection =
  /** `RUN --mount=type=cache` records only, optionally only those unused for `olderThanMs`. */
  | { kind: 'cacheMounts'; olderThanMs?: number }
  /** Every unused record, optionally only those unused for `olderThanMs`. */
  | { kind: 'all'; olderThanMs?: number }
  /** One record by its id. */
  | { kind: 'record'; id: string };

/** What a clean-up removed, as reported by the engine (or measured, for host caches). */
export interface PruneResult {
  /** Ids (cache records, images, volume names, or the host cache path) that were removed. */
  deleted: string[];
  reclaimedBytes: number;
}

/** What a clean-up would remove, estimated from a stats snapshot. */
export interface PrunePreview {
  records: BuildCacheRecord[];
  /** Bytes it frees: records shared with images free nothing, so they are not counted. */
  bytes: number;
}

/** Go duration for the engine's `until` filter (records used more recently are kept). */
export function untilFilter(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

/** The POST /build/prune parameters for a selection. */
export function buildPruneRequest(sel: BuildPruneSelection): { filters: EngineFilters; all: boolean } {
  const filters: EngineFilters = {};
  if (sel.kind === 'cacheMounts') filters.type = ['exec.cachemount'];
  if (sel.kind === 'record') {
    if (!/^[a-z0-9]+$/i.test(sel.id)) throw new Error(`'${sel.id}' is not a build cache record id`);
    filters.id = [sel.id];
  }
  if (sel.kind !== 'record' && sel.olderThanMs !== undefined) filters.until = [untilFilter(sel.olderThanMs)];
  // all=true: the selection is explicit, so also records that are layers of images (they free
  // nothing but would otherwise survive "prune all") and frontend/internal records.
  return { filters, all: true };
}

/** Records a selection would remove from this snapshot. */
export function previewBuildPrune(stats: CacheStats, sel: BuildPruneSelection, now: Date = new Date()): PrunePreview {
  const cutoff = sel.kind !== 'record' && sel.olderThanMs !== undefined ? now.getTime() - sel.olderThanMs : undefined;
  const records = stats.buildCache.records.filter(r => {
    if (r.inUse) return false;
    if (sel.kind === 'record') return r.id === sel.id;
    if (sel.kind === 'cacheMounts' && r.type !== 'exec.cachemount') return false;
    if (cutoff !== undefined) {
      const last = Date.parse(r.lastUsed ?? r.createdAt ?? '');
      if (Number.isFinite(last) && last > cutoff) return false;
    }
    return true;
  });
  return { records, bytes: records.reduce((s, r) => s + (r.shared ? 0 : r.bytes), 0) };
}

/** In words, for confirmations: `cache mounts unused for 30 days`. */
export function describeSelection(sel: BuildPruneSelection): string {
  const age = (ms?: number) => (ms === undefined ? '' : ` unused for ${formatAgeLimit(ms)}`);
  switch (sel.kind) {
    case 'cacheMounts': return `build-cache mounts (RUN --mount=type=cache)${age(sel.olderThanMs)}`;
    case 'all': return sel.olderThanMs === undefined ? 'all unused build cache' : `build cache${age(sel.olderThanMs)}`;
    case 'record': return `build cache record ${sel.id}`;
  }
}


export async function pruneBuildCache(engine: EngineClient, sel: BuildPruneSelection): Promise<PruneResult> {
  const { filters, all } = buildPruneRequest(sel);
  const r = await engine.pruneBuildCache(filters, all);
  return { deleted: r?.CachesDeleted ?? [], reclaimedBytes: r?.SpaceReclaimed ?? 0 };
}

/** Dangling (untagged, unused) images; what `docker image prune` removes. */
export async function removeDanglingImages(engine: EngineClient): Promise<PruneResult> {
  const r = await engine.pruneImages({ dangling: ['true'] });
  const deleted = (r?.ImagesDeleted ?? []).map(d => d.Deleted ?? d.Untagged ?? '').filter(Boolean);
  return { deleted, reclaimedBytes: r?.SpaceReclaimed ?? 0 };
}

/**
 * Remove one volume that no container uses. The engine refuses volumes in use (no force), and the
 * volume is looked up first so the freed size can be reported.
 */
export async function removeVolume(engine: EngineClient, name: string, stats?: CacheStats): Promise<PruneResult> {
  const known = stats?.volumes.items.find(v => v.name === name);
  if (known?.inUse) throw new Error(`volume ${name} is used by ${known.refCount} container(s); remove those first`);
  await engine.removeVolume(name);
  return { deleted: [name], reclaimedBytes: Math.max(0, known?.bytes ?? 0) };
}

/**
 * Empty one host cache directory (keeps the directory). Only the known locations of
 * hostCacheLocations() can be cleared, by id: never an arbitrary path, and only the entries
 * clearRemoves() allows (Hugging Face keeps its token and configuration). The folder is resolved
 * through symlinks first and refused when it is the file-system root, the home folder or above it:
 * a cache variable or a symlinked cache folder pointing at home must not empty home. The size is
 * measured before and after (in a worker thread) so the result states what was freed.
 */
export async function clearHostCache(id: string, opts: LocateOptions = {}): Promise<PruneResult> {
  const loc = hostCacheLocations(opts).find(l => l.id === id);
  if (!loc) throw new Error(`unknown host cache '${id}'`);
  const dir = path.resolve(loc.path);
  let real: string;
  try {
    real = await fs.promises.realpath(dir);
  } catch {
    return { deleted: [], reclaimedBytes: 0 };
  }
  const home = path.resolve(opts.home ?? os.homedir());
  const realHome = await fs.promises.realpath(home).catch(() => home);
  if ([dir, real].some(d => d === path.parse(d).root || isInside(d, home) || isInside(d, realHome))) {
    throw new Error(`refusing to clear ${dir}${real !== dir ? ` (which is ${real})` : ''}: it is not a cache directory`);
  }
  const measure = async () => (await measureHostCachesInWorker({ locations: [{ ...loc, path: real }], maxEntries: Number.MAX_SAFE_INTEGER, timeoutMs: 120_000 }))[0];
  const before = await measure();
  if (!before) return { deleted: [], reclaimedBytes: 0 };
  for (const name of await fs.promises.readdir(real)) {
    if (!clearRemoves(id, name)) continue;
    const p = path.join(real, name);
    try {
      await fs.promises.rm(p, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EACCES' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      await makeWritable(p);
      await fs.promises.rm(p, { recursive: true, force: true });
    }
  }
  const after = CLEARED_ENTRIES[id] ? await measure() : undefined;
  return { deleted: [dir], reclaimedBytes: Math.max(0, before.bytes - (after?.bytes ?? 0)) };
}

/** Go's module cache is read-only on purpose; give the owner write access so it can be removed. */
async function makeWritable(p: string): Promise<void> {
  let st: fs.Stats;
  try { st = await fs.promises.lstat(p); } catch { return; }
  if (!st.isDirectory()) return;
  if ((st.mode & 0o200) === 0) { try { await fs.promises.chmod(p, st.mode | 0o700); } catch { /* rm reports it */ } }
  let names: string[];
  try { names = await fs.promises.readdir(p); } catch { return; }
  for (const n of names) await makeWritable(path.join(p, n));
}
