/**
 * Parses build progress into per-step records and maps them back to Dockerfile lines.
 *
 * BuildKit `--progress=plain` prints, per vertex (step):
 *   #5 [stage 2/6] WORKDIR /app        the name, again whenever output switches back to this vertex
 *   #5 sha256:…                         (BuildKit ≤ 0.8) the vertex digest
 *   #5 0.221 installed 2 packages       log output (a timestamp, then the text)
 *   #5 sha256:ab… 1.2MB / 29MB 0.3s     status of a transfer (pulls, context upload)
 *   #5 DONE 0.3s | #5 CACHED | #5 ERROR: … | #5 CANCELED
 * and, after a failure, a block between `------` lines and the error itself.
 *
 * Podman (buildah) prints `STEP 3/6: RUN …` (`[2/3] STEP 1/4: …` in multi-stage builds), `--> Using cache
 * <id>` for a cached step and `--> <id>` when a step finished, `Error: building at STEP "…": …` when one
 * failed; it prints no timings, so the parser timestamps lines as they arrive. Recorded output of podman
 * 4.3: test/fixtures/progress/*.podman.txt.
 */
import { analyze } from '../analysis/analyze';
import type { DockerfileModel, InstructionFact } from '../analysis/model';
import { buildGraph } from '../analysis/invalidation';
import { normaliseInstruction, type StepRecord } from './timeline';

const MAX_LOG_LINES = 40;

/** A vertex as printed, before it is matched to a Dockerfile line. */
export interface Vertex {
  readonly vertex: number;
  name: string;
  /** `[internal] …`, `exporting to image` and the like: not a Dockerfile step. */
  internal: boolean;
  stage?: string;
  index?: number;
  total?: number;
  /** The instruction, without the prefix: `RUN echo hi`. */
  instruction: string;
  state: 'running' | 'done' | 'cached' | 'error' | 'canceled';
  seconds: number;
  errorMessage?: string;
  /** Bytes were transferred (an image pull): a FROM that did this was not served from the cache. */
  transferred: boolean;
  logs: string[];
  /** Seconds since the step started of its last log line (BuildKit's own clock). */
  lastLogAt?: number;
}

/** Incremental parser for BuildKit plain progress; feed it chunks as they arrive. */
export class PlainProgressParser {
  private readonly byNumber = new Map<number, Vertex>();
  private readonly startedAt = new Map<Vertex, number>();
  private readonly order: Vertex[] = [];
  private partial = '';
  private inErrorBlock = false;
  /** Lines printed outside any vertex (the final error, warnings). */
  readonly trailer: string[] = [];

  /** `now` is injectable for tests of timing. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Flush the last partial line. */
  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  get vertices(): readonly Vertex[] {
    return this.order;
  }

  /** The Dockerfile steps (internal vertices left out), in the order they first appeared. */
  get steps(): Vertex[] {
    return this.order.filter(v => !v.internal);
  }

