/**
 * Optional hook for step durations of the last build ("last run 3m12s", "last measured 38 s").
 * The build timeline (issue 4) is meant to plug in here with setLastRunSource(); until something
 * does, hover, CodeLens and why-rebuild simply leave durations out.
 */

/** Seconds each step took in the last build of a Dockerfile. */
export interface LastRunSource {
  /** Seconds the step at this 1-based instruction line ran last time (0 when cached); undefined when unknown. */
  stepSeconds(dockerfileUri: string, line: number): number | undefined;
}

let source: LastRunSource | undefined;

export function setLastRunSource(s: LastRunSource | undefined): void {
  source = s;
}

export function lastRunSource(): LastRunSource | undefined {
  return source;
}

/** Sum of the last measured durations of some steps; undefined when none of them was measured. */
export function measuredSeconds(src: LastRunSource | undefined, uri: string, lines: readonly number[]): number | undefined {
  if (!src) return undefined;
  let total: number | undefined;
  for (const l of lines) {
    const s = src.stepSeconds(uri, l);
    if (s !== undefined) total = (total ?? 0) + s;
  }
  return total;
}
