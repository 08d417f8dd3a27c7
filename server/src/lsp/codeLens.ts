/**
 * CodeLens above each COPY/ADD of context files — what re-runs when they change — and above each
 * expensive RUN (installs, downloads, builds): what its cache depends on through the layer chain
 * ("cached unless: requirements.txt · src/") and, when a build timeline is known, how long it ran
 * last time. Each lens carries its full details for the client's quick pick. Pure.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { InstructionFact } from '../../../common/analysis/model';
import { chainDependencies, dependencyLabel, type Dependency } from '../buildContext/dependencies';
import { invalidate, type BuildGraph, type Step } from '../../../common/analysis/invalidation';
import type { LastRunSource } from '../buildContext/lastRun';
import { plural } from './hover';
import { formatDuration } from '../../../common/format';
import { LENS_DETAILS_COMMAND, type LensDetail, type LensDetailsArgs } from '../../../common/protocol';

/** How many dependencies a lens names before "+N more". */
export const LENS_DEPENDENCIES = 3;

const DOWNLOAD = /^(curl|wget|git|svn|hg|aria2c)$/;
const BUILD_TOOLS = /^(make|cmake|ninja|meson|gcc|g\+\+|cc|clang|rustc|javac|tsc|webpack|vite|esbuild|bazel|scons|msbuild|hugo|jekyll)$/;
const BUILD_SUBCOMMANDS: Record<string, RegExp> = {
  go: /^(build|install|generate|test)$/,
  cargo: /^(build|install|test)$/,
  dotnet: /^(build|publish|restore|test)$/,
  npm: /^(run|run-script)$/,
  yarn: /^(build|run)$/,
  pnpm: /^(build|run)$/,
  python: /^(setup\.py|-m)$/,
  python3: /^(setup\.py|-m)$/,
};

