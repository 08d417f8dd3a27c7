/** Gather a CacheStats snapshot from the engine (one /system/df, plus image layer counts). */
import { buildCacheStats, type CacheStats } from './cacheStats';
import type { EngineClient } from './engineApi';
import type { HostCacheStat } from './hostCaches';

export interface CollectOptions {
  /** Host-cache sizes, measured elsewhere (worker thread in the extension, inline in the CLI). */
  hostCaches?: HostCacheStat[];
  /** Fetch layer counts for at most this many images (largest first; default 200, 0 = none). */
  maxImagesInspected?: number;
}

export async function collectCacheStats(engine: EngineClient, opts: CollectOptions = {}): Promise<CacheStats> {
  const apiVersion = await engine.ping();
  const df = await engine.systemDf();
  const base = buildCacheStats({ df, hostCaches: opts.hostCaches, engine: { host: engine.endpoint.host, source: engine.endpoint.source, apiVersion } });
  const ids = base.images.items.slice(0, opts.maxImagesInspected ?? 200).map(i => i.id);
  const layers = new Map<string, number>();
  // A few at a time: enough to be quick, few enough not to flood a remote engine.
  for (let i = 0; i < ids.length; i += 8) {
    await Promise.all(ids.slice(i, i + 8).map(async id => {
      try {
        const inspect = await engine.imageInspect(id);
        if (Array.isArray(inspect?.RootFS?.Layers)) layers.set(id, inspect.RootFS!.Layers!.length);
      } catch { /* removed meanwhile: no layer count */ }
    }));
  }
  return buildCacheStats({ df, layers, hostCaches: opts.hostCaches, engine: base.engine, now: new Date(base.collectedAt) });
}
