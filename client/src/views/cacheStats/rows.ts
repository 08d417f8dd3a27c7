/**
 * The Build Cache view's data and rows, free of `vscode` so they are tested without VS Code.
 * CacheStatsProvider (provider.ts) wraps this: each Row becomes one TreeItem.
 */
import { typeLabel, type BuildCacheRecord, type CacheMountStat, type CacheStats, type ImageStat, type VolumeStat } from '../../../../common/docker/cacheStats';
import { collectCacheStats } from '../../../../common/docker/collectStats';
import { EngineConfigError, EngineUnreachableError, type EngineClient } from '../../../../common/docker/engineApi';
import { collectPodmanStats, type KnownCacheMount, type PodmanClient } from '../../../../common/docker/podmanStats';
import type { HostCacheStat } from '../../../../common/docker/hostCaches';
import { formatAge, formatBytes } from '../../../../common/format';

/** What a row stands for; decides its TreeItem class and icon. */
export type RowKind =
  | 'section' | 'typeGroup' | 'cacheMount' | 'cacheRecord' | 'more'
  | 'image' | 'imageLayer' | 'danglingImages' | 'volume' | 'hostCache'
  | 'error' | 'empty' | 'action' | 'info';

/** A command a row runs when clicked. */
export interface RowCommand { command: string; title: string; arguments?: unknown[] }

/** One row of the tree. Commands from menus receive the Row itself. */
export interface Row {
  readonly id: string;
  readonly kind: RowKind;
  readonly label: string;
  readonly description?: string;
  /** Markdown; exact bytes and dates. */
  readonly tooltip?: string;
  /** `when` clauses in package.json menus match on this (`viewItem == cacheMount`). */
  readonly contextValue?: string;
  /** undefined: a leaf; true/false: expanded/collapsed. */
  readonly expanded?: boolean;
  readonly children?: Row[];
  /** Children fetched when the row is expanded (image history). */
  readonly loadChildren?: () => Promise<Row[]>;
  readonly command?: RowCommand;
  readonly record?: BuildCacheRecord;
  readonly image?: ImageStat;
  readonly volume?: VolumeStat;
  readonly hostCache?: HostCacheStat;
  /** Highlight (cache-like volume, large cache). */
  readonly emphasis?: boolean;
}

/** Everything one load produced; engine and host caches fail independently. */
export interface Snapshot {
  stats?: CacheStats;
  /** Why the engine's part is missing (unreachable, bad DOCKER_HOST/context, engine error). */
  engineError?: string;
  engineHost?: string;
  hostCaches: HostCacheStat[];
  hostCacheError?: string;
  loadedAt: Date;
}

export interface SourceOptions {
  /** A client for the configured endpoint; may throw EngineConfigError. */
  engine: () => EngineClient;
  /** Measures host caches (a worker thread in the extension). */
  measureHostCaches: () => Promise<HostCacheStat[]>;
  /**
   * The Podman API client when the view shows Podman (`cacheAdvisor.engine` is "podman"), else
   * undefined; asked at every load, so a changed setting applies on refresh.
   */
  podman?: () => PodmanClient | undefined;
  /** Cache mounts the workspace's Dockerfiles declare, to name Buildah's cache folders. */
  knownMounts?: () => Promise<KnownCacheMount[]>;
}

/** Loads snapshots. Never throws: failures become snapshot fields and then error rows. */
export class CacheStatsSource {
  constructor(private readonly opts: SourceOptions) {}

