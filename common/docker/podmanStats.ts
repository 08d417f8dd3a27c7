/**
 * Cache statistics for Podman users: images, dangling images, volumes, the build cache (podman's
 * intermediate images) and Buildah's cache mounts, in the same CacheStats model the Docker side
 * fills, so the view, the CLI and the report show them unchanged.
 *
 * Measured on podman 4.3.1 (Debian 12) before choosing how to ask:
 * - the Docker-compatible API of `podman system service` answers GET /v1.41/system/df, but with broken
 *   names (RepoTags `["latest"]`, `["<none>"]`), one entry per tag, LayersSize 0 and no BuildCache, and
 *   POST /build/prune is 404: not usable for stats or clean-up;
 * - `podman system df --format json` prints the word `json` (the format is taken as a template), and
 *   `podman images --format json` has no unique sizes (SharedSize 0) and `podman volume ls` no sizes;
 * - the libpod API of the same service (GET /v4.0.0/libpod/system/df) has per-image Size, SharedSize and
 *   UniqueSize and per-volume Size and Links, in one JSON answer (about 16 ms here).
 * So this module speaks the libpod API over the service's socket: CONTAINER_HOST, else the rootful
 * /run/podman/podman.sock (root) or $XDG_RUNTIME_DIR/podman/podman.sock (rootless), which
 * `systemctl [--user] start podman.socket` provides.
 *
 * Buildah's cache mounts are not in any API: they are folders under the temporary folder, measured on
 * disk (so only for a local podman). Verified with podman 4.3 as root: `/var/tmp/buildah-cache/<name>`,
 * where <name> is the mount's `id=` when it has one, else its `target=` path without the leading `/`
 * (`target=/var/cache/y` → `var/cache/y`). Newer Buildah names the folder `buildah-cache-<uid>`; both are
 * looked at. A folder's name alone cannot say whether it was an id or a target: the Dockerfiles in view
 * say which, and a folder none of them names is shown as "id or target, not known which".
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../analysis/analyze';
import { buildCacheStats, type CacheMountStat, type CacheStats } from './cacheStats';
import { EngineApiError, EngineClient, EngineConfigError, EngineUnreachableError, parseDockerHost, type EngineEndpoint } from './engineApi';
import type { HostCacheStat } from './hostCaches';

/** libpod API version prefix; podman 4.x serves it for every 4.x. */
const LIBPOD = '/v4.0.0/libpod';

export interface PodmanEndpointOptions {
  /** Explicit host (`--host`, the `cacheAdvisor.dockerHost` setting when the engine is podman). */
  host?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
}

/** Where the podman API service listens: explicit host, CONTAINER_HOST, then the per-user default. */
export function resolvePodmanEndpoint(opts: PodmanEndpointOptions = {}): EngineEndpoint {
  const env = opts.env ?? process.env;
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  if (opts.host?.trim()) return parseDockerHost(opts.host, 'setting');
  if (env.CONTAINER_HOST?.trim()) {
    if (/^ssh:\/\//.test(env.CONTAINER_HOST.trim())) {
      throw new EngineConfigError(`CONTAINER_HOST is ${env.CONTAINER_HOST.trim()}: ssh:// is not supported here; forward the socket ` +
        '(ssh -nNT -L /tmp/podman.sock:/run/podman/podman.sock user@host) and use unix:///tmp/podman.sock.');
    }
    return parseDockerHost(env.CONTAINER_HOST, 'CONTAINER_HOST');
  }
  if (uid === 0) return parseDockerHost('unix:///run/podman/podman.sock', 'default');
  const runtime = env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
  return parseDockerHost(`unix://${path.join(runtime, 'podman', 'podman.sock')}`, 'default');
}

/** What to do when nothing answers at the podman socket. */
export const PODMAN_SERVICE_HINT = 'Start the Podman API service: systemctl start podman.socket (root), systemctl --user start podman.socket (rootless), ' +
  'or `podman system service --time=0 unix:///path/to.sock &` and set CONTAINER_HOST / --host to it.';

/** One entry of GET /libpod/images/prune. */
export interface PodmanPruneReport { Id: string; Size?: number; Err?: string | null }

/** The libpod API of a `podman system service`, over the same small HTTP client as the Docker side. */
export class PodmanClient {
  readonly engine: EngineClient;

  constructor(readonly endpoint: EngineEndpoint) {
    this.engine = new EngineClient(endpoint, { timeoutMs: 120_000 });
  }

