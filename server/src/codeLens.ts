/**
 * CodeLens above each expensive RUN (installs, downloads, builds): what its cache depends on through
 * the layer chain — "cached unless: requirements.txt · any earlier step" — and, when a build
 * timeline is known, how long it ran last time. Pure.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { InstructionFact } from './analysis/model';
import { chainDependencies, dependencyLabel } from './context/dependencies';
import type { BuildGraph, Step } from './context/invalidation';
import type { LastRunSource } from './context/lastRun';
import { formatDuration } from './context/listing';

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

/** "cached unless: requirements.txt · src/ · stage deps · any earlier step" */
export function lensTitle(graph: BuildGraph, step: Step, lastSeconds?: number): string {
  const deps = chainDependencies(graph, step).map(dependencyLabel);
  const unique = [...new Set(deps)];
  const named = unique.slice(0, LENS_DEPENDENCIES);
  if (unique.length > LENS_DEPENDENCIES) named.push(`+${unique.length - LENS_DEPENDENCIES} more`);
  named.push('any earlier step');
  const timing = lastSeconds !== undefined ? `  ·  last run ${lastSeconds === 0 ? 'cached' : formatDuration(lastSeconds * 1000)}` : '';
  return `cached unless: ${named.join(' · ')}${timing}`;
}

/** Lenses for a Dockerfile: one above each expensive RUN of any stage. */
export function runCodeLenses(graph: BuildGraph, uri: string, lastRun?: LastRunSource): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const steps of graph.stageSteps) {
    for (const step of steps) {
      if (step.keyword !== 'RUN' || !isExpensiveRun(step.instruction)) continue;
      const seconds = lastRun?.stepSeconds(uri, step.line, graph.model);
      const start = step.instruction.range.start;
      lenses.push({
        range: { start, end: start },
        // a title-only lens: nothing to click, it is an explanation
        command: { title: lensTitle(graph, step, seconds), command: '' },
      });
    }
  }
  return lenses;
}
