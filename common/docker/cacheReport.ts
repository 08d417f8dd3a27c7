/**
 * Snapshots of the cache statistics: JSON (the CLI's `stats --format json` and exported reports),
 * Markdown (exported reports) and plain text (the CLI's default).
 */
import { typeLabel, type CacheStats } from './cacheStats';
import { formatAge, formatBytes } from '../format';

/** The JSON document: the stats model as is (byte counts are exact integers). */
export function cacheReportJson(stats: CacheStats): string {
  return JSON.stringify(stats, null, 2) + '\n';
}

const size = (b: number) => `${formatBytes(b)}`;
const md = (s: string) => s.replace(/([\\|`*_[\]<>])/g, '\\$1').replace(/\n/g, ' ');
const trunc = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** Markdown report with the same sections as the view. */
export function cacheReportMarkdown(stats: CacheStats, opts: { maxRows?: number } = {}): string {
  const max = opts.maxRows ?? 50;
  const now = new Date(stats.collectedAt);
  const bc = stats.buildCache;
  const lines: string[] = [];
  lines.push('# Docker cache report', '');
  lines.push(`Collected ${stats.collectedAt}${stats.engine ? ` from ${md(stats.engine.host)} (${md(stats.engine.source)}, API ${stats.engine.apiVersion ?? '?'})` : ''}.`, '');
  lines.push('## Build cache', '');
  lines.push(`| total | reclaimable | in use | records | shared with images |`, '| ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${size(bc.totalBytes)} | ${size(bc.reclaimableBytes)} | ${size(bc.inUseBytes)} | ${bc.count} | ${size(bc.sharedBytes)} |`, '');
  lines.push('| type | records | size |', '| --- | ---: | ---: |');
  for (const [type, g] of Object.entries(bc.byType).sort((a, b) => b[1].bytes - a[1].bytes)) {
    lines.push(`| ${typeLabel(type)} (\`${type}\`) | ${g.count} | ${size(g.bytes)} |`);
  }
  lines.push('');
  lines.push('### Cache mounts', '');
  if (!stats.cacheMounts.length) lines.push('No cache mounts (`RUN --mount=type=cache`) in the build cache.', '');
  else {
    lines.push('| target | size | last used | uses | in use | created by |', '| --- | ---: | --- | ---: | --- | --- |');
    for (const m of stats.cacheMounts.slice(0, max)) {
      lines.push(`| \`${md(m.target)}\` | ${size(m.bytes)} | ${m.lastUsed ?? 'never'} (${formatAge(m.lastUsed, now)}) | ${m.usageCount} | ${m.inUse ? 'yes' : 'no'} | ${md(trunc(m.createdBy ?? '', 80))} |`);
    }
    if (stats.cacheMounts.length > max) lines.push(`| … ${stats.cacheMounts.length - max} more | | | | | |`);
    lines.push('');
  }
  const im = stats.images;
  lines.push('## Images', '');
  lines.push(`${im.count} images, ${size(im.totalBytes)} of layers; ${im.dangling.count} dangling (${size(im.dangling.bytes)} reclaimable).`, '');
  if (im.items.length) {
    lines.push('| image | size | unique | layers | created | containers |', '| --- | ---: | ---: | ---: | --- | ---: |');
    for (const i of im.items.slice(0, max)) {
      lines.push(`| ${i.tags.length ? md(i.tags.join(', ')) : `*dangling* ${i.id.replace(/^sha256:/, '').slice(0, 12)}`} | ${size(i.bytes)} | ${size(i.uniqueBytes)} | ${i.layers ?? '?'} | ${i.created ?? ''} | ${i.containers} |`);
    }
    if (im.items.length > max) lines.push(`| … ${im.items.length - max} more | | | | | |`);
    lines.push('');
  }
  lines.push('## Volumes', '');
  if (!stats.volumes.items.length) lines.push('No volumes.', '');
  else {
    lines.push('| volume | size | in use | cache |', '| --- | ---: | --- | --- |');
    for (const v of stats.volumes.items.slice(0, max)) {
      lines.push(`| ${md(v.name)} | ${size(v.bytes)} | ${v.inUse ? `yes (${v.refCount})` : 'no'} | ${v.cache ? 'yes' : ''} |`);
    }
    lines.push('');
  }
  lines.push('## Host caches', '');
  if (!stats.hostCaches.length) lines.push('No package or build caches found on this machine.', '');
  else {
    lines.push('| cache | path | size | files |', '| --- | --- | ---: | ---: |');
    for (const h of stats.hostCaches) {
      lines.push(`| ${md(h.label)} | \`${md(h.path)}\` | ${h.complete ? '' : '≥ '}${size(h.bytes)} | ${h.files}${h.note ? ` (${md(h.note)})` : ''} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Plain-text summary for a terminal. */
export function cacheReportText(stats: CacheStats, opts: { maxRows?: number } = {}): string {
  const max = opts.maxRows ?? 20;
  const now = new Date(stats.collectedAt);
  const bc = stats.buildCache;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(28)} ${value}`);
  out.push(`Build cache: ${size(bc.totalBytes)} total, ${size(bc.reclaimableBytes)} reclaimable, ${size(bc.inUseBytes)} in use (${bc.count} records)`);
  for (const [type, g] of Object.entries(bc.byType).sort((a, b) => b[1].bytes - a[1].bytes)) {
    row(`${typeLabel(type)} (${type})`, `${String(g.count).padStart(5)} × ${size(g.bytes)}`);
  }
  out.push(`Cache mounts: ${stats.cacheMounts.length}`);
  for (const m of stats.cacheMounts.slice(0, max)) {
    row(m.target, `${size(m.bytes).padStart(10)}  ${m.usageCount ? `used ${m.usageCount}× ` : 'changed '}${formatAge(m.lastUsed, now)}${m.inUse ? '  in use' : ''}`);
  }
  if (stats.cacheMounts.length > max) out.push(`  … ${stats.cacheMounts.length - max} more`);
  const im = stats.images;
  out.push(`Images: ${im.count}, ${size(im.totalBytes)}; dangling ${im.dangling.count} (${size(im.dangling.bytes)})`);
  for (const i of im.items.slice(0, max)) {
    row(i.tags[0] ?? `<dangling> ${i.id.replace(/^sha256:/, '').slice(0, 12)}`, `${size(i.bytes).padStart(10)}  ${i.layers ?? '?'} layers`);
  }
  if (im.items.length > max) out.push(`  … ${im.items.length - max} more`);
  out.push(`Volumes: ${stats.volumes.count}, ${size(stats.volumes.totalBytes)}`);
  for (const v of stats.volumes.items.slice(0, max)) {
    row(v.name, `${size(v.bytes).padStart(10)}  ${v.inUse ? 'in use' : 'unused'}${v.cache ? '  cache' : ''}`);
  }
  out.push(`Host caches: ${stats.hostCaches.length}`);
  for (const h of stats.hostCaches) {
    row(`${h.label}`, `${((h.complete ? '' : '≥ ') + size(h.bytes)).padStart(10)}  ${h.path}${h.note ? `  (${h.note})` : ''}`);
  }
  return out.join('\n') + '\n';
}
