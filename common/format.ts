/**
 * The one way sizes, durations and ages are written, in the editor, the Build Cache view and the CLI
 * alike: binary units as `docker system df` writes them, durations in the fewest characters.
 */

/** Binary units like `docker system df` (1 KiB = 1024 B), e.g. `512 KiB`, `1.4 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return 'unknown';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2))} ${units[u]}`;
}

/** `0.2s`, `42.1s`, `3m12s`, `1h02m`: how long something took, in the fewest characters a person reads at once. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${round1(seconds)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** One decimal, kept when it is 0 (`41.0`), so a column of durations lines up. */
export function round1(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

/** `3 h ago`, `12 d ago`: for descriptions; tooltips carry the exact date. */
export function formatAge(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** An age limit in words, as a person typed it: `30 days`, `12 hours`, `90 minutes`. */
export function formatAgeLimit(ms: number): string {
  const d = ms / 86400e3;
  if (Number.isInteger(d)) return `${d} day${d === 1 ? '' : 's'}`;
  const h = ms / 3600e3;
  return Number.isInteger(h) ? `${h} hour${h === 1 ? '' : 's'}` : `${Math.round(ms / 60e3)} minutes`;
}

/** Parse a user's age (`30d`, `12h`, `90m`, `2w`, or a bare number of days) into milliseconds. */
export function parseAge(text: string): number | undefined {
  // trimmed first: `\s*$` after `\s*` retried every run of spaces (quadratic on a padded value)
  const m = /^(\d+(?:\.\d+)?)\s*(w|d|h|m)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase();
  const ms = n * { w: 7 * 86400e3, d: 86400e3, h: 3600e3, m: 60e3 }[unit as 'w' | 'd' | 'h' | 'm'];
  return ms > 0 ? ms : undefined;
}
