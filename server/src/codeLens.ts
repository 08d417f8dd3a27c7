/**
 * CodeLens above each COPY/ADD of context files — what re-runs when they change — and above each
 * expensive RUN (installs, downloads, builds): what its cache depends on through the layer chain
 * ("cached unless: requirements.txt · src/") and, when a build timeline is known, how long it ran
 * last time. Each lens carries its full details for the client's quick pick. Pure.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { InstructionFact } from './analysis/model';
import { chainDependencies, dependencyLabel } from './context/dependencies';
import { invalidate, type BuildGraph, type Step } from './context/invalidation';
import type { LastRunSource } from './context/lastRun';
import { formatDuration } from './context/listing';
import { plural } from './hover';

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
export const LENS_DETAILS_COMMAND = 'cacheAdvisor.showLensDetails';

/** One row of a lens's quick pick. */
export interface LensDetail {
  readonly label: string;
  readonly description?: string;
  /** 1-based line the row reveals. */
  readonly line: number;
}

/** Arguments of {@link LENS_DETAILS_COMMAND}: the Dockerfile, the pick's title and its rows. */
export type LensDetailsArgs = [uri: string, title: string, details: LensDetail[]];

/** First line of an instruction, shortened for a quick-pick row. */
function instructionText(step: Step): string {
  const first = step.instruction.node.getTextContent().split(/\r?\n/)[0].replace(/\s*\\$/, '').trim();
  return first.length > 100 ? `${first.slice(0, 99)}…` : first;
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
export function lensTitle(graph: BuildGraph, step: Step, lastSeconds?: number): string {
  const unique = [...new Set(chainDependencies(graph, step).map(dependencyLabel))];
  const timing = lastSeconds !== undefined ? `  ·  last run ${lastSeconds === 0 ? 'cached' : formatDuration(lastSeconds * 1000)}` : '';
  return `${unique.length ? `cached unless: ${shortList(unique)}` : 'cached unless an earlier step changes'}${timing}`;
}

/** Rows of a RUN lens: every dependency (none hidden behind "+N more"), at the step that brings it in. */
function runDetails(graph: BuildGraph, step: Step): LensDetail[] {
  const seen = new Set<string>();
  const rows: LensDetail[] = [];
  for (const d of chainDependencies(graph, step)) {
    const label = dependencyLabel(d);
    if (seen.has(label)) continue;
    seen.add(label);
    rows.push({ label, description: `line ${d.step.line}: ${instructionText(d.step)}`, line: d.step.line });
  }
  return rows;
}

/** "changing requirements.txt re-runs 3 steps (2 in stage build, stage final)" for a COPY/ADD of context files. */
export function copyLensTitle(graph: BuildGraph, step: Step): string {
  const { rerun } = invalidate(graph, s => s === step);
  const labels = [...new Set(step.inputs.reads.map(r => (r.pattern === '' ? 'any context file' : r.display.replace(/^\.\//, ''))))];
  const others = rerun.filter(s => s.stage !== step.stage);
  const stages = [...new Set(others.map(s => stageLabel(graph, s.stage)))];
  const elsewhere = others.length ? ` (${others.length} in ${stages.join(', ')})` : '';
  return `changing ${shortList(labels)} re-runs ${plural(rerun.length, 'step')}${elsewhere}`;
}

/** Rows of a COPY/ADD lens: every step that re-runs, in build order. */
function copyDetails(graph: BuildGraph, step: Step): LensDetail[] {
  const { rerun } = invalidate(graph, s => s === step);
  return rerun.map(s => ({
    label: `line ${s.line}: ${instructionText(s)}`,
    description: s === step ? 'first cache miss' : s.stage === step.stage ? 're-runs' : `re-runs in ${stageLabel(graph, s.stage)}`,
    line: s.line,
  }));
}

/**
 * Lenses for a Dockerfile: above each COPY/ADD of context files, what re-runs when they change;
 * above each expensive RUN, what its cache depends on. A click lists the details.
 */
export function runCodeLenses(graph: BuildGraph, uri: string, lastRun?: LastRunSource): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const steps of graph.stageSteps) {
    for (const step of steps) {
      const start = step.instruction.range.start;
      const lens = (title: string, details: LensDetail[]) => {
        const args: LensDetailsArgs = [uri, title, details];
        lenses.push({ range: { start, end: start }, command: { title, command: LENS_DETAILS_COMMAND, arguments: args } });
      };
      if ((step.keyword === 'COPY' || step.keyword === 'ADD') && step.inputs.reads.length) {
        lens(copyLensTitle(graph, step), copyDetails(graph, step));
      } else if (step.keyword === 'RUN' && isExpensiveRun(step.instruction)) {
        const seconds = lastRun?.stepSeconds(uri, step.line, graph.model);
        lens(lensTitle(graph, step, seconds), runDetails(graph, step));
      }
    }
  }
  return lenses;
}
