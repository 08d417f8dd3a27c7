/** Workspace facts as they travel to the analysis worker: plain JSON, sets as arrays. */
import type { WorkspaceFacts } from '../rules/types';

/** WorkspaceFacts with sets as arrays (structured clone keeps Sets, but keep the contract explicit). */
export type SerializedFacts = { [K in keyof WorkspaceFacts]: WorkspaceFacts[K] extends ReadonlySet<infer T> | undefined ? T[] | undefined : WorkspaceFacts[K] };

export function serializeFacts(ws: WorkspaceFacts): SerializedFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ws)) out[k] = v instanceof Set ? [...v] : v;
  return out as SerializedFacts;
}

export function deserializeFacts(ws: SerializedFacts): WorkspaceFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ws)) out[k] = Array.isArray(v) ? new Set(v) : v;
  return out as WorkspaceFacts;
}
