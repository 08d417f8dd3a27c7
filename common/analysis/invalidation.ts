/**
 * The layer-cache model of a Dockerfile: which instructions are build steps, which stages a build
 * runs, and what re-runs when some steps miss the cache. Mirrors BuildKit:
 * - steps are FROM <image>, RUN, COPY, ADD and WORKDIR (ENV, LABEL, CMD … only change metadata);
 * - a cache miss re-runs every later step of the stage, except `COPY --link`, which does not depend
 *   on the layers below it;
 * - a stage built `FROM` a changed stage re-runs whole; a step that copies or mounts from a changed
 *   stage re-runs only if the files it takes come out different (BuildKit compares their content):
 *   such steps, and what follows them, are reported as `conditional`;
 * - only the stages the target needs are built (the last stage unless `--target` says otherwise).
 */
import type { DockerfileModel, InstructionFact } from './model';
import { stepInputs, type BuildArgs, type StepInputs } from './sources';

const STEP_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/** One build step. */
export interface Step {
  readonly instruction: InstructionFact;
  readonly stage: number;
  /** 1-based line of the instruction. */
  readonly line: number;
  readonly keyword: string;
  readonly inputs: StepInputs;
}

/** Steps by stage, stage dependencies, and the stages a target builds. */
export interface BuildGraph {
  readonly model: DockerfileModel;
  /** Steps of each stage in order; `FROM <image>` is a step (never invalidated by context files), `FROM <stage>` is not. */
  readonly stageSteps: readonly (readonly Step[])[];
  /** Stages each stage needs: its `FROM` parent and every stage it copies or mounts from. */
  readonly stageDeps: readonly ReadonlySet<number>[];
  /** Stages built for the target. */
  readonly built: ReadonlySet<number>;
  /** The target stage index; undefined when there are no stages. */
  readonly target?: number;
  /** Steps of the built stages (what `[stage i/n]` counts). */
  readonly totalSteps: number;
}

/** A target that names no stage. */
export class UnknownTargetError extends Error {}

/** Resolve `--target`: a stage name (case-insensitive) or index. */
export function resolveTarget(model: DockerfileModel, target: string | undefined): number | undefined {
  if (model.stages.length === 0) return undefined;
  if (target === undefined || target === '') return model.stages.length - 1;
  const byName = model.stages.findIndex(s => s.name?.toLowerCase() === target.toLowerCase());
  if (byName >= 0) return byName;
  if (/^\d+$/.test(target) && Number(target) < model.stages.length) return Number(target);
  const names = model.stages.map(s => s.name).filter(Boolean);
  throw new UnknownTargetError(`no stage '${target}' in this Dockerfile${names.length ? ` (stages: ${names.join(', ')})` : ''}`);
}

/**
 * Build the graph. `target`: a stage name or index to build (default: the last stage, like
 * `docker build`); `'all'` counts every stage, the view of a reader who wants "and dependent stages".
 * `args`: the build's `--build-arg` values, which decide the sources of `COPY ${SRC}/ …`.
 */
export function buildGraph(model: DockerfileModel, target?: string | 'all', args?: BuildArgs): BuildGraph {
  const stageSteps: Step[][] = [];
  const stageDeps: Set<number>[] = [];
  for (const stage of model.stages) {
    const steps: Step[] = [];
    const deps = new Set<number>();
    if (stage.parent !== undefined) deps.add(stage.parent);
    else steps.push({ instruction: stage.from, stage: stage.index, line: stage.from.range.start.line + 1, keyword: 'FROM', inputs: { reads: [], excludes: [], fromStages: [], fromImages: [stage.image], link: false } });
    for (const inst of stage.instructions) {
      if (inst.onbuild || !STEP_KEYWORDS.has(inst.keyword)) continue;
      const inputs = stepInputs(model, inst, args);
      inputs.fromStages.forEach(s => s !== stage.index && deps.add(s));
      steps.push({ instruction: inst, stage: stage.index, line: inst.range.start.line + 1, keyword: inst.keyword, inputs });
    }
    stageSteps.push(steps);
    stageDeps.push(deps);
  }
  const targetIndex = target === 'all' ? undefined : resolveTarget(model, target);
  const built = new Set<number>();
  if (target === 'all') model.stages.forEach(s => built.add(s.index));
  else if (targetIndex !== undefined) {
    const todo = [targetIndex];
    while (todo.length) {
      const s = todo.pop()!;
      if (built.has(s)) continue;
      built.add(s);
      stageDeps[s].forEach(d => todo.push(d));
    }
  }
  let totalSteps = 0;
  for (const s of built) totalSteps += stageSteps[s].length;
  return { model, stageSteps, stageDeps, built, target: targetIndex, totalSteps };
}

/** What a set of cache misses re-runs. */
export interface Invalidation {
  /** Re-run steps of the built stages, in file order (an upper bound: see `conditional`). */
  readonly rerun: readonly Step[];
  /** The first of them (file order), undefined when nothing re-runs. */
  readonly first?: Step;
  /**
   * Steps that re-run only if files taken from a changed stage (`COPY --from`, `--mount=…,from=`)
   * come out different: BuildKit checks their content and reuses the cache when they are identical.
   */
  readonly conditional: ReadonlySet<Step>;
  /** Stages whose result changes (or may change). */
  readonly changedStages: ReadonlySet<number>;
}

const NONE = 0;
const MAYBE = 1;
const CERTAIN = 2;

/**
 * Propagate cache misses. `misses(step)` is true for a step whose own inputs changed (a COPY of a
 * changed file); everything that follows from it through the layer chain and the stage graph re-runs.
 * `mayMiss(step)` is true for a step whose inputs change only with some edits (it and what follows
 * are conditional).
 */
export function invalidate(graph: BuildGraph, misses: (step: Step) => boolean, mayMiss?: (step: Step) => boolean): Invalidation {
  const stageLevel = new Array<number>(graph.stageSteps.length).fill(NONE);
  const level = new Map<Step, number>();
  // stages may name later stages by index in --from: iterate to a fixpoint
  for (let pass = 0; pass <= graph.stageSteps.length; pass++) {
    let moved = false;
    for (let s = 0; s < graph.stageSteps.length; s++) {
      if (!graph.built.has(s)) continue;
      const parent = graph.model.stages[s].parent;
      // a changed base changes every cache key above it
      let chain = parent !== undefined ? stageLevel[parent] : NONE;
      for (const step of graph.stageSteps[s]) {
        if (step.keyword === 'FROM') continue;
        const own = misses(step) ? CERTAIN : mayMiss?.(step) ? MAYBE : NONE;
        // files from another stage are compared by content: a re-run there may still leave them identical
        const fromOther = step.inputs.fromStages.some(f => f !== s && stageLevel[f] !== NONE) ? MAYBE : NONE;
        const lvl = Math.max(own, fromOther, step.inputs.link ? NONE : chain);
        if (lvl !== NONE && (level.get(step) ?? NONE) < lvl) { level.set(step, lvl); moved = true; }
        chain = Math.max(chain, lvl);
      }
      if (chain > stageLevel[s]) { stageLevel[s] = chain; moved = true; }
    }
    if (!moved) break;
  }
  const ordered = [...level.keys()].sort((a, b) => a.instruction.index - b.instruction.index);
  const conditional = new Set(ordered.filter(s => level.get(s) === MAYBE));
  const changedStages = new Set<number>();
  stageLevel.forEach((l, i) => l !== NONE && changedStages.add(i));
  return { rerun: ordered, first: ordered[0], conditional, changedStages };
}

