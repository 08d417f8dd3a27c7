/**
 * "What rebuilds if I change this file?" for one Dockerfile: pure, given the parsed Dockerfile, its
 * context folder and the ignore spec that applies.
 */
import * as path from 'path';
import type { DockerfileModel } from '../../../common/analysis/model';
import type { IgnoreSpec } from './ignore';
import { buildGraph, invalidate, type BuildGraph, type Step } from '../../../common/analysis/invalidation';
import { readsOf, type BuildArgs, type ContextRead } from '../../../common/analysis/sources';
import type { RebuildJson, RebuildReason } from '../../../common/protocol';


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
  /** Of those, the steps that re-run only under a condition, each with it ("only if …"). */
  readonly conditional: ReadonlyMap<Step, string>;
  /** New folders (context-relative) the builder would receive when the file is created. */
  readonly newFolders?: readonly string[];
  readonly totalSteps: number;
  readonly graph: BuildGraph;
}

/** Context-relative posix path of `file`, or undefined when it lies outside `contextDir`. */
export function contextRelative(contextDir: string, file: string): string | undefined {
  const rel = path.relative(path.resolve(contextDir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * Folders a new file at `rel` brings into the context: BuildKit sends every folder that is not itself
 * excluded, even an empty one or one whose files are all excluded, and a new folder is a new entry of
 * whatever copies its parent. Missing ancestors of `rel`, from the top, up to the first excluded one.
 */
function newFoldersOf(rel: string, ignore: IgnoreSpec, exists: (rel: string) => boolean): string[] {
  const segs = rel.split('/');
  const out: string[] = [];
  for (let i = 1; i < segs.length; i++) {
    const dir = segs.slice(0, i).join('/');
    if (out.length === 0 && exists(dir)) continue;
    if (ignore.ignores(dir)) break;
    out.push(dir);
  }
  return out;
}

/**
 * Answer for one Dockerfile. `target`: stage to build (default the last one), or 'all'. `buildArgs`:
 * the build's `--build-arg` values. `dockerfile`: the Dockerfile's path, so that asking about the
 * Dockerfile itself (or its ignore file) is answered as such. `exists`: whether a context-relative path
 * is on disk (new folders are part of the change); by default nothing is assumed new.
 */
export function whatRebuilds(input: {
  model: DockerfileModel;
  contextDir: string;
  file: string;
  ignore: IgnoreSpec;
  target?: string;
  buildArgs?: BuildArgs;
  dockerfile?: string;
  exists?: (rel: string) => boolean;
  graph?: BuildGraph;
}): RebuildAnswer {
  const graph = input.graph ?? buildGraph(input.model, input.target, input.buildArgs);
  const rel = contextRelative(input.contextDir, input.file);
  const file = path.resolve(input.file);
  const none = { readers: [], unbuiltReaders: [], rerun: [], conditional: new Map<Step, string>(), totalSteps: graph.totalSteps, graph };
  const isIgnoreFile = input.ignore.file !== undefined && path.resolve(input.ignore.file) === file;
  const isDockerfile = input.dockerfile !== undefined && path.resolve(input.dockerfile) === file;
  if (rel === undefined && !isIgnoreFile) return { inContext: false, reason: isDockerfile ? 'build-definition' : 'outside-context', ...none };
  const sent = rel !== undefined && !input.ignore.ignores(rel);

  const readers: Array<{ step: Step; reads: ContextRead[] }> = [];
  const unbuiltReaders: Step[] = [];
  const readersOf = (p: string) => {
    for (const steps of graph.stageSteps) {
      for (const step of steps) {
        const reads = readsOf(step.inputs, p);
        if (reads.length === 0 || readers.some(r => r.step === step)) continue;
        if (graph.built.has(step.stage)) readers.push({ step, reads });
        else unbuiltReaders.push(step);
      }
    }
  };
  let newFolders: string[] = [];
  if (sent) readersOf(rel);
  else if (rel !== undefined && input.exists) {
    newFolders = newFoldersOf(rel, input.ignore, input.exists);
    newFolders.forEach(readersOf);
  }
  const hit = new Set(readers.map(r => r.step));
  // an edit of the ignore file may send more files or fewer to any step that copies from the context
  const mayMiss = isIgnoreFile ? (s: Step) => s.inputs.reads.length > 0 && !hit.has(s) : undefined;
  const inv = invalidate(graph, s => hit.has(s), mayMiss);
  const reason: RebuildReason = isIgnoreFile ? 'ignore-file'
    : readers.length && sent ? 'copied'
      : readers.length ? 'new-folder'
        : isDockerfile ? 'build-definition'
          : sent ? 'not-copied' : 'ignored';
  return {
    inContext: sent, reason, rel, readers, unbuiltReaders, first: inv.first, rerun: inv.rerun,
    conditional: conditionReasons(graph, inv.rerun, inv.conditional, mayMiss), newFolders, totalSteps: graph.totalSteps, graph,
  };
}

/** Why each conditional step may stay cached, in one "only if …" clause. */
function conditionReasons(graph: BuildGraph, rerun: readonly Step[], conditional: ReadonlySet<Step>, mayMiss?: (s: Step) => boolean): Map<Step, string> {
  const out = new Map<Step, string>();
  const stageName = (i: number) => graph.model.stages[i]?.name ?? String(i);
  for (const step of rerun) {
    if (!conditional.has(step)) continue;
    const changedFrom = step.inputs.fromStages.filter(f => f !== step.stage && rerun.some(r => r.stage === f));
    const earlier = rerun.filter(r => r.stage === step.stage && r.line < step.line && conditional.has(r)).pop();
    if (mayMiss?.(step)) out.set(step, 'only if the edit changes which of the files it copies reach the builder');
    else if (changedFrom.length) out.set(step, `only if the files it takes from stage ${changedFrom.map(stageName).join(', ')} come out different`);
    else if (earlier) out.set(step, `only if line ${earlier.line} re-runs`);
    else out.set(step, `only if stage ${stageName(graph.model.stages[step.stage].parent ?? step.stage)} changes`);
  }
  return out;
}


export function toJson(dockerfile: string, a: RebuildAnswer): RebuildJson {
  return {
    dockerfile,
    inContext: a.inContext,
    firstInvalidatedLine: a.first?.line ?? null,
    rerunLines: a.rerun.map(s => s.line),
    conditionalLines: a.rerun.filter(s => a.conditional.has(s)).map(s => ({ line: s.line, reason: a.conditional.get(s)! })),
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
    case 'new-folder': {
      const folder = a.newFolders?.[0] ?? '';
      const maybe = conditionalNote(a);
      return `${fileLabel} is excluded by ${ignoreLabel ?? '.dockerignore'}, but creating it creates the folder ${folder}/, which the builder receives even when empty: ` +
        `re-runs ${a.rerun.length} of ${a.totalSteps} steps, from line ${a.first?.line}${maybe ? ` (${maybe})` : ''}`;
    }
    case 'ignore-file': {
      if (a.rerun.length === 0) return `${fileLabel} decides what the builder receives, but no step copies from the build context: editing it re-runs nothing`;
      const certain = a.rerun.length - a.conditional.size;
      const sent = a.inContext ? '' : ' (it excludes itself, so an edit that leaves the sent files alone re-runs nothing)';
      return `editing ${fileLabel} re-runs up to ${a.rerun.length} of ${a.totalSteps} steps, from line ${a.first?.line}` +
        `${certain ? ` (${certain} certainly: it is copied itself)` : ''}: those that copy from the context re-run when the edit changes which files are sent${sent}`;
    }
    case 'build-definition':
      return `${fileLabel} is this build's Dockerfile${a.rel !== undefined && !a.inContext ? `, excluded from its context by ${ignoreLabel ?? '.dockerignore'}` : ''}: ` +
        'no step copies it, but editing an instruction re-runs that step and the steps after it';
  }
}

/** "2 of them only if the files taken from stage build change", or '' when every re-run is certain. */
export function conditionalNote(a: RebuildAnswer): string {
  if (a.conditional.size === 0) return '';
  const stages = new Set<string>();
  for (const step of a.conditional.keys()) {
    for (const f of step.inputs.fromStages) if (a.graph.model.stages[f]) stages.add(a.graph.model.stages[f].name ?? String(f));
  }
  const names = [...stages];
  return `${a.conditional.size} of them only if the files taken from ${names.length ? `stage ${names.join(', ')}` : 'an earlier stage'} change`;
}