  async load(): Promise<Snapshot> {
    const host = this.opts.measureHostCaches().then(
      hostCaches => ({ hostCaches, hostCacheError: undefined as string | undefined }),
      (e: Error) => ({ hostCaches: [] as HostCacheStat[], hostCacheError: e.message }));
    let engine: EngineClient | undefined;
    let engineError: string | undefined;
    let engineHost: string | undefined;
    let stats: CacheStats | undefined;
    try {
      const podman = this.opts.podman?.();
      if (podman) {
        engineHost = podman.endpoint.host;
        stats = await collectPodmanStats(podman, { knownMounts: await this.opts.knownMounts?.().catch(() => []) });
      } else {
        engine = this.opts.engine();
        stats = await collectCacheStats(engine);
      }
    } catch (e) {
      engineError = e instanceof EngineUnreachableError || e instanceof EngineConfigError ? e.message : `Docker is not reachable: ${(e as Error).message}`;
    }
    const h = await host;
    if (stats) stats.hostCaches = h.hostCaches;
    return { stats, engineError, engineHost: engine?.endpoint.host ?? engineHost, hostCaches: h.hostCaches, hostCacheError: h.hostCacheError, loadedAt: new Date() };
  }

  /** The Podman client when the view shows Podman: clean-up commands then act on Podman, never on Docker. */
  podman(): PodmanClient | undefined {
    return this.opts.podman?.();
  }

  /** The client commands use for clean-up (same endpoint as the view). */
  engine(): EngineClient {
    return this.opts.engine();
  }
}

/** Ids of the commands rows run; also the ones package.json contributes. */
export const COMMAND_IDS = {
  refresh: 'cacheAdvisor.refreshCacheStats',
  openSettings: 'cacheAdvisor.openDockerSettings',
} as const;

/** Show at most this many records / images per group; the rest are summarised in one row. */
export const MAX_ROWS = 100;

