/**
 * Which cached steps came from an imported cache (`--cache-from`) rather than the local one.
 *
 * BuildKit does not say so per step: a step is `CACHED` either way. What it prints instead
 * (checked against dockerd 20.10's BuildKit and a registry on 127.0.0.1, test/docker/registryCache.test.ts):
 *   #4 importing cache manifest from 127.0.0.1:5000/app:v1     one internal vertex per source
 *   #4 DONE 0.0s                                                 (ERROR when the source cannot be read)
 *   #7 [4/4] COPY c.txt /c.txt
 *   #7 pulling sha256:cf35…                                      layers fetched from the source,
 *   #7 CACHED                                                    under the step that first needs them
 * The layers of a stage form a chain, and the builder pulls the missing part of it under the cached step
 * whose result is needed: that step and the cached steps before it in its stage came from the import.
 * A step cached locally below that point is marked too when the chain mixes both (rare: the local
 * cache would have served the later step as well).
 */
import type { Vertex } from './progress';
import type { StepRecord } from './timeline';

export interface CacheImport {
  readonly ref: string;
  readonly ok: boolean;
}

const IMPORTING = /^importing cache manifest from (\S+)/;
const PULLING = /^pulling sha256:[0-9a-f]{64}\b/;

/** The `importing cache manifest from <ref>` vertices of a build. */
export function cacheImportsOf(vertices: readonly Vertex[]): CacheImport[] {
  const out: CacheImport[] = [];
  for (const v of vertices) {
    const m = IMPORTING.exec(v.name);
    if (m) out.push({ ref: m[1], ok: v.state === 'done' || v.state === 'cached' });
  }
  return out;
}

/** The steps with `imported: true` where the import served them; unchanged without a working import. */
export function markImported(steps: readonly StepRecord[], imports: readonly CacheImport[]): StepRecord[] {
  if (!imports.some(i => i.ok)) return [...steps];
  const imported = new Set<StepRecord>();
  const before = (t: StepRecord, s: StepRecord) =>
    t.line !== undefined && s.line !== undefined ? t.line <= s.line : (t.index ?? 0) <= (s.index ?? 0);
  for (const s of steps) {
    if (!s.cached || !s.logs?.some(l => PULLING.test(l))) continue;
    // the cached steps of the chain this pull completed: the same stage, up to this step
    for (const t of steps) {
      if (t.stage === s.stage && before(t, s) && t.cached && !/^FROM\s/i.test(t.name)) imported.add(t);
    }
  }
  return steps.map(s => (imported.has(s) ? { ...s, imported: true } : s));
}
