/**
 * Step durations of the last build ("last run 3m12s", "last measured 38 s"), read from the build
 * timeline the client reports to the server (server/src/lsp/buildTimelines.ts). Steps are found by their
 * instruction text, so edits that move lines keep their timings.
 */
import type { DockerfileModel } from '../../../common/analysis/model';
import type { BuildTimeline } from '../../../common/docker/timeline';
import { stepFor } from '../lsp/buildTimelines';

/** Seconds each step took in the last build of a Dockerfile. */
export interface LastRunSource {
  /** Seconds the step at this 1-based line ran in the last build (0 when it was cached); undefined when unknown. */
  stepSeconds(dockerfileUri: string, line: number, model: DockerfileModel): number | undefined;
  /** How the Dockerfile was last built: its `--build-arg` values and target, when known. */
  lastBuild?(dockerfileUri: string): { readonly buildArgs?: Readonly<Record<string, string>>; readonly target?: string } | undefined;
}

/** A LastRunSource over the server's timeline store. */
export function timelineLastRun(store: { get(uri: string): BuildTimeline | undefined }): LastRunSource {
  return {
    stepSeconds(uri, line, model) {
      const t = store.get(uri);
      if (!t) return undefined;
      const step = stepFor(model, line - 1, t);
      if (!step || step.error) return undefined;
      return step.cached ? 0 : step.seconds;
    },
    lastBuild(uri) {
      const t = store.get(uri);
      if (!t) return undefined;
      // the timeline came over the wire: take only well-formed values
      const args = Object.entries(t.buildArgs ?? {}).filter(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === 'string');
      return { buildArgs: Object.fromEntries(args), target: typeof t.target === 'string' ? t.target : undefined };
    },
  };
}

/** Sum of the last measured run times of some steps (cached ones say nothing); undefined when none ran. */
export function measuredSeconds(src: LastRunSource | undefined, uri: string, lines: readonly number[], model: DockerfileModel): number | undefined {
  if (!src) return undefined;
  let total: number | undefined;
  for (const l of lines) {
    const s = src.stepSeconds(uri, l, model);
    if (s !== undefined && s > 0) total = (total ?? 0) + s;
  }
  return total;
}
