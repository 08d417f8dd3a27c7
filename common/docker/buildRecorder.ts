/**
 * Records a build's snapshot and explains its cache misses: planned (the context hashed) while the
 * build runs, completed with the results when it ends, compared with the earlier builds of the same
 * Dockerfile and target, and stored. Never fails the build: a problem here only costs the reasons.
 */
import { completeSnapshot, planSnapshot, type PlanInput, type PlannedSnapshot, type SnapshotLimits } from './buildSnapshot';
import { missReasons } from './missReasons';
import { KEEP_BUILDS, loadHistory, saveSnapshot } from './snapshotStore';
import type { StepRecord } from './timeline';

/** Where snapshots go, and how the base images are looked up. */
export interface HistoryOptions {
  /** The folder of the history files (see snapshotStore). */
  readonly dir: string;
  /** Builds kept per Dockerfile and target (default KEEP_BUILDS). */
  readonly keep?: number;
  readonly limits?: Partial<SnapshotLimits>;
  /** The engine's ID of an image reference; undefined when it cannot say (the ID is then not compared). */
  readonly imageId?: (ref: string) => Promise<string | undefined>;
}

/** The build the recorder records: a snapshot's plan input, limits left to the recorder's options. */
export type RecorderInput = Omit<PlanInput, 'limits'>;

export class BuildRecorder {
  private readonly planned: Promise<PlannedSnapshot | Error>;

  /** Starts hashing the context at once: call it just before the build starts. */
  constructor(private readonly input: RecorderInput, private readonly options: HistoryOptions) {
    this.planned = planSnapshot({ ...input, limits: options.limits }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  }

  /** The build's steps with a `reason` on each that ran, and why there are none when there are none. */
  async finish(steps: readonly StepRecord[], finishedAt: string): Promise<{ steps: StepRecord[]; note?: string }> {
    const planned = await this.planned;
    if (planned instanceof Error) return { steps: [...steps], note: `no cache-miss reasons: ${planned.message}` };
    try {
      const ids = new Map<string, string>();
      for (const s of planned.steps) {
        if (s.image === undefined || s.image.toLowerCase() === 'scratch' || ids.has(s.image)) continue;
        const id = await this.options.imageId?.(s.image).catch(() => undefined);
        if (id) ids.set(s.image, id);
      }
      const snap = completeSnapshot(planned, steps, ids, finishedAt);
      const history = loadHistory(this.options.dir, snap.dockerfile, snap.target);
      const reasons = missReasons(snap, history);
      saveSnapshot(this.options.dir, snap, this.options.keep ?? KEEP_BUILDS);
      return {
        steps: steps.map(s => {
          const r = s.line !== undefined && s.sharedWith === undefined ? reasons.get(s.line) : undefined;
          return r ? { ...s, reason: r } : s;
        }),
      };
    } catch (e) {
      return { steps: [...steps], note: `no cache-miss reasons: ${(e as Error).message}` };
    }
  }
}