  private line(raw: string): void {
    const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m) {
      if (/^-{6}$/.test(line.trim())) { this.inErrorBlock = !this.inErrorBlock; return; }
      if (!this.inErrorBlock && line.trim()) this.trailer.push(line.trim());
      return;
    }
    const n = Number(m[1]);
    const rest = m[2];
    let v = this.byNumber.get(n);
    if (!v) {
      v = newVertex(n, rest);
      this.byNumber.set(n, v);
      this.order.push(v);
      this.startedAt.set(v, this.now());
      return;
    }
    if (rest === v.name) return; // the name again, when output switched back to this vertex
    let s: RegExpExecArray | null;
    if ((s = /^DONE (\d+(?:\.\d+)?)s$/.exec(rest))) {
      v.state = 'done';
      v.seconds = Number(s[1]);
    } else if (rest === 'CACHED') {
      v.state = 'cached';
      v.seconds = 0;
    } else if ((s = /^ERROR(?:: (.*))?$/.exec(rest))) {
      v.state = 'error';
      v.errorMessage = s[1]?.trim() || 'failed';
      v.seconds = this.ranFor(v);
    } else if (rest === 'CANCELED' || rest === 'CANCELLED') {
      v.state = 'canceled';
      v.seconds = this.ranFor(v);
    } else if (/^sha256:[0-9a-f]{64}$/.test(rest)) {
      // the vertex digest (BuildKit 0.8): nothing to record
    } else if (/\d(?:\.\d+)?\s*[kMGT]?i?B \/ \d|^extracting |^downloading /.test(rest)) {
      v.transferred = true;
    } else {
      const log = /^(\d+\.\d+) (.*)$/.exec(rest);
      if (log) v.lastLogAt = Number(log[1]);
      v.logs.push(log ? log[2] : rest);
      if (v.logs.length > MAX_LOG_LINES) v.logs.shift();
    }
  }

  /**
   * How long a step ran that ended without `DONE <seconds>` (BuildKit prints no time with ERROR or
   * CANCELED): the later of its last log line's own timestamp and the time since it first appeared.
   */
  private ranFor(v: Vertex): number {
    const wall = (this.now() - (this.startedAt.get(v) ?? this.now())) / 1000;
    return Math.max(v.lastLogAt ?? 0, wall);
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * `[prefix 2/5] RUN …` split like `/^\[([^\]]*?)\s*(\d+)\/(\d+)\] (.*)$/` would, by hand: vertex
 * names carry Dockerfile text (stage names, commands), and that RegExp is quadratic on a long one.
 */
function stepName(name: string): [string, string, string, string, string] | undefined {
  const close = name.indexOf(']');
  if (name[0] !== '[' || close < 0 || name[close + 1] !== ' ') return undefined;
  const rest = name.slice(close + 2);
  if (/[\n\r\u2028\u2029]/.test(rest)) return undefined;
  const inner = name.slice(1, close);
  const slash = inner.lastIndexOf('/');
  const total = inner.slice(slash + 1);
  if (slash < 0 || !/^\d+$/.test(total)) return undefined;
  let k = slash;
  while (k > 0 && isDigit(inner[k - 1])) k--;
  if (k === slash) return undefined;
  return [name, inner.slice(0, k).trimEnd(), inner.slice(k, slash), total, rest];
}

function newVertex(n: number, name: string): Vertex {
  const v: Vertex = { vertex: n, name, internal: true, instruction: name, state: 'running', seconds: 0, transferred: false, logs: [] };
  const m = stepName(name);
  if (m) {
    v.internal = false;
    v.index = Number(m[2]);
    v.total = Number(m[3]);
    v.instruction = m[4];
    // the prefix may hold a platform (`linux/amd64`, `linux/amd64->arm64`) and a stage name; stage names have no `/`
    const words = m[1].trim().split(/\s+/).filter(w => w && !w.includes('/'));
    if (words.length) v.stage = words[words.length - 1];
  } else if (/^(FROM|RUN|COPY|ADD|WORKDIR) /i.test(name)) {
    // a step of a single-stage build printed without a prefix (older BuildKit, some frontends)
    v.internal = false;
  }
  return v;
}

/** Parse a complete plain-progress transcript. */
export function parsePlainProgress(text: string): PlainProgressParser {
  const p = new PlainProgressParser();
  p.push(text);
  p.end();
  return p;
}

/** Incremental parser for podman/buildah output. `now` is injectable for tests of timing. */
export class PodmanProgressParser {
  private readonly order: Vertex[] = [];
  private current?: { v: Vertex; startedAt: number };
  private partial = '';
  readonly trailer: string[] = [];

  constructor(private readonly now: () => number = () => Date.now()) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /**
   * Flush; `failed` marks a step still running as the failed one, `'canceled'` as stopped (podman
   * prints nothing when it is interrupted).
   */
  end(failed: boolean | 'canceled' = false): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    if (this.current) {
      const { v, startedAt } = this.current;
      v.seconds = (this.now() - startedAt) / 1000;
      v.state = failed === 'canceled' ? 'canceled' : failed ? 'error' : 'done';
      if (failed === true) v.errorMessage = this.trailer.filter(l => /^error/i.test(l)).pop() ?? 'failed';
      this.current = undefined;
    }
  }

  get vertices(): readonly Vertex[] {
    return this.order;
  }

  get steps(): Vertex[] {
    return this.order;
  }

  private finish(state: Vertex['state']): void {
    if (!this.current) return;
    const { v, startedAt } = this.current;
    v.state = state;
    v.seconds = state === 'cached' ? 0 : (this.now() - startedAt) / 1000;
    this.current = undefined;
  }

  private line(raw: string): void {
    const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    let m: RegExpExecArray | null;
    if ((m = /^\[([^\]]+)\] STEP (\d+)\/(\d+): (.*)$/.exec(line)) || (m = /^()STEP (\d+)\/(\d+): (.*)$/.exec(line))) {
      // a new step ends the previous one when no `-->` line did (FROM of a present image)
      this.finish('done');
      const v: Vertex = {
        vertex: this.order.length + 1, name: line, internal: false, stage: podmanStage(m[1]), index: Number(m[2]), total: Number(m[3]),
        instruction: m[4], state: 'running', seconds: 0, transferred: false, logs: [],
      };
      this.order.push(v);
      this.current = { v, startedAt: this.now() };
      return;
    }
    if (/^--> Using cache /.test(line)) { this.finish('cached'); return; }
    if (/^--> [0-9a-f]{6,}/.test(line)) { this.finish('done'); return; }
    if (/^(Copying blob|Copying config|Writing manifest|Getting image source signatures)/.test(line)) {
      if (this.current) this.current.v.transferred = true;
      return;
    }
    if (/^(COMMIT|Successfully tagged|STEP \d|\[\d)/.test(line)) return;
    // the built image's full id, printed last
    if (/^[0-9a-f]{64}$/.test(line)) return;
    // podman 4.3: `Error: building at STEP "RUN …": while running runtime: exit status 3`, right after the
    // failed step's own output: the engine's message, not the step's
    if (/^Error: /.test(line)) {
      this.trailer.push(line.trim());
      if (this.current) {
        this.current.v.errorMessage = line.slice('Error: '.length).trim();
        this.finish('error');
      }
      return;
    }
    if (this.current) {
      this.current.v.logs.push(line);
      if (this.current.v.logs.length > MAX_LOG_LINES) this.current.v.logs.shift();
    } else if (line.trim()) this.trailer.push(line.trim());
  }
}

