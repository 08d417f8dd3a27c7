/**
 * The cache statistics model: a pure function of the engine's GET /system/df answer (plus optional
 * per-image layer counts and host-cache sizes). Totals follow `docker system df`: build-cache records
 * shared with images are counted once, under images.
 */
import type { HostCacheStat } from './hostCaches';

/** A BuildKit cache record as the engine reports it. */
export interface BuildCacheRecord {
  id: string;
  parent?: string;
  /** `regular`, `exec.cachemount`, `source.local`, `source.git.checkout`, `frontend`, `internal`, … */
  type: string;
  description: string;
  inUse: boolean;
  /** Also part of an image: removing it frees no space. */
  shared: boolean;
  bytes: number;
  createdAt?: string;
  lastUsed?: string;
  usageCount: number;
}

/** A `RUN --mount=type=cache` record, listed by the path it was mounted at. */
export interface CacheMountStat extends BuildCacheRecord {
  /** Mount target parsed from the description (`/root/.cache/pip`); the description if it cannot be parsed. */
  target: string;
  /** The command of the step that created it (`/bin/sh -c pip install …`), if the description says. */
  createdBy?: string;
}

export interface TypeGroup { count: number; bytes: number }

export interface BuildCacheStats {
  /** Bytes of records not shared with images (what `docker system df` shows as Build Cache size). */
  totalBytes: number;
  /** totalBytes minus what running builds hold. */
  reclaimableBytes: number;
  inUseBytes: number;
  /** Bytes of records that are also image layers (not counted in totalBytes). */
  sharedBytes: number;
  count: number;
  /** Per record type; bytes exclude shared records like totalBytes. */
  byType: Record<string, TypeGroup>;
  records: BuildCacheRecord[];
}

export interface ImageStat {
  id: string;
  /** `repo:tag` names; empty for a dangling image. */
  tags: string[];
  bytes: number;
  /** Bytes shared with other images (-1 when the engine did not compute it). */
  sharedBytes: number;
  /** Bytes only this image holds: what removing it would free. */
  uniqueBytes: number;
  /** Number of filesystem layers (RootFS.Layers), when fetched. */
  layers?: number;
  created?: string;
  containers: number;
  dangling: boolean;
}

export interface ImagesStats {
  /** All image layers on disk, each counted once (LayersSize). */
  totalBytes: number;
  count: number;
  dangling: { count: number; bytes: number };
  items: ImageStat[];
}

export interface VolumeStat {
  name: string;
  driver: string;
  /** -1 when the engine does not know (non-local drivers). */
  bytes: number;
  inUse: boolean;
  refCount: number;
  mountpoint?: string;
  createdAt?: string;
  /** The name looks like a package/build cache (pip-cache, npm, go-mod, …). */
  cache: boolean;
}

export interface VolumesStats { totalBytes: number; count: number; items: VolumeStat[] }