  static fromEnvironment(opts: PodmanEndpointOptions = {}): PodmanClient {
    return new PodmanClient(resolvePodmanEndpoint(opts));
  }

  async request<T>(method: string, apiPath: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    let r;
    try {
      r = await this.engine.raw(method, `${LIBPOD}${apiPath}${qs ? `?${qs}` : ''}`, undefined, 600_000);
    } catch (e) {
      if (e instanceof EngineUnreachableError) {
        throw new EngineUnreachableError(`Podman is not reachable at ${this.endpoint.host} (${this.endpoint.source}): ${e.code ?? e.message}. ${PODMAN_SERVICE_HINT}`, this.endpoint, e.code);
      }
      throw e;
    }
    if (r.status < 200 || r.status >= 300) {
      let message = r.text.trim();
      try { message = (JSON.parse(r.text) as { message?: string }).message ?? message; } catch { /* plain text */ }
      throw new EngineApiError(`${method} /libpod${apiPath}: ${message || `status ${r.status}`}`, r.status, apiPath);
    }
    if (!r.text.trim()) return undefined as T;
    return JSON.parse(r.text) as T;
  }

  /** The service's version (the Libpod-Api-Version header of /_ping). */
  async version(): Promise<string> {
    const r = await this.engine.raw('GET', '/_ping').catch(e => {
      if (e instanceof EngineUnreachableError) throw new EngineUnreachableError(`Podman is not reachable at ${this.endpoint.host} (${this.endpoint.source}): ${e.code ?? e.message}. ${PODMAN_SERVICE_HINT}`, this.endpoint, e.code);
      throw e;
    });
    const v = r.headers['libpod-api-version'];
    if (!v) throw new EngineApiError(`${this.endpoint.host} answers, but is not Podman (no Libpod-Api-Version header)`, r.status, '/_ping');
    return String(v);
  }

  systemDf(): Promise<unknown> { return this.request('GET', '/system/df'); }
  images(): Promise<unknown> { return this.request('GET', '/images/json', { all: 'true' }); }
  volumes(): Promise<unknown> { return this.request('GET', '/volumes/json'); }

  /** Dangling images (and, with `until`, only those created before it): what `podman image prune` removes. */
  pruneImages(filters: Record<string, string[]>): Promise<PodmanPruneReport[] | null> {
    return this.request('POST', '/images/prune', { filters: JSON.stringify(filters) });
  }

  /** Without force: podman refuses a volume in use. */
  removeVolume(name: string): Promise<void> {
    return this.request('DELETE', `/volumes/${encodeURIComponent(name)}`);
  }
}

/** A cache mount a Dockerfile declares, and the folder Buildah keeps it in. */
export interface KnownCacheMount {
  /** The folder name under buildah-cache: id= when given, else target= without the leading `/`. */
  readonly key: string;
  readonly id?: string;
  readonly target: string;
  /** `Dockerfile:12`, for the description. */
  readonly where: string;
}

/** The `RUN --mount=type=cache` mounts of these Dockerfiles. */
export function knownCacheMounts(files: ReadonlyArray<{ file: string; text: string }>): KnownCacheMount[] {
  const out: KnownCacheMount[] = [];
  for (const f of files) {
    let model;
    try { model = analyze(f.text, { shell: false }); } catch { continue; }
    for (const inst of model.instructions) {
      for (const m of inst.run?.mounts ?? []) {
        if (m.type !== 'cache' || !m.target) continue;
        const key = (m.id ?? m.target).replace(/^\/+/, '').replace(/\/+$/, '');
        if (!key || key.split('/').includes('..')) continue;
        out.push({ key, id: m.id, target: m.target, where: `${f.file}:${inst.range.start.line + 1}` });
      }
    }
  }
  return out;
}