/** Podman prefixes steps of multi-stage builds with `[stage/stages]` (1-based): name it like BuildKit does. */
function podmanStage(prefix: string): string | undefined {
  const m = /^(\d+)\/\d+$/.exec(prefix.trim());
  return m ? `stage-${Number(m[1]) - 1}` : prefix.trim() || undefined;
}

/** Keywords of instructions that become build steps (the rest only change image metadata). */
const STEP_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

/** Options for matching vertices to the Dockerfile. */
export interface MapOptions {
  /**
   * Podman counts every instruction (ENV, CMD, …) as a step, BuildKit only those that change the
   * filesystem.
   */
  readonly countsAllInstructions?: boolean;
  /** The stage built (`--target`): steps BuildKit merged are reported only for the stages it built. */
  readonly target?: string;
}

function stepInstructions(model: DockerfileModel, stageIndex: number, all: boolean): InstructionFact[] {
  const stage = model.stages[stageIndex];
  const list = [stage.from, ...stage.instructions].filter(i => !i.onbuild);
  return all ? list : list.filter(i => STEP_KEYWORDS.has(i.keyword));
}

function findStages(model: DockerfileModel, v: Vertex, all: boolean): number[] {
  const idx = model.stages.map((_, i) => i);
  if (v.stage) {
    const byName = idx.filter(i => model.stages[i].name?.toLowerCase() === v.stage!.toLowerCase());
    if (byName.length) return byName;
    const m = /^stage-(\d+)$/.exec(v.stage);
    if (m && Number(m[1]) < model.stages.length) return [Number(m[1])];
  }
  if (model.stages.length === 1) return [0];
  if (v.total !== undefined) return idx.filter(i => stepInstructions(model, i, all).length === v.total);
  return [];
}

function instructionText(model: DockerfileModel, inst: InstructionFact): string {
  return normaliseInstruction(model.text.slice(model.document.offsetAt(inst.range.start), model.document.offsetAt(inst.range.end)), model.escapeChar);
}

/** Turn a vertex into a step record, matched to an instruction of the Dockerfile when possible. */
function toRecord(v: Vertex, inst: InstructionFact | undefined, model: DockerfileModel | undefined): StepRecord {
  const keyword = /^\w+/.exec(v.instruction)?.[0]?.toUpperCase();
  // A FROM of an image that is already present reports DONE 0.0s on some engines: it pulled nothing.
  const cached = v.state === 'cached' || (keyword === 'FROM' && v.state === 'done' && !v.transferred);
  return {
    vertex: v.vertex,
    name: v.instruction,
    ...(v.stage !== undefined ? { stage: v.stage } : {}),
    ...(v.index !== undefined ? { index: v.index, total: v.total } : {}),
    ...(inst && model ? { line: inst.range.start.line + 1, endLine: inst.range.end.line + 1, source: instructionText(model, inst) } : {}),
    cached,
    seconds: cached ? 0 : v.seconds,
    error: v.state === 'error',
    ...(v.errorMessage ? { errorMessage: v.errorMessage } : {}),
    ...(v.state === 'canceled' ? { canceled: true } : {}),
    ...(v.state === 'running' ? { incomplete: true } : {}),
    ...(v.logs.length ? { logs: v.logs.slice(-MAX_LOG_LINES) } : {}),
  };
}