/** Everything the view, the CLI and the report show. */
export interface CacheStats {
  collectedAt: string;
  engine?: { host: string; source: string; apiVersion?: string };
  buildCache: BuildCacheStats;
  cacheMounts: CacheMountStat[];
  images: ImagesStats;
  volumes: VolumesStats;
  hostCaches: HostCacheStat[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Parse `cached mount /root/.cache/pip from exec /bin/sh -c …` (BuildKit's cache-mount description). */
export function parseCacheMountDescription(description: string): { target?: string; createdBy?: string } {
  const m = /^cached mount (.+?)(?: from exec (.*))?$/s.exec(description.trim());
  if (!m) return {};
  return { target: m[1].trim(), createdBy: m[2]?.trim() || undefined };
}

/** Names of volumes that usually hold package or build caches. */
const CACHE_VOLUME = /(^|[-_.])(cache|caches|pip|uv|npm|yarn|pnpm|go-?mod|go-?build|gocache|cargo|m2|maven|gradle|ccache|sccache|huggingface|hf|apt|apk|bundle|composer|nuget)([-_.]|$)|cache/i;

/** The engine's `<none>:<none>` placeholder means no name. */
function realTags(tags: unknown): string[] {
  return arr(tags).filter((t): t is string => typeof t === 'string' && t !== '<none>:<none>' && t !== '<none>@<none>');
}

function isoFromUnix(seconds: unknown): string | undefined {
  return typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

export interface ModelInputs {
  /** GET /system/df answer. */
  df: unknown;
  /** Layer counts per image id, from GET /images/{id}/json. */
  layers?: ReadonlyMap<string, number>;
  hostCaches?: HostCacheStat[];
  engine?: CacheStats['engine'];
  now?: Date;
}

/** Turn a /system/df answer into the stats model. Tolerates missing/null fields (older engines). */
export function buildCacheStats(input: ModelInputs): CacheStats {
  const df = obj(input.df);

  const records: BuildCacheRecord[] = arr(df.BuildCache).map(r0 => {
    const r = obj(r0);
    return {
      id: str(r.ID) ?? '',
      parent: str(r.Parent) ?? (arr(r.Parents).length ? String(arr(r.Parents)[0]) : undefined),
      type: str(r.Type) ?? 'unknown',
      description: str(r.Description) ?? '',
      inUse: r.InUse === true,
      shared: r.Shared === true,
      bytes: num(r.Size),
      createdAt: str(r.CreatedAt),
      lastUsed: str(r.LastUsedAt),
      usageCount: num(r.UsageCount),
    };
  });
  records.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id));

  const byType: Record<string, TypeGroup> = {};
  let totalBytes = 0, inUseBytes = 0, sharedBytes = 0;
  for (const r of records) {
    const g = (byType[r.type] ??= { count: 0, bytes: 0 });
    g.count++;
    if (r.shared) { sharedBytes += r.bytes; continue; }
    g.bytes += r.bytes;
    totalBytes += r.bytes;
    if (r.inUse) inUseBytes += r.bytes;
  }

  const cacheMounts: CacheMountStat[] = records.filter(r => r.type === 'exec.cachemount').map(r => {
    const parsed = parseCacheMountDescription(r.description);
    return { ...r, target: parsed.target ?? (r.description || r.id), createdBy: parsed.createdBy };
  });

  const images: ImageStat[] = arr(df.Images).map(i0 => {
    const i = obj(i0);
    const id = str(i.Id) ?? '';
    const tags = realTags(i.RepoTags);
    const bytes = num(i.Size);
    const sharedBytes = typeof i.SharedSize === 'number' ? i.SharedSize : -1;
    return {
      id,
      tags,
      bytes,
      sharedBytes,
      uniqueBytes: sharedBytes >= 0 ? Math.max(0, bytes - sharedBytes) : bytes,
      layers: input.layers?.get(id),
      created: isoFromUnix(i.Created),
      containers: Math.max(0, num(i.Containers)),
      dangling: tags.length === 0,
    };
  });
  images.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id));
  const dangling = images.filter(i => i.dangling);

  const volumes: VolumeStat[] = arr(df.Volumes).map(v0 => {
    const v = obj(v0);
    const usage = obj(v.UsageData);
    const name = str(v.Name) ?? '';
    const refCount = typeof usage.RefCount === 'number' ? usage.RefCount : 0;
    return {
      name,
      driver: str(v.Driver) ?? 'local',
      bytes: typeof usage.Size === 'number' ? usage.Size : -1,
      inUse: refCount > 0,
      refCount,
      mountpoint: str(v.Mountpoint),
      createdAt: str(v.CreatedAt),
      cache: CACHE_VOLUME.test(name),
    };
  });
  volumes.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));

  return {
    collectedAt: (input.now ?? new Date()).toISOString(),
    engine: input.engine,
    buildCache: {
      totalBytes,
      reclaimableBytes: totalBytes - inUseBytes,
      inUseBytes,
      sharedBytes,
      count: records.length,
      byType,
      records,
    },
    cacheMounts,
    images: {
      totalBytes: num(df.LayersSize),
      count: images.length,
      dangling: { count: dangling.length, bytes: dangling.reduce((s, i) => s + i.uniqueBytes, 0) },
      items: images,
    },
    volumes: {
      totalBytes: volumes.reduce((s, v) => s + Math.max(0, v.bytes), 0),
      count: volumes.length,
      items: volumes,
    },
    hostCaches: input.hostCaches ?? [],
  };
}

/** Friendly names for BuildKit record types. */
export const TYPE_LABELS: Record<string, string> = {
  regular: 'Layers',
  'exec.cachemount': 'Cache mounts',
  'source.local': 'Build contexts',
  'source.git.checkout': 'Git checkouts',
  frontend: 'Frontends',
  internal: 'Internal',
  /** Podman: untagged parents of images, the layer cache of `--layers` builds (podmanStats.ts). */
  'podman.intermediate': 'Intermediate images',
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}



