/**
 * A build snapshot: what each step of one build of one Dockerfile and target saw (its instruction
 * after ARG/ENV expansion, the build args in scope, the base image ID, the content of every
 * build-context file it copies or mounts) and whether it was cached. The next build compares against
 * it to say why a step ran (missReasons.ts). No `vscode` here: the CLI and the client share it.
 *
 * The snapshot never holds a secret in clear: values of variables whose name looks like a token or
 * password are stored as a short hash, which is enough to tell that they changed.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { From } from 'dockerfile-ast';
import { analyze, expandVars, propertiesOf } from '../analysis/analyze';
import { patternList, type PatternList } from '../analysis/dockerPattern';
import { readIgnorePatterns } from '../ignoreFile';
import { listForWalk } from '../boundedRead';
import { buildGraph, type Step } from '../analysis/invalidation';
import type { DockerfileModel } from '../analysis/model';
import { readsOf, stepScope, type BuildArgs } from '../analysis/sources';
import { SECRET_NAME } from './missReasons';
import { normaliseInstruction, type StepRecord } from './timeline';

/** What a step did in the build the snapshot records. */
export type StepResult = 'cached' | 'ran' | 'failed' | 'cancelled' | 'not-run';

/** One build step as the snapshot records it. */
export interface SnapshotStep {
  /** 1-based line of the instruction. */
  readonly line: number;
  /** Stage name (or index) and position in the stage: finds the same step in another build after edits moved it. */
  readonly key: string;
  /** The stage's name, else its index, as `--no-cache-filter` names it. */
  readonly stage: string;
  readonly keyword: string;
  /** The instruction as written, whitespace-normalised. */
  readonly source: string;
  /** The instruction after ARG/ENV expansion (secret-looking values replaced by their hash). */
  readonly expanded: string;
  /** Build args in scope (ARGs declared in the stage or redeclared globals): name → value. */
  readonly args: Readonly<Record<string, string>>;
  /** ENV values the Dockerfile set in scope: name → [value, line of the ENV]. */
  readonly env: Readonly<Record<string, readonly [string, number]>>;
  /** The user a RUN runs as. */
  readonly user?: string;
  /** FROM: the image reference after expansion, and its ID in the engine (when it could be inspected). */
  readonly image?: string;
  readonly imageId?: string;
  /** Build-context files the step reads, as indices into the snapshot's `paths`; absent when it reads none. */
  readonly files?: readonly number[];
  /** True when the step copies the whole context or a folder (a `.dockerignore` entry may help). */
  readonly broad?: boolean;
  /** Lines of the steps this one builds on: the layer below first, then stages it copies from. */
  readonly deps: readonly number[];
  readonly result: StepResult;
}

/** One build of one Dockerfile and target. */
export interface BuildSnapshot {
  readonly version: 1;
  readonly dockerfile: string;
  readonly context: string;
  readonly target?: string;
  readonly finishedAt: string;
  /** `--no-cache` (true) or the stages `--no-cache-filter` named. */
  readonly noCache?: true | readonly string[];
  /** Context-relative paths the steps read (sorted), and their hashes in the same order. */
  readonly paths: readonly string[];
  /**
   * `<sha256 prefix>:<mode>` of a file's content; `stat:<size>:<mtime>:<mode>` for a file too large to
   * hash (compared by size and modification time); `link:<target>` for a symlink; `dir:<mode>`.
   */
  readonly hashes: readonly string[];
  /** Why the file list is incomplete (a bound was reached), when it is. */
  readonly partial?: string;
  readonly steps: readonly SnapshotStep[];
}

/** Bounds of one snapshot: a huge context is listed and hashed only so far. */
export interface SnapshotLimits {
  /** Directory entries looked at (default 50,000). */
  readonly maxEntries: number;
  /** Files recorded (default 20,000). */
  readonly maxFiles: number;
  /** Larger files are compared by size and modification time instead of content (default 16 MiB). */
  readonly maxFileBytes: number;
  /** Bytes hashed per build; later files are compared by size and time (default 512 MiB). */
  readonly maxTotalBytes: number;
}

export const SNAPSHOT_LIMITS: SnapshotLimits = { maxEntries: 50_000, maxFiles: 20_000, maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024 };

