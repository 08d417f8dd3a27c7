/**
 * "What rebuilds if I change this file?" for one Dockerfile: pure, given the parsed Dockerfile, its
 * context folder and the ignore spec that applies.
 */
import * as path from 'path';
import type { DockerfileModel } from '../analysis/model';
import type { IgnoreSpec } from './ignore';
import { buildGraph, invalidate, type BuildGraph, type Step } from './invalidation';
import { readsOf, type ContextRead } from './sources';

/** Why a file does or does not re-run steps. */
export type RebuildReason =
  /** outside the context folder */
  | 'outside-context'
  /** excluded by the ignore file */
  | 'ignored'
  /** in the context, but no step of the built stages copies or mounts it */
  | 'not-copied'
  /** copied or mounted by at least one step */
  | 'copied';

export interface RebuildAnswer {
  readonly inContext: boolean;
  readonly reason: RebuildReason;
  /** Context-relative posix path of the file (when inside the context folder). */
  readonly rel?: string;
  /** Steps of the built stages that copy or mount the file, with the source that matched. */
  readonly readers: ReadonlyArray<{ readonly step: Step; readonly reads: readonly ContextRead[] }>;
  /** Steps that copy it in stages the target does not build. */
  readonly unbuiltReaders: readonly Step[];
  readonly first?: Step;
  /** Every step that may re-run (an upper bound), file order. */
  readonly rerun: readonly Step[];
  /** Of those, the steps that re-run only if files taken from a changed stage come out different. */
  readonly conditional: ReadonlySet<Step>;
  readonly totalSteps: number;
  readonly graph: BuildGraph;
}

/** Context-relative posix path of `file`, or undefined when it lies outside `contextDir`. */
export function contextRelative(contextDir: string, file: string): string | undefined {
  const rel = path.relative(path.resolve(contextDir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Answer for one Dockerfile. `target`: stage to build (default the last one), or 'all'. */
export function whyRebuild(input: {
  model: DockerfileModel;
  contextDir: string;
  file: string;
  ignore: IgnoreSpec;
  target?: string;
  graph?: BuildGraph;
}): RebuildAnswer {
  const graph = input.graph ?? buildGraph(input.model, input.target);
  const rel = contextRelative(input.contextDir, input.file);
  const none = { readers: [], unbuiltReaders: [], rerun: [], conditional: new Set<Step>(), totalSteps: graph.totalSteps, graph };
  if (rel === undefined) return { inContext: false, reason: 'outside-context', ...none };
  if (input.ignore.ignores(rel)) return { inContext: false, reason: 'ignored', rel, ...none };
  const readers: Array<{ step: Step; reads: ContextRead[] }> = [];
  const unbuiltReaders: Step[] = [];
  for (const steps of graph.stageSteps) {
    for (const step of steps) {
      const reads = readsOf(step.inputs, rel);
      if (reads.length === 0) continue;
      if (graph.built.has(step.stage)) readers.push({ step, reads });
      else unbuiltReaders.push(step);
    }
  }
  const hit = new Set(readers.map(r => r.step));
  const { rerun, first, conditional } = invalidate(graph, s => hit.has(s));
  return { inContext: true, reason: readers.length ? 'copied' : 'not-copied', rel, readers, unbuiltReaders, first, rerun, conditional, totalSteps: graph.totalSteps, graph };
}

/** The stable JSON shape of the CLI and the LSP request (1-based instruction lines, across stages). */
export interface RebuildJson {
  dockerfile: string;
  inContext: boolean;
  firstInvalidatedLine: number | null;
  rerunLines: number[];
  totalSteps: number;
}

export function toJson(dockerfile: string, a: RebuildAnswer): RebuildJson {
  return {
    dockerfile,
    inContext: a.inContext,
    firstInvalidatedLine: a.first?.line ?? null,
    rerunLines: a.rerun.map(s => s.line),
    totalSteps: a.totalSteps,
  };
}

/** A one-line summary: "changing src/app.py re-runs 4 of 11 steps". */
export function summarise(fileLabel: string, a: RebuildAnswer, ignoreLabel?: string): string {
  switch (a.reason) {
    case 'outside-context':
      return `${fileLabel} is not in this build context`;
    case 'ignored':
      return `${fileLabel} is not in the build context (excluded by ${ignoreLabel ?? '.dockerignore'})`;
    case 'not-copied':
      return a.unbuiltReaders.length
        ? `changing ${fileLabel} re-runs nothing: only stages this build skips copy it (line ${a.unbuiltReaders.map(s => s.line).join(', ')})`
        : `changing ${fileLabel} re-runs nothing: no step copies it`;
    case 'copied': {
      const maybe = conditionalNote(a);
      return `changing ${fileLabel} re-runs ${a.rerun.length} of ${a.totalSteps} steps, from line ${a.first?.line}${maybe ? ` (${maybe})` : ''}`;
    }
  }
}

/** "2 of them only if the files taken from stage build change", or '' when every re-run is certain. */
export function conditionalNote(a: RebuildAnswer): string {
  if (a.conditional.size === 0) return '';
  const stages = new Set<string>();
  for (const step of a.conditional) {
    for (const f of step.inputs.fromStages) if (a.graph.model.stages[f]) stages.add(a.graph.model.stages[f].name ?? String(f));
  }
  const names = [...stages];
  return `${a.conditional.size} of them only if the files taken from ${names.length ? `stage ${names.join(', ')}` : 'an earlier stage'} change`;
}
