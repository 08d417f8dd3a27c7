/**
 * The build timeline: what each Dockerfile step did in one build (cached, ran for how long, failed),
 * and the words a person reads about it. Shared by the CLI, the language server and the VS Code client;
 * no `vscode` import here.
 */
import { formatDuration } from '../format';
import { reasonDetail, reasonJson, reasonShort, type MissReason } from './missReasons';

/** One Dockerfile step of a build, as the engine reported it. */
export interface StepRecord {
  /** BuildKit's vertex number (`#N`), or podman's STEP number. */
  readonly vertex: number;
  /** The step as the engine named it, without the `[stage i/n]` prefix, e.g. `RUN pip install -r requirements.txt`. */
  readonly name: string;
  /** Stage name as printed by the engine (`deps`, `stage-1`), when there was one. */
  readonly stage?: string;
  /** Position of the step in its stage (`i` of `[i/n]`) and the stage's step count (`n`). */
  readonly index?: number;
  readonly total?: number;
  /** 1-based line of the Dockerfile instruction; undefined when the step could not be matched to a line. */
  readonly line?: number;
  /** 1-based last line of the instruction (continuation lines). */
  readonly endLine?: number;
  /**
   * The instruction's text in the Dockerfile at build time, whitespace-normalised: lets the language
   * server find the instruction again after edits moved it.
   */
  readonly source?: string;
  /** The engine reused the cached result (for FROM: nothing had to be pulled). */
  readonly cached: boolean;
  /** Seconds the step ran (0 when cached). */
  readonly seconds: number;
  readonly error: boolean;
  /** The engine's error text for a failed step. */
  readonly errorMessage?: string;
  /** The step was cancelled (another step failed, or the build was stopped). */
  readonly canceled?: boolean;
  /** The step started but the build ended before it finished. */
  readonly incomplete?: boolean;
  /** The last lines the step printed (bounded), for hovers and failure reports. */
  readonly logs?: readonly string[];
  /**
   * BuildKit ran this step once for several lines (equal stages merge): the line whose vertex it
   * printed. This record is that result seen from another line.
   */
  readonly sharedWith?: number;
  /** The cached result came from an imported cache source (`--cache-from`), not the local cache (see cacheImport.ts). */
  readonly imported?: boolean;
  /** Why the step ran (not cached), when the build was recorded and compared with earlier ones. */
  readonly reason?: MissReason;
}

/** One build of one Dockerfile. */
export interface BuildTimeline {
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  readonly steps: readonly StepRecord[];
  readonly cachedSteps: number;
  readonly totalSteps: number;
  /** Wall-clock seconds of the whole build (steps run in parallel, so this is not their sum). */
  readonly seconds: number;
  readonly success: boolean;
  /** Why the build failed, in one line, when it did. */
  readonly error?: string;
  /** ISO time the build finished. */
  readonly finishedAt: string;
  /** How it was built, e.g. `DOCKER_BUILDKIT=1 /usr/bin/docker build`. */
  readonly engine?: string;
  readonly tag?: string;
  /** The stage built (`--target`), when one was named. */
  readonly target?: string;
  /** The `--build-arg` values of the build: "what rebuilds" answers for the build as it was run. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** The `--cache-from` sources BuildKit imported (`importing cache manifest from …`) and whether that worked. */
  readonly cacheImports?: ReadonlyArray<{ readonly ref: string; readonly ok: boolean }>;
  /** What the engine left out of the request, e.g. a `--cache-to` a builder without buildx cannot export. */
  readonly notes?: readonly string[];
  /** Absolute path of the build context (the files a `files` reason names are relative to it). */
  readonly context?: string;
  /** Why the steps carry no cache-miss reasons, when recording was asked for and failed. */
  readonly historyNote?: string;
}

/** The CLI's `--format json` shape (the issue's contract: exactly these keys). */
export interface TimelineJson {
  /** Why the build failed (the engine's message), when it did; a build that failed before any step has no steps. */
  error?: string;
  /**
   * `error`: false, or the engine's message for the step that failed; `cancelled`: the failure (or
   * a stop) cut the step short; `sharedWith`: the line BuildKit ran this step for (merged stages).
   */
  steps: Array<{ line: number | null; instruction: string; cached: boolean; seconds: number; error: false | string; cancelled?: true; sharedWith?: number; imported?: true; reason?: ReturnType<typeof reasonJson> }>;
  cachedSteps: number;
  totalSteps: number;
  seconds: number;
}

/** Count cached steps and build the timeline record. */
export function makeTimeline(fields: Omit<BuildTimeline, 'cachedSteps' | 'totalSteps'>): BuildTimeline {
  return {
    ...fields,
    cachedSteps: fields.steps.filter(s => s.cached).length,
    totalSteps: fields.steps.length,
  };
}



/** `12/15 steps cached · 41.3 s` (and `· failed at line 9` when a step failed). */
export function summaryText(t: Pick<BuildTimeline, 'steps' | 'cachedSteps' | 'totalSteps' | 'seconds' | 'success'>): string {
  const secs = formatDuration(t.seconds);
  let text = `${t.cachedSteps}/${t.totalSteps} steps cached · ${secs}`;
  if (!t.success) {
    const failed = t.steps.find(s => s.error);
    text += failed ? ` · failed${failed.line ? ` at line ${failed.line}` : ''}` : ' · failed';
  }
  return text;
}