const exact = (b: number) => (b < 0 ? 'unknown' : `${formatBytes(b)} (${b.toLocaleString('en-US')} bytes)`);
const when = (iso: string | undefined, now: Date) => (iso ? `${iso} (${formatAge(iso, now)})` : 'never');
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const oneLine = (s: string, n = 80) => { const t = s.replace(/\s+/g, ' ').trim(); return t.length > n ? t.slice(0, n - 1) + '…' : t; };
const mdCode = (s: string) => '`' + s.replace(/`/g, "'") + '`';

/** The root rows: Build cache, Images, Volumes (or the engine error), then Host caches. */
export function rootRows(s: Snapshot, opts: { loadHistory?: (imageId: string) => Promise<Row[]> } = {}): Row[] {
  const rows: Row[] = [];
  if (s.stats) {
    rows.push(buildCacheSection(s.stats, s.loadedAt), imagesSection(s.stats, s.loadedAt, opts.loadHistory), volumesSection(s.stats));
  } else {
    rows.push(engineErrorRow(s.engineError ?? 'Docker is not reachable'));
  }
  rows.push(hostCachesSection(s));
  return rows;
}

/** "Docker is not reachable — Retry / Open settings": a row with two action rows under it. */
export function engineErrorRow(message: string): Row {
  return {
    id: 'engine-error',
    kind: 'error',
    label: 'Docker is not reachable',
    description: message.replace(/^Docker is not reachable:?\s*/, ''),
    tooltip: `${message}\n\nStart Docker, or set \`cacheAdvisor.dockerHost\` (default: DOCKER_HOST, then the current docker context).`,
    contextValue: 'engineError',
    expanded: true,
    children: [
      { id: 'engine-error/retry', kind: 'action', label: 'Retry', contextValue: 'action', command: { command: COMMAND_IDS.refresh, title: 'Retry' } },
      { id: 'engine-error/settings', kind: 'action', label: 'Open settings', description: 'cacheAdvisor.dockerHost', contextValue: 'action', command: { command: COMMAND_IDS.openSettings, title: 'Open settings', arguments: ['cacheAdvisor.dockerHost'] } },
    ],
  };
}

function buildCacheSection(stats: CacheStats, now: Date): Row {
  const bc = stats.buildCache;
  const children: Row[] = [];
  if (bc.count === 0) {
    children.push({ id: 'bc/empty', kind: 'empty', label: 'No build cache yet', description: 'build an image with BuildKit to fill it' });
  }
  for (const [type, g] of Object.entries(bc.byType).sort((a, b) => b[1].bytes - a[1].bytes || a[0].localeCompare(b[0]))) {
    const records = bc.records.filter(r => r.type === type);
    // records with the same description ("local source for context" for every context sent) are told apart by id
    const seen = new Map<string, number>();
    for (const r of records) seen.set(r.description, (seen.get(r.description) ?? 0) + 1);
    const rows = type === 'exec.cachemount'
      ? stats.cacheMounts.map(m => cacheMountRow(m, now))
      : records.map(r => recordRow(r, now, (seen.get(r.description) ?? 0) > 1));
    // the group's size is the sum of its rows; the part shared with images (freed by nothing) is named apart
    const rowBytes = records.reduce((sum, r) => sum + Math.max(0, r.bytes), 0);
    const shared = rowBytes - g.bytes;
    children.push({
      id: `bc/type/${type}`,
      kind: 'typeGroup',
      label: typeLabel(type),
      description: `${g.count} · ${formatBytes(rowBytes)}${shared > 0 ? ` (${formatBytes(shared)} shared with images)` : ''}`,
      tooltip: `**${typeLabel(type)}** (\`${type}\`)\n\n${g.count} record(s), ${exact(rowBytes)} in all: ${exact(g.bytes)} not shared with images${shared > 0 ? `, ${exact(shared)} shared` : ''}`,
      contextValue: type === 'exec.cachemount' ? 'cacheMountGroup' : 'cacheTypeGroup',
      expanded: type === 'exec.cachemount',
      children: limit(rows, `bc/type/${type}`, 'smaller records'),
    });
  }
  return {
    id: 'bc',
    kind: 'section',
    label: 'Build cache',
    description: `${formatBytes(bc.totalBytes)} · ${formatBytes(bc.reclaimableBytes)} reclaimable`,
    tooltip: `**Build cache** (BuildKit)\n\n| | |\n|---|---:|\n| total | ${exact(bc.totalBytes)} |\n| reclaimable | ${exact(bc.reclaimableBytes)} |\n| in use | ${exact(bc.inUseBytes)} |\n| shared with images | ${exact(bc.sharedBytes)} |\n| records | ${bc.count} |\n\nCollected ${stats.collectedAt}`,
    contextValue: 'buildCache',
    expanded: true,
    children,
  };
}

export function cacheMountRow(m: CacheMountStat, now: Date): Row {
  return {
    id: `bc/mount/${m.id}`,
    kind: 'cacheMount',
    label: m.target,
    description: `${formatBytes(m.bytes)} · ${m.usageCount ? `used ${m.usageCount}× · ` : 'changed '}${formatAge(m.lastUsed, now)}${m.inUse ? ' · in use' : ''}${m.shared ? ' · shared' : ''}`,
    tooltip: `**Cache mount** ${mdCode(m.target)}\n\n- size: ${exact(m.bytes)}\n- last used: ${when(m.lastUsed, now)}\n- created: ${when(m.createdAt, now)}\n- used ${m.usageCount} time(s)\n- in use: ${m.inUse ? 'yes' : 'no'}, shared: ${m.shared ? 'yes' : 'no'}\n- record: \`${m.id}\`${m.createdBy ? `\n\nCreated by ${mdCode(oneLine(m.createdBy, 200))}` : ''}`,
    contextValue: m.inUse ? 'cacheMount.inUse' : 'cacheMount',
    record: m,
  };
}

/** A build-cache record; `disambiguate` adds its short id to a label other records share. */
export function recordRow(r: BuildCacheRecord, now: Date, disambiguate = false): Row {
  const text = oneLine(r.description || r.id, 60);
  return {
    id: `bc/record/${r.id}`,
    kind: 'cacheRecord',
    label: disambiguate && r.description ? `${text} · ${short(r.id)}` : text,
    description: `${formatBytes(r.bytes)}${r.shared ? ' · shared with an image' : ''}${r.inUse ? ' · in use' : ''} · ${formatAge(r.lastUsed, now)}`,
    tooltip: `**${typeLabel(r.type)}** record \`${r.id}\`\n\n${mdCode(oneLine(r.description, 300))}\n\n- size: ${exact(r.bytes)}${r.shared ? ' (also an image layer: removing it frees nothing)' : ''}\n- last used: ${when(r.lastUsed, now)}\n- created: ${when(r.createdAt, now)}\n- used ${r.usageCount} time(s)`,
    contextValue: r.inUse ? 'cacheRecord.inUse' : 'cacheRecord',
    record: r,
  };
}

function limit(rows: Row[], idBase: string, what: string): Row[] {
  if (rows.length <= MAX_ROWS) return rows;
  return [...rows.slice(0, MAX_ROWS), { id: `${idBase}/more`, kind: 'more', label: `… ${rows.length - MAX_ROWS} more ${what}`, description: 'export a report for the full list' }];
}

function imagesSection(stats: CacheStats, now: Date, loadHistory?: (imageId: string) => Promise<Row[]>): Row {
  const im = stats.images;
  const children: Row[] = [];
  if (im.count === 0) children.push({ id: 'img/empty', kind: 'empty', label: 'No images' });
  if (im.dangling.count > 0) {
    children.push({
      id: 'img/dangling',
      kind: 'danglingImages',
      label: 'Dangling images',
      description: `${im.dangling.count} · ${formatBytes(im.dangling.bytes)}`,
      tooltip: `${im.dangling.count} untagged image(s) no tag points at; removing them frees ${exact(im.dangling.bytes)}`,
      contextValue: 'danglingImages',
    });
  }
  const rows = im.items.map((i): Row => ({
    id: `img/${i.id}`,
    kind: 'image',
    label: i.tags[0] ?? `<none> ${short(i.id)}`,
    description: `${formatBytes(i.bytes)}${i.layers !== undefined ? ` · ${i.layers} layer${i.layers === 1 ? '' : 's'}` : ''}${i.dangling ? ' · dangling' : ''}`,
    tooltip: `**${i.tags.join(', ') || 'dangling image'}**\n\n- id: \`${i.id}\`\n- size: ${exact(i.bytes)}\n- unique to this image: ${exact(i.uniqueBytes)}\n- layers: ${i.layers ?? 'unknown'}\n- created: ${when(i.created, now)}\n- containers: ${i.containers}`,
    contextValue: i.dangling ? 'image.dangling' : 'image',
    expanded: loadHistory ? false : undefined,
    loadChildren: loadHistory ? () => loadHistory(i.id) : undefined,
    image: i,
  }));
  children.push(...limit(rows, 'img', 'smaller images'));
  return {
    id: 'img',
    kind: 'section',
    label: 'Images',
    description: `${im.count} · ${formatBytes(im.totalBytes)}${im.dangling.count ? ` · ${im.dangling.count} dangling` : ''}`,
    tooltip: `**Images**: ${im.count}, layers ${exact(im.totalBytes)}\n\nDangling: ${im.dangling.count}, ${exact(im.dangling.bytes)}`,
    contextValue: 'images',
    expanded: false,
    children,
  };
}

/** `docker history`-like rows for one image (children of an image row). */
export function historyRows(imageId: string, history: Array<{ Id: string; Created: number; CreatedBy: string; Size: number }>): Row[] {
  if (!history.length) return [{ id: `img/${imageId}/none`, kind: 'empty', label: 'No history' }];
  return history.map((h, n) => ({
    id: `img/${imageId}/layer/${n}`,
    kind: 'imageLayer',
    label: oneLine(h.CreatedBy.replace(/^\/bin\/sh -c (#\(nop\)\s*)?/, ''), 70) || '(no command)',
    description: formatBytes(h.Size),
    tooltip: `${mdCode(oneLine(h.CreatedBy, 400))}\n\n- size: ${exact(h.Size)}\n- created: ${h.Created > 0 ? new Date(h.Created * 1000).toISOString() : 'unknown'}`,
  }));
}

function volumesSection(stats: CacheStats): Row {
  const children: Row[] = stats.volumes.items.map(v => ({
    id: `vol/${v.name}`,
    kind: 'volume' as const,
    label: v.name,
    description: `${formatBytes(v.bytes)} · ${v.inUse ? `in use (${v.refCount})` : 'unused'}${v.cache ? ' · cache' : ''}`,
    tooltip: `**Volume** \`${v.name}\` (${v.driver})\n\n- size: ${exact(v.bytes)}\n- ${v.inUse ? `used by ${v.refCount} container(s)` : 'not used by any container'}\n- created: ${v.createdAt ?? 'unknown'}${v.mountpoint ? `\n- mountpoint: \`${v.mountpoint}\`` : ''}${v.cache ? '\n\nLooks like a package or build cache.' : ''}`,
    contextValue: v.inUse ? 'volume.inUse' : 'volume.unused',
    emphasis: v.cache,
    volume: v,
  }));
  if (!children.length) children.push({ id: 'vol/empty', kind: 'empty', label: 'No volumes' });
  return {
    id: 'vol',
    kind: 'section',
    label: 'Volumes',
    description: `${stats.volumes.count} · ${formatBytes(stats.volumes.totalBytes)}`,
    tooltip: `**Volumes**: ${stats.volumes.count}, ${exact(stats.volumes.totalBytes)}`,
    contextValue: 'volumes',
    expanded: false,
    children,
  };
}

function hostCachesSection(s: Snapshot): Row {
  const children: Row[] = s.hostCaches.map(h => ({
    id: `host/${h.id}`,
    kind: 'hostCache' as const,
    label: h.label,
    description: `${h.complete ? '' : '≥ '}${formatBytes(h.bytes)} · ${h.path}`,
    tooltip: `**${h.label}** \`${h.path}\`\n\n- size: ${h.complete ? '' : 'at least '}${exact(h.bytes)}\n- files: ${h.files.toLocaleString('en-US')}${h.note ? `\n\n${h.note}` : ''}`,
    contextValue: 'hostCache',
    hostCache: h,
  }));
  if (s.hostCacheError) children.push({ id: 'host/error', kind: 'error', label: 'Could not measure host caches', description: s.hostCacheError, command: { command: COMMAND_IDS.refresh, title: 'Retry' } });
  else if (!children.length) children.push({ id: 'host/empty', kind: 'empty', label: 'No pip, uv, npm, yarn, pnpm, Go or Hugging Face cache found' });
  const total = s.hostCaches.reduce((sum, h) => sum + h.bytes, 0);
  return {
    id: 'host',
    kind: 'section',
    label: 'Host caches',
    description: s.hostCaches.length ? formatBytes(total) : '',
    tooltip: 'Package and build caches on this machine that builds and tools reuse',
    contextValue: 'hostCaches',
    expanded: false,
    children,
  };
}

/** Status bar text and tooltip; undefined hides the item (no engine). */
export function statusBarText(s: Snapshot): { text: string; tooltip: string } | undefined {
  if (!s.stats) return undefined;
  const bc = s.stats.buildCache;
  return {
    text: `$(database) ${formatBytes(bc.totalBytes)}`,
    tooltip: `Docker build cache: ${exact(bc.totalBytes)}, ${formatBytes(bc.reclaimableBytes)} reclaimable (${bc.count} records). Click to open the Build Cache view.`,
  };
}

/** The Row a menu passed to a command, or undefined (command palette, keybinding, other callers). */
export function asRow(arg: unknown): Row | undefined {
  const r = arg as Partial<Row> | undefined;
  return r && typeof r === 'object' && typeof r.id === 'string' && typeof r.kind === 'string' ? (r as Row) : undefined;
}