/** True for a RUN that installs, downloads or builds: the ones worth keeping cached. */
export function isExpensiveRun(inst: InstructionFact): boolean {
  const run = inst.run;
  if (!run) return false;
  if (run.invocations.some(i => i.action === 'install' || i.action === 'build' || i.action === 'update')) return true;
  return run.script.commands.some(c => {
    const words = c.words.map(w => w.value ?? '');
    const tool = (words[0] ?? '').replace(/^.*\//, '');
    if (DOWNLOAD.test(tool)) return tool !== 'git' || /^(clone|fetch|pull|submodule)$/.test(words[1] ?? '');
    if (BUILD_TOOLS.test(tool)) return true;
    const sub = BUILD_SUBCOMMANDS[tool];
    return !!sub && sub.test(words[1] ?? '');
  });
}

/** The client command a lens runs: a quick pick of every detail, each revealing its line. */

/**
 * How many rows a lens carries for its quick pick. Every lens travels with its rows, so without a bound
 * a file of a thousand COPYs would send a million of them on each request.
 */
export const LENS_DETAIL_ROWS = 60;

const texts = new WeakMap<Step, string>();

/** First line of an instruction, shortened for a quick-pick row (the AST recomputes it on each call). */
function instructionText(step: Step): string {
  let text = texts.get(step);
  if (text === undefined) {
    const first = step.instruction.node.getTextContent().split(/\r?\n/)[0].replace(/\s*\\$/, '').trim();
    text = first.length > 100 ? `${first.slice(0, 99)}…` : first;
    texts.set(step, text);
  }
  return text;
}

/** Rows for the first {@link LENS_DETAIL_ROWS} - 1 items, then one that says how many more and goes to the last. */
function bounded<T>(items: readonly T[], row: (item: T) => LensDetail, what: string): LensDetail[] {
  if (items.length <= LENS_DETAIL_ROWS) return items.map(row);
  const last = row(items[items.length - 1]);
  const more = items.length - LENS_DETAIL_ROWS + 1;
  return [...items.slice(0, LENS_DETAIL_ROWS - 1).map(row), { label: `… and ${more} more ${what}`, description: `to line ${last.line}`, line: last.line }];
}

const stageLabel = (graph: BuildGraph, stage: number) => `stage ${graph.model.stages[stage].name ?? stage}`;

/** Labels that fit on a lens: the first few, then "+N more" (the click lists them all). */
function shortList(labels: string[]): string {
  const named = labels.slice(0, LENS_DEPENDENCIES);
  if (labels.length > LENS_DEPENDENCIES) named.push(`+${labels.length - LENS_DEPENDENCIES} more`);
  return named.join(' · ');
}

/**
 * "cached unless: requirements.txt · src/ · stage deps". Every step re-runs when an earlier one
 * does, so that clause is only spelt out when nothing else can bust the cache.
 */
export function lensTitle(graph: BuildGraph, step: Step, lastSeconds?: number, deps = chainDependencies(graph, step)): string {
  const unique = [...new Set(deps.map(dependencyLabel))];
  const timing = lastSeconds !== undefined ? `  ·  last run ${lastSeconds === 0 ? 'cached' : formatDuration(lastSeconds)}` : '';
  return `${unique.length ? `cached unless: ${shortList(unique)}` : 'cached unless an earlier step changes'}${timing}`;
}

/** Rows of a RUN lens: every dependency (none hidden behind "+N more"), at the step that brings it in. */
function runDetails(deps: readonly Dependency[]): LensDetail[] {
  const firsts = new Map<string, Dependency>();
  for (const d of deps) {
    const label = dependencyLabel(d);
    if (!firsts.has(label)) firsts.set(label, d);
  }
  return bounded([...firsts], ([label, d]) => ({ label, description: `line ${d.step.line}: ${instructionText(d.step)}`, line: d.step.line }), 'inputs');
}

/** What a cache miss at one COPY/ADD re-runs: the steps in file order, and those that only may re-run. */
export interface CopyRerun {
  readonly rerun: readonly Step[];
  readonly conditional: ReadonlySet<Step>;
}

/**
 * `invalidate(graph, s => s === step)` for every COPY/ADD that reads the context, in one propagation per
 * stage instead of one per COPY (a 2,000-line file has a thousand of them). A miss anywhere in a stage
 * changes that stage, so what re-runs in the other stages is the same for all its COPYs (stages cannot
 * depend on each other in a cycle); within the stage, every later step re-runs, except that a
 * `COPY --link` does not follow the chain and only may re-run when it copies from a changed stage.
 */
export function copyReruns(graph: BuildGraph): Map<Step, CopyRerun> {
  const out = new Map<Step, CopyRerun>();
  graph.stageSteps.forEach((steps, stage) => {
    const copies = steps.filter(isContextCopy);
    if (!copies.length || !graph.built.has(stage)) return;
    const whole = invalidate(graph, s => s === copies[0]);
    const elsewhere = whole.rerun.filter(s => s.stage !== stage);
    const conditionalElsewhere = [...whole.conditional].filter(s => s.stage !== stage);
    // a --link step re-runs (conditionally) for every COPY above it, or for none
    const linkedMayRerun = new Set(steps.filter(s => s.inputs.link && s.inputs.fromStages.some(f => f !== stage && whole.changedStages.has(f))));
    for (const copy of copies) {
      const here = steps.slice(steps.indexOf(copy)).filter(s => s === copy || !s.inputs.link || linkedMayRerun.has(s));
      const conditional = new Set([...conditionalElsewhere, ...here.filter(s => linkedMayRerun.has(s))]);
      out.set(copy, { rerun: mergeInFileOrder(here, elsewhere), conditional });
    }
  });
  return out;
}

/** Two lists of steps, each in file order, as one. */
function mergeInFileOrder(a: readonly Step[], b: readonly Step[]): Step[] {
  const out: Step[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].instruction.index < b[j].instruction.index)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

function isContextCopy(step: Step): boolean {
  return (step.keyword === 'COPY' || step.keyword === 'ADD') && step.inputs.reads.length > 0;
}

/** "changing requirements.txt re-runs 3 steps (2 in stage build, stage final)" for a COPY/ADD of context files. */
export function copyLensTitle(graph: BuildGraph, step: Step, { rerun }: CopyRerun): string {
  const labels = [...new Set(step.inputs.reads.map(r => (r.pattern === '' ? 'any context file' : r.display.replace(/^\.\//, ''))))];
  const others = rerun.filter(s => s.stage !== step.stage);
  const stages = [...new Set(others.map(s => s.stage))].map(i => stageLabel(graph, i));
  const elsewhere = others.length ? ` (${others.length} in ${stages.join(', ')})` : '';
  return `changing ${shortList(labels)} re-runs ${plural(rerun.length, 'step')}${elsewhere}`;
}

/** Rows of a COPY/ADD lens: every step that re-runs, in build order. */
function copyDetails(graph: BuildGraph, step: Step, { rerun, conditional }: CopyRerun): LensDetail[] {
  return bounded(rerun, s => {
    const where = s.stage === step.stage ? '' : ` in ${stageLabel(graph, s.stage)}`;
    const what = s === step ? 'first cache miss' : conditional.has(s) ? 'may re-run (if the files it takes from another stage differ)' : 're-runs';
    return { label: `line ${s.line}: ${instructionText(s)}`, description: what + where, line: s.line };
  }, 'steps');
}

/**
 * Lenses for a Dockerfile: above each COPY/ADD of context files, what re-runs when they change;
 * above each expensive RUN, what its cache depends on. A click lists the details.
 */
export function runCodeLenses(graph: BuildGraph, uri: string, lastRun?: LastRunSource): CodeLens[] {
  const lenses: CodeLens[] = [];
  const reruns = copyReruns(graph);
  for (const steps of graph.stageSteps) {
    for (const step of steps) {
      const start = step.instruction.range.start;
      const lens = (title: string, details: LensDetail[]) => {
        const args: LensDetailsArgs = [uri, title, details];
        lenses.push({ range: { start, end: start }, command: { title, command: LENS_DETAILS_COMMAND, arguments: args } });
      };
      const rerun = reruns.get(step);
      if (rerun) {
        lens(copyLensTitle(graph, step, rerun), copyDetails(graph, step, rerun));
      } else if (step.keyword === 'RUN' && isExpensiveRun(step.instruction)) {
        const seconds = lastRun?.stepSeconds(uri, step.line, graph.model);
        const deps = chainDependencies(graph, step);
        lens(lensTitle(graph, step, seconds, deps), runDetails(deps));
      }
    }
  }
  return lenses;
}
