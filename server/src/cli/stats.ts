/** `dockerfile-cache-advisor stats`: where the Docker and host caches are and how big they are. */
import { parseArgs } from 'util';
import { cacheReportJson, cacheReportMarkdown, cacheReportText } from '../../../common/docker/cacheReport';
import { collectCacheStats } from '../../../common/docker/collectStats';
import { EngineApiError, EngineClient, EngineConfigError, EngineUnreachableError } from '../../../common/docker/engineApi';
import { DEFAULT_LIMITS, measureHostCachesInWorker, type HostCacheStat } from '../../../common/docker/hostCaches';
import { collectPodmanStats, knownCacheMounts, PodmanClient, type KnownCacheMount } from '../../../common/docker/podmanStats';
import { readWorkspaceText } from '../../../common/boundedRead';
import { findDockerfiles } from '../buildContext/locate';
import { UsageError, type CliIO } from './io';

export const STATS_USAGE = `Usage: dockerfile-cache-advisor stats [options]

Build cache (by type, cache mounts by target), images, volumes and host package caches.

Options:
  --format text|json|markdown  output format (default: text)
  --host <url>                 Docker endpoint (default: DOCKER_HOST, then the current docker context)
  --engine docker|podman       podman: images, volumes and build cache from the Podman API service
                               (--host, else CONTAINER_HOST, else podman.socket), Buildah's cache mounts
                               from disk, named after the Dockerfiles under the current folder
  --no-host-caches             do not measure pip/uv/npm/yarn/pnpm/Go/Hugging Face caches on this machine
  --host-cache-limit <n>       stop counting one host cache after n files/directories (default: ${DEFAULT_LIMITS.maxEntries})

JSON keys: buildCache.{totalBytes,reclaimableBytes,inUseBytes,byType,records[]},
cacheMounts[].{target,bytes,lastUsed,usageCount,inUse,id}, images, volumes, hostCaches[].
Exit status: 0 printed, 2 usage error or Docker not reachable.
`;

export async function runStats(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      host: { type: 'string' },
      engine: { type: 'string', default: 'docker' },
      'no-host-caches': { type: 'boolean', default: false },
      'host-cache-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { io.out(STATS_USAGE); return 0; }
  if (positionals.length) throw new UsageError(`stats takes no arguments (got '${positionals[0]}')`);
  const format = values.format!;
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown --format '${format}' (expected text, json or markdown)`);
  let maxEntries = DEFAULT_LIMITS.maxEntries;
  if (values['host-cache-limit'] !== undefined) {
    maxEntries = Number(values['host-cache-limit']);
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new UsageError(`--host-cache-limit expects a positive integer, got '${values['host-cache-limit']}'`);
  }

  const kind = engineKind(values.engine);
  let hostCaches: HostCacheStat[] = [];
  if (!values['no-host-caches']) {
    try {
      // in a worker, as in the editor: a walk stuck in a hung file system is given up after its deadline
      hostCaches = await measureHostCachesInWorker({ maxEntries });
    } catch (e) {
      io.err(`dockerfile-cache-advisor: host caches not measured: ${(e as Error).message}`);
    }
  }
  try {
    const stats = kind === 'podman'
      ? await collectPodmanStats(podmanFor(values.host), { hostCaches, knownMounts: knownMountsHere(process.cwd()) })
      : await collectCacheStats(engineFor(values.host), { hostCaches });
    io.out(format === 'json' ? cacheReportJson(stats) : format === 'markdown' ? cacheReportMarkdown(stats) : cacheReportText(stats));
    return 0;
  } catch (e) {
    return engineFailure(e, io);
  }
}

/** `--engine`: docker (default) or podman. */
export function engineKind(value: string | undefined): 'docker' | 'podman' {
  if (value === undefined || value === 'docker' || value === 'podman') return value ?? 'docker';
  throw new UsageError(`unknown --engine '${value}' (expected docker or podman)`);
}

/** The podman API client for `--host`, CONTAINER_HOST or the default socket; bad configuration is a usage error. */
export function podmanFor(host: string | undefined): PodmanClient {
  try {
    return PodmanClient.fromEnvironment({ host });
  } catch (e) {
    if (e instanceof EngineConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** The cache mounts the Dockerfiles under `dir` declare (bounded walk), to name Buildah's folders. */
export function knownMountsHere(dir: string): KnownCacheMount[] {
  const files = findDockerfiles([dir], 20_000).files.flatMap(file => {
    try { return [{ file: file.startsWith(dir) ? file.slice(dir.length).replace(/^\//, '') || file : file, text: readWorkspaceText(file) }]; } catch { return []; }
  });
  return knownCacheMounts(files);
}

/** The engine client for `--host`, or the docker CLI's choice; bad configuration is a usage error. */
export function engineFor(host: string | undefined): EngineClient {
  try {
    return EngineClient.fromEnvironment({ host });
  } catch (e) {
    if (e instanceof EngineConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Report an unreachable engine or an engine error in one line; other errors propagate. */
export function engineFailure(e: unknown, io: CliIO): number {
  if (e instanceof EngineUnreachableError || e instanceof EngineApiError) {
    io.err(`dockerfile-cache-advisor: ${(e as Error).message}`);
    return 2;
  }
  throw e;
}
