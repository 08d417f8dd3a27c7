/** The shape of bench/results.json and the printed table. */
import * as fs from 'fs';

export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, measured in the same run; null when there is no peer. */
  readonly peer: string | null;
  readonly peerValue: number | null;
  /** value / peerValue (for savings metrics: the after/before ratio); null without a peer. */
  readonly ratio: number | null;
  readonly target: string;
  readonly met: boolean;
  /** How it was measured (printed under the table, kept in results.json). */
  readonly note?: string;
  /** For real-build metrics: false when real package managers did the work (kept in results.json). */
  readonly simulated?: boolean;
}

export const round = (x: number, digits = 2): number => Number.isFinite(x) ? Number(x.toFixed(digits)) : x;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile of a sample. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const fmt = (x: number | null): string => x === null ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);

/** A fixed-width table: one line per metric. */
export function table(metrics: readonly Metric[]): string {
  const rows = [['metric', 'value', 'unit', 'peer', 'peer value', 'ratio', 'target', 'met']];
  for (const m of metrics) {
    rows.push([m.name, fmt(m.value), m.unit, m.peer ?? '—', fmt(m.peerValue), m.ratio === null ? '—' : `${fmt(m.ratio)}×`, m.target, m.met ? 'yes' : 'NO']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 1 || c === 4 || c === 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function writeResults(file: string, metrics: readonly Metric[], extra: Record<string, unknown>): void {
  const out = {
    metrics: metrics.map(m => ({ name: m.name, value: round(m.value, 3), unit: m.unit, peer: m.peer, peerValue: m.peerValue === null ? null : round(m.peerValue, 3), ratio: m.ratio === null ? null : round(m.ratio, 3), target: m.target, met: m.met, ...(m.simulated === undefined ? {} : { simulated: m.simulated }), ...(m.note ? { note: m.note } : {}) })),
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
}
