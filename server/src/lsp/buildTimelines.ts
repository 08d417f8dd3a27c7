/**
 * The last build's timeline per Dockerfile, as the client reports it (notification
 * `cacheAdvisor/buildTimeline`), and what it adds to the diagnostics: a caching finding on a step
 * that really re-ran and took a while says so ("re-ran in the last build: 3m12s").
 */
import type { DockerfileModel } from '../../../common/analysis/model';
import { normaliseInstruction, type BuildTimeline, type StepRecord } from '../../../common/docker/timeline';
import type { LintResult } from '../lint/linter';
import type { LintedModel } from '../lint/fileKind';
import type { Finding } from '../rules/types';
import { formatDuration } from '../../../common/format';
import type { BuildTimelineParams } from '../../../common/protocol';


/** Steps shorter than this are not worth a word in a diagnostic. */
const isDockerfileModel = (m: LintedModel): m is LintedModel & DockerfileModel => 'instructions' in m;

export const LONG_STEP_SECONDS = 1;

function isStep(s: unknown): s is StepRecord {
  const r = s as Partial<StepRecord>;
  return !!r && typeof r.name === 'string' && typeof r.cached === 'boolean' && typeof r.seconds === 'number' && Number.isFinite(r.seconds) &&
    (r.line === undefined || r.line === null || typeof r.line === 'number') && (r.source === undefined || typeof r.source === 'string');
}

export class TimelineStore {
  private readonly byUri = new Map<string, BuildTimeline>();

  /** Take a notification's params; false when they are malformed (ignored). */
  accept(params: unknown): params is BuildTimelineParams {
    const p = params as Partial<BuildTimelineParams>;
    if (!p || typeof p.uri !== 'string') return false;
    if (p.timeline === null || p.timeline === undefined) { this.byUri.delete(p.uri); return true; }
    if (!Array.isArray(p.timeline.steps) || !p.timeline.steps.every(isStep)) return false;
    this.byUri.set(p.uri, p.timeline);
    if (this.byUri.size > 200) this.byUri.delete(this.byUri.keys().next().value as string);
    return true;
  }

  get(uri: string): BuildTimeline | undefined {
    return this.byUri.get(uri);
  }

  /** The lint result with findings annotated from the document's last build. */
  annotate<M extends LintedModel>(uri: string, result: LintResult<M>): LintResult<M> {
    const t = this.byUri.get(uri);
    // a build timeline is a Dockerfile's: other kinds' findings stay as they are
    if (!t || !result.model || !isDockerfileModel(result.model)) return result;
    return { ...result, findings: annotateFindings(result.findings, result.model, t) };
  }
}

/**
 * Find the step of the instruction a finding is on. Matched by the instruction's text (lines move
 * when the file is edited; an instruction edited since the build has no step any more), the nearest
 * by line when the same text occurs twice.
 */
export function stepFor(model: DockerfileModel, line: number, timeline: BuildTimeline): StepRecord | undefined {
  const inst = model.instructions.find(i => i.range.start.line <= line && line <= i.range.end.line);
  if (!inst) return undefined;
  const text = normaliseInstruction(model.text.slice(model.document.offsetAt(inst.range.start), model.document.offsetAt(inst.range.end)), model.escapeChar);
  const here = inst.range.start.line + 1;
  let best: StepRecord | undefined;
  for (const s of timeline.steps) {
    if (s.source !== text) continue;
    if (!best || Math.abs((s.line ?? 0) - here) < Math.abs((best.line ?? 0) - here)) best = s;
  }
  return best;
}

export function annotateFindings(findings: readonly Finding[], model: DockerfileModel, timeline: BuildTimeline): Finding[] {
  return findings.map(f => {
    const step = stepFor(model, f.range.start.line, timeline);
    if (!step || step.cached || step.error || step.seconds < LONG_STEP_SECONDS) return f;
    return { ...f, message: `${f.message} (re-ran in the last build: ${formatDuration(step.seconds)})` };
  });
}