/** What a step did, in one or two words: `cached`, `ran 42.1s`, `failed after 0.1s`, `cancelled`. */
export function stepOutcome(s: StepRecord): string {
  if (s.sharedWith !== undefined && s.cached) return `cached (shared with line ${s.sharedWith})`;
  if (s.error) return s.seconds > 0 ? `failed after ${formatDuration(s.seconds)}` : 'failed';
  if (s.canceled) return 'cancelled';
  if (s.incomplete) return 'did not finish';
  if (s.cached) return s.imported ? 'cached (imported)' : 'cached';
  return `ran ${formatDuration(s.seconds)}`;
}

/** The outcome and, for a step that ran, why: `ran 41.2s — src/app.py and 3 more changed`. */
export function stepNote(s: StepRecord): string {
  return s.reason ? `${stepOutcome(s)} — ${reasonShort(s.reason)}` : stepOutcome(s);
}

/** The JSON contract of `dockerfile-cache-advisor build --format json`. */
export function timelineJson(t: BuildTimeline): TimelineJson {
  return {
    ...(!t.success ? { error: t.error ?? 'the build failed' } : {}),
    steps: t.steps.map(s => ({
      line: s.line ?? null,
      instruction: s.name,
      cached: s.cached,
      seconds: roundSeconds(s.seconds),
      error: s.error ? s.errorMessage ?? 'failed' : false,
      ...(s.canceled || s.incomplete ? { cancelled: true as const } : {}),
      ...(s.sharedWith !== undefined ? { sharedWith: s.sharedWith } : {}),
      ...(s.imported ? { imported: true as const } : {}),
      ...(s.reason ? { reason: reasonJson(s.reason) } : {}),
    })),
    cachedSteps: t.cachedSteps,
    totalSteps: t.totalSteps,
    seconds: roundSeconds(t.seconds),
  };
}

function roundSeconds(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The per-step table the CLI prints, followed by the summary line. */
export function formatTable(t: BuildTimeline, width = 60): string {
  const rows = t.steps.map(s => [s.line !== undefined ? String(s.line) : '-', truncate(s.name.replace(/\s+/g, ' '), width), stepNote(s)]);
  const w0 = Math.max(4, ...rows.map(r => r[0].length));
  const w1 = Math.max(4, ...rows.map(r => r[1].length));
  const lines = [`${'line'.padStart(w0)}  ${'step'.padEnd(w1)}  result`];
  for (const r of rows) lines.push(`${r[0].padStart(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
  const why = t.steps.filter(s => s.reason && s.reason.kind !== 'parent' && s.reason.kind !== 'first-build');
  if (why.length) {
    lines.push('', 'Why steps ran:');
    for (const s of why) lines.push(...reasonDetail(s.reason!).map((l, i) => (i === 0 ? `  line ${s.line}: ${l}` : `    ${l.replace(/^ {2}/, '')}`)));
  }
  lines.push('', summaryText(t));
  for (const c of t.cacheImports ?? []) lines.push(c.ok ? `cache imported from ${c.ref}` : `cache import from ${c.ref} failed`);
  for (const n of t.notes ?? []) lines.push(`note: ${n}`);
  if (!t.success && t.error) lines.push(`error: ${t.error}`);
  return lines.join('\n');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** Normalise an instruction's text for matching: continuation lines joined, runs of blanks collapsed. */
export function normaliseInstruction(text: string, escapeChar = '\\'): string {
  const esc = escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return text
    .replace(new RegExp(`${esc}[ \\t]*\\r?\\n`, 'g'), ' ')
    .replace(/^[ \t]*#.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A text edit in 0-based positions (what `vscode.TextDocumentContentChangeEvent` carries). */
export interface TextChange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
  readonly text: string;
}

/**
 * Follow edits: steps below a change move by the number of lines it added or removed; a step whose
 * instruction the change touched no longer describes the text and is dropped. Lines are 1-based
 * in the timeline and 0-based in the change. Whole lines inserted or deleted right above an
 * instruction leave it intact.
 */
export function shiftSteps<T extends Pick<StepRecord, 'line' | 'endLine'>>(steps: readonly T[], change: TextChange): T[] {
  const added = (change.text.match(/\n/g) ?? []).length;
  const delta = added - (change.end.line - change.start.line);
  const wholeLines = change.start.character === 0 && change.end.character === 0 && (change.text === '' || change.text.endsWith('\n'));
  // 0-based lines whose content changed: [first, last]; empty (last < first) for whole-line edits
  const first = change.start.line;
  const last = wholeLines ? change.end.line - 1 : change.end.line;
  const out: T[] = [];
  for (const s of steps) {
    if (s.line === undefined) { out.push(s); continue; }
    const start = s.line - 1;
    const end = (s.endLine ?? s.line) - 1;
    if (end < first) out.push(s);
    else if (start > last) {
      if (delta === 0) out.push(s);
      else out.push({ ...s, line: s.line + delta, endLine: (s.endLine ?? s.line) + delta });
    }
  }
  return out;
}