/** `docker.io/library/python:3.12` and `python:3.12`, `busybox` and `busybox:latest` are one image. */
function normaliseImage(ref: string): string {
  let r = ref.trim().toLowerCase().replace(/^docker\.io\//, '').replace(/^library\//, '');
  r = r.replace(/@sha256:[0-9a-f]+$/, '');
  if (!/:[\w.-]+$/.test(r.replace(/^[^/]*\//, ''))) r += ':latest';
  return r;
}

/** Does the vertex describe this instruction's text (for FROM: the same image)? */
function sameText(model: DockerfileModel, inst: InstructionFact, v: Vertex): boolean {
  if (inst.keyword === 'FROM') {
    const image = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(v.instruction)?.[1];
    return !!image && !!inst.stage && normaliseImage(inst.stage.image) === normaliseImage(image);
  }
  return instructionText(model, inst) === normaliseInstruction(v.instruction);
}

/**
 * Steps BuildKit ran once for several lines: stages that start from the same base with the same
 * instructions build the same graph, and BuildKit merges equal vertices, printing one of the lines.
 * Each other line gets a record that points at the one printed (`sharedWith`). Equal means: the same
 * base (image or stage) and the same instruction texts up to the step, ARG and ENV lines included.
 */
function sharedSteps(model: DockerfileModel, matched: ReadonlyMap<StepRecord, InstructionFact>, used: ReadonlySet<InstructionFact>, target?: string): StepRecord[] {
  let built: ReadonlySet<number>;
  try {
    built = buildGraph(model, target).built;
  } catch {
    return []; // a target this Dockerfile does not have: the engine failed before any step
  }
  const keyOf = new Map<InstructionFact, string>();
  const stageKey: string[] = [];
  for (const stage of model.stages) {
    let key = stage.parent !== undefined ? `stage\0${stageKey[stage.parent] ?? stage.parent}` : `image\0${normaliseImage(stage.image)}`;
    keyOf.set(stage.from, key);
    for (const i of stage.instructions) {
      if (i.onbuild) continue;
      key += `\0${instructionText(model, i)}`;
      keyOf.set(i, key);
    }
    stageKey[stage.index] = key;
  }
  const printed = new Map<string, StepRecord>();
  for (const [r, inst] of matched) if (keyOf.has(inst) && !printed.has(keyOf.get(inst)!)) printed.set(keyOf.get(inst)!, r);
  const out: StepRecord[] = [];
  for (const si of [...built].sort((a, b) => a - b)) {
    const stage = model.stages[si];
    if (stage.parent !== undefined && !built.has(stage.parent)) continue;
    stepInstructions(model, si, false).forEach((inst, i) => {
      if (used.has(inst) || (inst === stage.from && stage.parent !== undefined)) return;
      const r = printed.get(keyOf.get(inst)!);
      if (!r || r.line === undefined) return;
      out.push({
        vertex: r.vertex,
        name: r.name,
        stage: stage.name ?? `stage-${si}`,
        index: i + 1,
        total: stepInstructions(model, si, false).length,
        line: inst.range.start.line + 1,
        endLine: inst.range.end.line + 1,
        source: instructionText(model, inst),
        // the line did not run on its own: its result is the printed line's
        cached: !r.error && !r.canceled && !r.incomplete,
        seconds: 0,
        error: r.error,
        ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
        ...(r.canceled ? { canceled: true } : {}),
        ...(r.incomplete ? { incomplete: true } : {}),
        sharedWith: r.line,
      });
    });
  }
  return out;
}

/**
 * Match vertices to Dockerfile instructions. BuildKit shares a vertex between builds that contain the
 * same step, and its name (with its `[stage i/n]`) comes from whichever build created it first: so
 * the step's text decides, and the stage and index only choose among equal texts or stand in when
 * the text differs (variables expanded by the engine).
 */
export function mapToDockerfile(vertices: readonly Vertex[], dockerfileText: string | undefined, options: MapOptions = {}): StepRecord[] {
  const model = dockerfileText !== undefined ? analyze(dockerfileText, { shell: false }) : undefined;
  const all = options.countsAllInstructions ?? false;
  const used = new Set<InstructionFact>();
  const records: StepRecord[] = [];
  const matched = new Map<StepRecord, InstructionFact>();
  for (const v of vertices) {
    if (v.internal) continue;
    let inst: InstructionFact | undefined;
    if (model && model.stages.length) {
      const keyword = /^\w+/.exec(v.instruction)?.[0]?.toUpperCase();
      let byPosition: InstructionFact | undefined;
      for (const si of findStages(model, v, all)) {
        const list = stepInstructions(model, si, all);
        if (v.total !== undefined && list.length !== v.total) continue;
        const candidate = v.index !== undefined ? list[v.index - 1] : undefined;
        if (candidate && candidate.keyword === keyword && !used.has(candidate)) { byPosition = candidate; break; }
      }
      if (byPosition && sameText(model, byPosition, v)) inst = byPosition;
      else {
        inst = model.instructions.find(i => !used.has(i) && !i.onbuild && i.keyword === keyword && sameText(model, i, v)) ?? byPosition;
      }
      if (inst) used.add(inst);
    }
    const record = toRecord(v, inst, model);
    records.push(record);
    if (inst) matched.set(record, inst);
  }
  if (model && !all) records.push(...sharedSteps(model, matched, used, options.target));
  // in Dockerfile order (the engine prints parallel stages interleaved); unmatched steps last
  return records.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.vertex - b.vertex);
}