/** The folders Buildah may keep cache mounts in, on this machine. */
export function buildahCacheRoots(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string[] {
  const tmp = env.TMPDIR || '/var/tmp';
  return [path.join(tmp, 'buildah-cache'), path.join(tmp, `buildah-cache-${uid}`)];
}

interface DirMeasure { bytes: number; files: number; newest: number; complete: boolean }

/** Size, file count and newest modification of a folder, bounded; symlinks are not followed. */
function measureDir(dir: string, budget: { entries: number }): DirMeasure {
  const m: DirMeasure = { bytes: 0, files: 0, newest: 0, complete: true };
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    try { m.newest = Math.max(m.newest, fs.lstatSync(d).mtimeMs); } catch { continue; }
    let names: fs.Dirent[];
    try { names = fs.readdirSync(d, { withFileTypes: true }); } catch { continue; }
    for (const e of names) {
      if (--budget.entries < 0) { m.complete = false; return m; }
      const p = path.join(d, e.name);
      if (e.isDirectory()) { stack.push(p); continue; }
      try {
        const s = fs.lstatSync(p);
        m.newest = Math.max(m.newest, s.mtimeMs);
        if (e.isFile()) { m.bytes += s.size; m.files++; }
      } catch { /* removed meanwhile */ }
    }
  }
  return m;
}

/**
 * The cache mounts under the Buildah cache roots, one record per folder: the folders the Dockerfiles
 * name (with their id=/target=), and every other top-level folder (or the part of one that holds no
 * known mount) as "not known which". Age is the newest modification inside: Buildah records no
 * last-use time, and reading a cache changes nothing on disk.
 */
export function measureBuildahCacheMounts(roots: readonly string[], known: readonly KnownCacheMount[] = [], maxEntries = 500_000): CacheMountStat[] {
  const out: CacheMountStat[] = [];
  const budget = { entries: maxEntries };
  const byKey = new Map<string, KnownCacheMount[]>();
  for (const k of known) byKey.set(k.key, [...(byKey.get(k.key) ?? []), k]);
  const record = (root: string, rel: string, mounts: KnownCacheMount[] | undefined): void => {
    const full = path.join(root, rel);
    const m = measureDir(full, budget);
    const iso = m.newest ? new Date(m.newest).toISOString() : undefined;
    const targets = [...new Set((mounts ?? []).map(k => k.target))];
    const ids = [...new Set((mounts ?? []).flatMap(k => (k.id ? [k.id] : [])))];
    const target = mounts
      ? targets.join(', ')
      : `${rel} (id=${rel} or target=/${rel}: no Dockerfile in view says which)`;
    const said = mounts ? `${ids.length ? `id=${ids.join(',')} ` : ''}target=${targets.join(',')}` : 'unknown mount';
    out.push({
      id: full,
      type: 'exec.cachemount',
      description: `buildah cache ${full}: ${said}${m.complete ? '' : ' (size is a lower bound: too many files to count)'}`,
      inUse: false,
      shared: false,
      bytes: m.bytes,
      createdAt: undefined,
      lastUsed: iso,
      usageCount: 0,
      target,
      createdBy: mounts ? mounts.map(k => k.where).join(', ') : undefined,
    });
  };
  for (const root of roots) {
    let st: fs.Stats;
    try { st = fs.lstatSync(root); } catch { continue; }
    if (!st.isDirectory()) continue;
    const walk = (rel: string): void => {
      let names: fs.Dirent[];
      try { names = fs.readdirSync(path.join(root, rel), { withFileTypes: true }); } catch { return; }
      for (const e of names) {
        if (!e.isDirectory()) continue;
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (byKey.has(r)) record(root, r, byKey.get(r));
        else if ([...byKey.keys()].some(k => k.startsWith(`${r}/`))) walk(r);
        else record(root, r, undefined);
      }
    };
    walk('');
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id));
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export interface PodmanModelInputs {
  /** GET /libpod/system/df */
  df: unknown;
  /** GET /libpod/images/json?all=true */
  images: unknown;
  /** GET /libpod/volumes/json */
  volumes: unknown;
  cacheMounts?: CacheMountStat[];
  hostCaches?: HostCacheStat[];
  engine?: CacheStats['engine'];
  now?: Date;
}

/**
 * The stats model from libpod's answers. An untagged image that is the parent of another is an
 * intermediate image: podman's layer cache for `--layers` builds, listed as build cache of type
 * `podman.intermediate` and shared (its layers are the child's: removing it frees nothing while the
 * child exists). An untagged image without children is dangling. Images appear once per id.
 */
