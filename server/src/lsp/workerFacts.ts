/**
 * Workspace facts as they travel to the analysis worker. Their large values (the context's file list,
 * the manifests' texts, per-build ARGs) are the objects gatherWorkspaceFacts keeps for seconds at a time,
 * the same on every keystroke: each is sent once and named by a number after that, instead of being
 * copied to the worker, and written out for its cache key, on every keystroke (in a monorepo of 150
 * packages that was most of a 1,000-line file's time). Primitive values (the ignore file's name, how the
 * context was found) travel as they are.
 */
import type { WorkspaceFacts } from '../rules/types';

/** One fact: its value inline, or a number the worker keeps it under (with the value when the worker lacks it). */
export type WireValue = { readonly inline: unknown } | { readonly ref: number; readonly value?: unknown };
export type WireFacts = Readonly<Record<string, WireValue>>;

/** How many values each side keeps; the worker asks again for one it no longer has (FactsReceiver.decode). */
export const FACTS_KEPT = 64;

/** Sets travel as arrays: structured clone keeps Sets, but the contract stays explicit. */
const toWire = (v: unknown): unknown => (v instanceof Set ? { set: [...v] } : v);
const fromWire = (v: unknown): unknown => (v && typeof v === 'object' && Array.isArray((v as { set?: unknown }).set) ? new Set((v as { set: unknown[] }).set) : v);

/** The main thread's side: numbers objects, remembers which the worker holds (the last FACTS_KEPT sent). */
export class FactsSender {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly held = new Set<number>();

  encode(ws: WorkspaceFacts, resend = false): WireFacts {
    const out: Record<string, WireValue> = {};
    for (const [k, v] of Object.entries(ws)) {
      if (v === null || typeof v !== 'object') {
        out[k] = { inline: v };
        continue;
      }
      let ref = this.ids.get(v);
      if (ref === undefined) this.ids.set(v, (ref = this.nextId++));
      out[k] = this.held.has(ref) && !resend ? { ref } : { ref, value: toWire(v) };
      // most recently used last, as in the worker
      this.held.delete(ref);
      this.held.add(ref);
      while (this.held.size > FACTS_KEPT) this.held.delete(this.held.values().next().value as number);
    }
    return out;
  }

  /** A new worker holds nothing. */
  reset(): void {
    this.held.clear();
  }
}

/** The worker's side: the values it was sent, the last FACTS_KEPT used. */
export class FactsReceiver {
  private readonly values = new Map<number, unknown>();

  /** The facts, or undefined when one names a value this side no longer has (the sender then sends them whole). */
  decode(wire: WireFacts): WorkspaceFacts | undefined {
    const out: Record<string, unknown> = {};
    for (const [k, w] of Object.entries(wire)) {
      if ('inline' in w) {
        out[k] = w.inline;
        continue;
      }
      let v = this.values.get(w.ref);
      if ('value' in w) v = fromWire(w.value);
      else if (!this.values.has(w.ref)) return undefined;
      this.values.delete(w.ref);
      this.values.set(w.ref, v);
      out[k] = v;
    }
    while (this.values.size > FACTS_KEPT) this.values.delete(this.values.keys().next().value as number);
    return out as WorkspaceFacts;
  }
}

/** A cache key for the facts: the same objects (and the same inline values) give the same key. */
export function factsKey(wire: WireFacts): string {
  return JSON.stringify(Object.entries(wire).map(([k, w]) => [k, 'inline' in w ? w.inline : `#${w.ref}`]));
}
