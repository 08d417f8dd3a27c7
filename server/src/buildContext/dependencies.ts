/** What a step's cache depends on, for hover and CodeLens. Pure. */
import type { ContextFile, ContextListing } from './listing';
import type { BuildGraph, Step } from '../../../common/analysis/invalidation';
import { excludedFromCopy, matchesSource, type ContextRead } from '../../../common/analysis/sources';

/** Files of a listing that a step copies or mounts from the context. */
export function filesReadBy(step: Step, listing: ContextListing): ContextFile[] {
  if (step.inputs.reads.length === 0) return [];
  return listing.files.filter(f => step.inputs.reads.some(r => matchesSource(r, f.rel) && !excludedFromCopy(step.inputs, r, f.rel)));
}

/** One thing a step's cache depends on through the layer chain. */
export type Dependency =
  | { readonly kind: 'context'; readonly read: ContextRead; readonly step: Step }
  | { readonly kind: 'stage'; readonly stage: number; readonly label: string; readonly step: Step };

/**
 * Context sources and stages the step depends on: its own, and those of every earlier step of its
 * stage and of the stages it is built `FROM` (a `COPY --link` below does not break the chain for
 * what comes after it).
 */
export function chainDependencies(graph: BuildGraph, step: Step): Dependency[] {
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const add = (d: Dependency, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  const visitStage = (s: number, upTo: Step | undefined, guard: Set<number>) => {
    if (guard.has(s)) return;
    guard.add(s);
    const parent = graph.model.stages[s].parent;
    if (parent !== undefined) visitStage(parent, undefined, guard);
    for (const st of graph.stageSteps[s]) {
      for (const r of st.inputs.reads) add({ kind: 'context', read: r, step: st }, `c:${r.pattern}`);
      for (const f of st.inputs.fromStages) {
        const stage = graph.model.stages[f];
        add({ kind: 'stage', stage: f, label: stage.name ?? String(f), step: st }, `s:${f}`);
      }
      if (st === upTo) break;
    }
  };
  visitStage(step.stage, step, new Set());
  return out;
}

/** A short label for a dependency: `requirements.txt`, `. (whole context)`, `stage build`. */
export function dependencyLabel(d: Dependency): string {
  if (d.kind === 'stage') return `stage ${d.label}`;
  if (d.read.pattern === '') return 'whole context';
  return d.read.display.replace(/^\.\//, '');
}