/** A stored stand-in for a secret value: equal values give equal stand-ins, nothing is readable. */
export function hideValue(name: string, value: string): string {
  if (!SECRET_NAME.test(name) || value === '') return value;
  return `hidden:${crypto.createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

/** Parse the engine arguments for `--no-cache` and `--no-cache-filter`. */
export function noCacheOf(extraArgs: readonly string[]): true | string[] | undefined {
  const stages: string[] = [];
  for (let i = 0; i < extraArgs.length; i++) {
    const a = extraArgs[i];
    if (a === '--no-cache' || /^--no-cache=(true|1)$/i.test(a)) return true;
    const m = /^--no-cache-filter(?:=(.*))?$/.exec(a);
    if (m) stages.push(...(m[1] ?? extraArgs[++i] ?? '').split(',').map(s => s.trim()).filter(Boolean));
  }
  return stages.length ? stages : undefined;
}

/** The part of a snapshot known before the build runs: everything but results and image IDs. */
export interface PlannedSnapshot extends Omit<BuildSnapshot, 'finishedAt' | 'steps'> {
  readonly steps: ReadonlyArray<Omit<SnapshotStep, 'result' | 'imageId'>>;
}

/** What a snapshot is planned from: the build as it was asked for. */
export interface PlanInput {
  readonly dockerfile: string;
  readonly context: string;
  /** The Dockerfile's text as the build reads it. */
  readonly text: string;
  readonly target?: string;
  readonly buildArgs: BuildArgs;
  readonly extraArgs?: readonly string[];
  readonly limits?: Partial<SnapshotLimits>;
}

/**
 * The steps the build runs and what each reads, pure (no file access). The files of each step are
 * paths into `listing` (context-relative, after .dockerignore).
 */
export function planSteps(model: DockerfileModel, target: string | undefined, args: BuildArgs, listing: readonly string[]): { steps: Array<Omit<SnapshotStep, 'result' | 'imageId'>>; paths: string[] } {
  const graph = buildGraph(model, target, args);
  const globals = new Map<string, string>();
  for (const i of model.instructions) {
    if (i.stage) break;
    if (i.keyword !== 'ARG') continue;
    for (const p of propertiesOf(i.node)) globals.set(p.getName(), args.get(p.getName()) ?? expandVars(p.getValue() ?? '', globals, model.escapeChar) ?? '');
  }
  const lastLine = (s: number): number | undefined => {
    for (let at: number | undefined = s, seen = 0; at !== undefined && seen <= model.stages.length; at = model.stages[at].parent, seen++) {
      const steps = graph.stageSteps[at];
      if (steps.length) return steps[steps.length - 1].line;
    }
    return undefined;
  };
  const used = new Set<string>();
  const readsByStep = new Map<Step, string[]>();
  const built = [...graph.built].sort((a, b) => a - b);
  for (const s of built) {
    for (const step of graph.stageSteps[s]) {
      if (step.inputs.reads.length === 0) continue;
      const mine = listing.filter(rel => readsOf(step.inputs, rel).length > 0);
      mine.forEach(r => used.add(r));
      readsByStep.set(step, mine);
    }
  }
  const paths = [...used].sort();
  const index = new Map(paths.map((p, i) => [p, i]));
  const steps: Array<Omit<SnapshotStep, 'result' | 'imageId'>> = [];
  for (const s of built) {
    const stage = model.stages[s];
    const stageKey = stage.name ?? String(s);
    graph.stageSteps[s].forEach((step, position) => {
      const inst = step.instruction;
      const text = model.text.slice(model.document.offsetAt(inst.range.start), model.document.offsetAt(inst.range.end));
      const source = normaliseInstruction(text, model.escapeChar);
      const deps: number[] = [];
      const below = position > 0 ? graph.stageSteps[s][position - 1] : undefined;
      if (!step.inputs.link) {
        if (below) {
          deps.push(below.line);
          // a COPY --link layer sits on the layers below it: the next step builds on both
          for (let k = position - 1; k > 0 && graph.stageSteps[s][k].inputs.link; k--) deps.push(graph.stageSteps[s][k - 1].line);
        } else if (stage.parent !== undefined) {
          const l = lastLine(stage.parent);
          if (l !== undefined) deps.push(l);
        }
      }
      for (const f of step.inputs.fromStages) {
        const l = f !== s ? lastLine(f) : undefined;
        if (l !== undefined && !deps.includes(l)) deps.push(l);
      }
      if (step.keyword === 'FROM') {
        const raw = (inst.node as From).getImage?.() ?? stage.image;
        const image = expandVars(raw, globals, model.escapeChar) ?? raw;
        steps.push({ line: step.line, key: `${stageKey}/${position}`, stage: stageKey, keyword: 'FROM', source, expanded: source, args: {}, env: {}, image, deps });
        return;
      }
      const { values, origins } = stepScope(model, inst, args);
      const stepArgs: Record<string, string> = {};
      const env: Record<string, [string, number]> = {};
      const shown = new Map<string, string>();
      for (const [name, value] of values) {
        const hidden = hideValue(name, value);
        shown.set(name, hidden);
        const origin = origins.get(name);
        if (origin?.kind === 'ARG') stepArgs[name] = hidden;
        else if (origin?.kind === 'ENV') env[name] = [hidden, origin.line];
      }
      const files = readsByStep.get(step)?.map(r => index.get(r)!);
      const broad = step.inputs.reads.some(r => r.pattern === '' || (!/[*?[]/.test(r.pattern) && listing.some(l => l.startsWith(r.pattern + '/'))));
      steps.push({
        line: step.line, key: `${stageKey}/${position}`, stage: stageKey, keyword: step.keyword, source,
        expanded: expandVars(source, shown, model.escapeChar) ?? source,
        args: stepArgs, env,
        ...(step.keyword === 'RUN' ? { user: inst.user.name } : {}),
        ...(files ? { files } : {}),
        ...(broad ? { broad: true } : {}),
        deps,
      });
    });
  }
  return { steps, paths };
}

/** Context-relative paths under `roots` that reach the builder ('' = the whole context), bounded. */
export function listContextFiles(context: string, ignore: PatternList, roots: readonly string[], limits: SnapshotLimits): { paths: string[]; partial?: string } {
  const out: string[] = [];
  let entries = 0;
  let partial: string | undefined;
  const walk = (rel: string): void => {
    let list: fs.Dirent[];
    try {
      list = listForWalk(path.join(context, rel), limits.maxEntries - entries);
    } catch {
      return;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (partial) return;
      if (++entries > limits.maxEntries) { partial = `the context has more than ${limits.maxEntries} entries; files past them were not compared`; return; }
      const r = rel ? `${rel}/${e.name}` : e.name;
      const excluded = ignore.matches(r);
      if (e.isDirectory()) {
        // an excluded folder holds nothing for the builder unless an exception (`!…`) re-includes part of it
        if (excluded && !ignore.hasExclusions) continue;
        if (!excluded) out.push(r);
        walk(r);
      } else if (!excluded) {
        if (out.length >= limits.maxFiles) { partial = `more than ${limits.maxFiles} files are copied; files past them were not compared`; return; }
        out.push(r);
      }
    }
  };
  const tops = roots.includes('') ? [''] : [...new Set(roots)].filter(r => !roots.some(o => o !== r && r.startsWith(o + '/')));
  for (const top of tops) {
    if (top === '') { walk(''); continue; }
    if (ignore.matches(top) && !ignore.hasExclusions) continue;
    let st: fs.Stats;
    try { st = fs.lstatSync(path.join(context, top)); } catch { continue; }
    if (!ignore.matches(top)) out.push(top);
    if (st.isDirectory()) walk(top);
  }
  return { paths: [...new Set(out)].sort(), ...(partial ? { partial } : {}) };
}

const SMALL_FILE = 256 * 1024;

/** Hash files with bounded parallelism, streaming; see BuildSnapshot.hashes for the forms. */
export async function hashFiles(context: string, paths: readonly string[], limits: SnapshotLimits): Promise<string[]> {
  const out = new Array<string>(paths.length);
  let budget = limits.maxTotalBytes;
  let next = 0;
  const one = async (rel: string): Promise<string> => {
    const abs = path.join(context, rel);
    let st: fs.Stats;
    try { st = await fs.promises.lstat(abs); } catch { return 'missing'; }
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) {
      try { return `link:${await fs.promises.readlink(abs)}`; } catch { return 'link:?'; }
    }
    if (st.isDirectory()) return `dir:${mode}`;
    if (!st.isFile()) return `special:${mode}`;
    if (st.size > limits.maxFileBytes || st.size > budget) return `stat:${st.size}:${Math.round(st.mtimeMs)}:${mode}`;
    budget -= st.size;
    const hash = crypto.createHash('sha256');
    try {
      // O_NONBLOCK: a file swapped for a FIFO after the lstat must not hang the hash
      const fh = await fs.promises.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
      try {
        if (st.size <= SMALL_FILE) {
          // most files are small: one read each (a stream costs several times more per file)
          const buf = Buffer.allocUnsafe(Math.min(SMALL_FILE, st.size + 1));
          for (let pos = 0, n; pos < buf.length && (n = (await fh.read(buf, pos, buf.length - pos, pos)).bytesRead) > 0; pos += n) hash.update(buf.subarray(pos, pos + n));
        } else {
          const stream = fh.createReadStream({ highWaterMark: SMALL_FILE, end: limits.maxFileBytes, autoClose: false });
          for await (const chunk of stream) hash.update(chunk as Buffer);
        }
      } finally {
        await fh.close();
      }
    } catch {
      return `unreadable:${mode}`;
    }
    return `${hash.digest('hex').slice(0, 32)}:${mode}`;
  };
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      out[i] = await one(paths[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, paths.length) }, worker));
  return out;
}

/**
 * Plan the snapshot of a build that is about to run: parse the Dockerfile, list the context files the
 * steps read (after .dockerignore) and hash them. Throws when the Dockerfile cannot be planned (an
 * unknown target, say): the caller records nothing then.
 */
export async function planSnapshot(input: PlanInput): Promise<PlannedSnapshot> {
  const limits = { ...SNAPSHOT_LIMITS, ...input.limits };
  const model = analyze(input.text, { shell: false });
  const context = path.resolve(input.context);
  // the reads first (no listing), to know which folders to list
  const graph = buildGraph(model, input.target, input.buildArgs);
  const roots: string[] = [];
  for (const s of graph.built) for (const step of graph.stageSteps[s]) for (const r of step.inputs.reads) roots.push(r.prefix);
  const ignore = patternList(readIgnorePatterns(input.dockerfile, context).patterns);
  const listing = roots.length ? listContextFiles(context, ignore, roots, limits) : { paths: [] };
  const { steps, paths } = planSteps(model, input.target, input.buildArgs, listing.paths);
  const hashes = await hashFiles(context, paths, limits);
  const noCache = noCacheOf(input.extraArgs ?? []);
  return {
    version: 1,
    dockerfile: path.resolve(input.dockerfile),
    context,
    ...(input.target ? { target: input.target } : {}),
    ...(noCache ? { noCache } : {}),
    paths, hashes,
    ...(listing.partial ? { partial: listing.partial } : {}),
    steps,
  };
}

/** What a timeline record says about a step. */
export function resultOf(r: StepRecord | undefined): StepResult {
  if (!r) return 'not-run';
  if (r.error) return 'failed';
  if (r.canceled || r.incomplete) return 'cancelled';
  return r.cached ? 'cached' : 'ran';
}

/** Complete a planned snapshot with the build's results and the base images' IDs. */
export function completeSnapshot(planned: PlannedSnapshot, records: readonly StepRecord[], imageIds: ReadonlyMap<string, string>, finishedAt: string): BuildSnapshot {
  const byLine = new Map<number, StepRecord>();
  for (const r of records) if (r.line !== undefined && !byLine.has(r.line)) byLine.set(r.line, r);
  return {
    ...planned,
    finishedAt,
    steps: planned.steps.map(s => {
      const id = s.image !== undefined ? imageIds.get(s.image) : undefined;
      return { ...s, ...(id ? { imageId: id } : {}), result: resultOf(byLine.get(s.line)) };
    }),
  };
}