export function podmanCacheStats(input: PodmanModelInputs): CacheStats {
  const df = obj(input.df);
  const list = arr(input.images).map(obj);
  const parents = new Set(list.map(i => String(i.ParentId ?? '')).filter(Boolean));
  const info = new Map(list.map(i => [String(i.Id ?? ''), i]));
  const seen = new Set<string>();
  const images: unknown[] = [];
  const intermediate: ReturnType<typeof intermediateRecord>[] = [];
  for (const d0 of arr(df.Images)) {
    const d = obj(d0);
    const id = String(d.ImageID ?? '');
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const i = info.get(id) ?? {};
    const names = arr(i.Names ?? i.RepoTags).filter((n): n is string => typeof n === 'string');
    const created = typeof i.Created === 'number' ? i.Created : Date.parse(String(d.Created ?? '')) / 1000;
    if (!names.length && parents.has(id)) {
      intermediate.push(intermediateRecord(id, d, created, String(i.ParentId ?? '')));
      continue;
    }
    images.push({ Id: id, RepoTags: names, Size: num(d.Size), SharedSize: num(d.SharedSize), Created: created, Containers: num(d.Containers) });
  }
  const volInfo = new Map(arr(input.volumes).map(obj).map(v => [String(v.Name ?? ''), v]));
  const volumes = arr(df.Volumes).map(obj).map(v => {
    const meta = volInfo.get(String(v.VolumeName ?? '')) ?? {};
    return { Name: v.VolumeName, Driver: meta.Driver, Mountpoint: meta.Mountpoint, CreatedAt: meta.CreatedAt, UsageData: { Size: num(v.Size), RefCount: num(v.Links) } };
  });
  const layersSize = images.reduce<number>((s, i) => s + num(obj(i).Size) - num(obj(i).SharedSize), 0) +
    Math.max(0, ...images.map(i => num(obj(i).SharedSize)));
  const stats = buildCacheStats({
    df: { Images: images, Volumes: volumes, BuildCache: [...intermediate, ...(input.cacheMounts ?? []).map(toRecord)], LayersSize: layersSize },
    hostCaches: input.hostCaches,
    engine: input.engine,
    now: input.now,
  });
  // buildCacheStats parsed the cache mounts back from plain records: keep the targets this module worked out
  stats.cacheMounts = [...(input.cacheMounts ?? [])];
  return stats;
}

function intermediateRecord(id: string, d: Record<string, unknown>, created: number, parent: string) {
  const iso = Number.isFinite(created) && created > 0 ? new Date(created * 1000).toISOString() : undefined;
  return {
    ID: id, Parent: parent || undefined, Type: 'podman.intermediate', Description: `intermediate image ${id.slice(0, 12)} (a layer of a tagged image)`,
    InUse: num(d.Containers) > 0, Shared: true, Size: num(d.UniqueSize), CreatedAt: iso, LastUsedAt: iso, UsageCount: 0,
  };
}

function toRecord(m: CacheMountStat) {
  return { ID: m.id, Type: m.type, Description: m.description, InUse: m.inUse, Shared: m.shared, Size: m.bytes, CreatedAt: m.createdAt, LastUsedAt: m.lastUsed, UsageCount: m.usageCount };
}

export interface PodmanCollectOptions {
  hostCaches?: HostCacheStat[];
  /** Cache mounts the Dockerfiles in view declare, to name Buildah's folders. */
  knownMounts?: KnownCacheMount[];
  /** Where to look for Buildah's cache folders (default: buildahCacheRoots()); only for a local service. */
  cacheRoots?: string[];
}

/** True for a socket on this machine: only then are Buildah's folders this podman's. */
export function isLocal(endpoint: EngineEndpoint): boolean {
  return !!endpoint.socketPath && !endpoint.hostname;
}

/** One snapshot from a podman service, plus its cache mounts measured on disk. */
export async function collectPodmanStats(client: PodmanClient, opts: PodmanCollectOptions = {}): Promise<CacheStats> {
  const version = await client.version();
  const [df, images, volumes] = await Promise.all([client.systemDf(), client.images(), client.volumes()]);
  const cacheMounts = isLocal(client.endpoint) ? measureBuildahCacheMounts(opts.cacheRoots ?? buildahCacheRoots(), opts.knownMounts) : [];
  return podmanCacheStats({
    df, images, volumes, cacheMounts, hostCaches: opts.hostCaches,
    engine: { host: client.endpoint.host, source: `podman ${version} (${client.endpoint.source})`, apiVersion: version },
  });
}

/** True when `p` lies strictly inside one of the Buildah cache roots (never a root itself, never home): the clean-up's guard. */
export function isBuildahCacheFolder(p: string, roots: readonly string[]): boolean {
  const abs = path.resolve(p);
  return abs !== path.resolve(os.homedir()) && roots.some(r => {
    const rel = path.relative(path.resolve(r), abs);
    return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}
