/**
 * Hover on COPY/ADD: what re-runs when the files it copies change, then those context files
 * (after .dockerignore). Pure: the caller hands in the listing and the ignore spec.
 */
import type { Hover, Position } from 'vscode-languageserver-types';
import type { DockerfileModel } from '../../../common/analysis/model';
import { filesReadBy } from '../buildContext/dependencies';
import type { IgnoreSpec } from '../buildContext/ignore';
import { invalidate, type BuildGraph, type Step } from '../../../common/analysis/invalidation';
import { type ContextListing } from '../buildContext/listing';
import { formatBytes } from '../../../common/format';

/** How many paths a hover lists before "… N more". */
export const HOVER_PATHS = 6;

export interface HoverContext {
  readonly model: DockerfileModel;
  /** The graph of all stages (hover speaks of dependent stages whatever the target). */
  readonly graph: BuildGraph;
  readonly ignore: IgnoreSpec;
  /** Folder ignore-file names are shown relative to. */
  readonly contextDir: string;
  /** The context listing, only computed when a hover needs it. */
  readonly listing: () => ContextListing;
}

export const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

function stageName(graph: BuildGraph, stage: number): string {
  return graph.model.stages[stage].name ?? `stage ${stage}`;
}

/** Step of the COPY/ADD instruction at `pos`, if any. */
export function stepAt(graph: BuildGraph, pos: Position): Step | undefined {
  for (const steps of graph.stageSteps) {
    for (const s of steps) {
      const r = s.instruction.range;
      if ((s.keyword === 'COPY' || s.keyword === 'ADD') && pos.line >= r.start.line && pos.line <= r.end.line) return s;
    }
  }
  return undefined;
}

/** "re-runs this step and 4 later steps of this stage (and 3 in dependent stages: final)" */
export function rerunSentence(graph: BuildGraph, step: Step): string {
  const { rerun } = invalidate(graph, s => s === step);
  const later = rerun.filter(s => s !== step && s.stage === step.stage).length;
  const others = rerun.filter(s => s.stage !== step.stage);
  const stageNames = [...new Set(others.map(s => stageName(graph, s.stage)))];
  const dependent = others.length ? ` (and ${plural(others.length, 'step')} in dependent stages: ${stageNames.join(', ')})` : ' (no other stage depends on it)';
  return `re-runs ${later === 0 ? 'this step' : `this step and ${plural(later, 'later step')} of this stage`}${dependent}`;
}

export function copyHover(ctx: HoverContext, pos: Position): Hover | null {
  const step = stepAt(ctx.graph, pos);
  if (!step || !step.instruction.copy) return null;
  const copy = step.instruction.copy;
  const lines: string[] = [];
  const kw = step.keyword;
  if (copy.from !== undefined) {
    const f = step.inputs.fromStages[0];
    if (f !== undefined) {
      const st = ctx.model.stages[f];
      lines.push(`**${kw} --from=${copy.from}**: when the files it copies change there, it ${rerunSentence(ctx.graph, step)}.`);
      lines.push('', `It copies from stage \`${st.name ?? f}\` (line ${st.from.range.start.line + 1}), not from the build context.`);
    } else {
      lines.push(`**${kw} --from=${copy.from}** copies from the image \`${copy.from}\`: cached until that reference resolves to a different image.`);
    }
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: step.instruction.range };
  }
  if (copy.heredoc) {
    lines.push(`**${kw}** of an inline heredoc: it reads nothing from the build context and re-runs only when its text (or an earlier step) changes.`);
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: step.instruction.range };
  }
  const remote = copy.sources.filter(s => /^(https?|git|ssh):\/\/|^git@/.test(s.value));
  if (step.inputs.reads.length === 0 && remote.length) {
    lines.push(`**ADD** downloads ${remote.map(r => `\`${r.value}\``).join(', ')}: nothing from the build context.`);
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: step.instruction.range };
  }
  const listing = ctx.listing();
  const files = filesReadBy(step, listing);
  const total = files.reduce((n, f) => n + f.size, 0);
  const ignoreNote = ctx.ignore.file ? `after \`${ctx.ignore.describe(ctx.contextDir)}\`` : 'there is no .dockerignore';
  const atLeast = listing.complete ? '' : 'at least ';
  // what re-runs is the answer most hovers are for: first, above a file list that may be long
  lines.push(`**${kw}**: changing what it copies ${rerunSentence(ctx.graph, step)}.`, '');
  if (files.length === 0 && listing.complete) {
    lines.push(`It matches no file of the build context (${ignoreNote}): ${step.inputs.reads.map(r => `\`${r.display}\``).join(', ')}.`);
  } else {
    lines.push(`It copies ${atLeast}${plural(files.length, 'file')}, ${atLeast}${formatBytes(total)} from the build context (${ignoreNote}):`, '');
    for (const f of files.slice(0, HOVER_PATHS)) lines.push(`- \`${f.rel}\` — ${formatBytes(f.size)}`);
    if (files.length > HOVER_PATHS) lines.push(`- … and ${atLeast}${files.length - HOVER_PATHS} more`);
    if (!listing.complete) lines.push('', '_The context listing stopped early (a very large folder); counts are lower bounds._');
  }
  if (remote.length) lines.push('', `It also downloads ${remote.map(r => `\`${r.value}\``).join(', ')}.`);
  return { contents: { kind: 'markdown', value: lines.join('\n') }, range: step.instruction.range };
}
