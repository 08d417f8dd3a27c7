/**
 * What each build step reads: build-context sources of COPY/ADD and of `RUN --mount=type=bind`,
 * and the stages it takes files from (`COPY --from`, `--mount=…,from=`). Derived from the analysis
 * facts; matching follows BuildKit (see matchesSource).
 */
import type { Copy, JSONInstruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { expandVars, flagNamed } from './analyze';
import type { DockerfileModel, InstructionFact } from './model';
import { cleanPath, dockerPattern, globPattern, hasWildcard, patternList } from './dockerPattern';

/** One build-context path or pattern a step reads. */
export interface ContextRead {
  /** The source as written, variables expanded (for messages). */
  readonly display: string;
  /** Context-relative posix pattern, `/./` pivots removed; '' is the whole context. */
  readonly pattern: string;
  /** The part of the pattern before the first wildcard: files are reported relative to it. */
  readonly prefix: string;
  /** `COPY --parents`: `**` spans folders (BuildKit's include patterns). */
  readonly parents: boolean;
  readonly range: Range;
  readonly via: 'COPY' | 'ADD' | 'bind mount';
}

/** The inputs of one instruction, as far as the layer cache goes. */
export interface StepInputs {
  readonly reads: readonly ContextRead[];
  /** `--exclude` patterns of COPY/ADD (dockerfile 1.7+): matching files are not copied. */
  readonly excludes: readonly string[];
  /** Stages it copies or mounts from. */
  readonly fromStages: readonly number[];
  /** `--from`/`from=` values that are images or named contexts, not stages of this file. */
  readonly fromImages: readonly string[];
  /** `COPY --link`: the step does not depend on the layers below it. */
  readonly link: boolean;
}

const REMOTE = /^(https?|git|ssh):\/\/|^git@/;

/** Normalise a source path to a context-relative posix pattern ('' = the whole context). */
export function normaliseSource(src: string): string {
  const parts: string[] = [];
  for (const seg of src.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop(); // BuildKit keeps every source inside the context
    else parts.push(seg);
  }
  return parts.join('/');
}

function prefixOf(pattern: string): string {
  const segs = pattern.split('/');
  const i = segs.findIndex(hasWildcard);
  return (i < 0 ? segs : segs.slice(0, i)).join('/');
}

/** Values of an instruction's flag that may be repeated (`--exclude`). */
const flagValues = (inst: InstructionFact, name: string) =>
  (inst.copy?.flags ?? []).filter(f => f.getName().toLowerCase() === name && f.getValue() !== null).map(f => f.getValue()!);

const boolFlag = (inst: InstructionFact, name: string) => {
  const f = flagNamed(inst.copy?.flags ?? [], name);
  return !!f && (f.getValue() === null || !/^(false|0)$/i.test(f.getValue()!));
};

/** `--build-arg NAME=value` pairs of a build, by name. */
export type BuildArgs = ReadonlyMap<string, string>;

/**
 * The values of `--build-arg` options as docker reads them: `NAME=value`, or `NAME` alone for the
 * value of that environment variable (left out when it is unset, as docker does).
 */
export function parseBuildArgs(list: readonly string[] | Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(list)) {
    for (const [k, v] of Object.entries(list)) out.set(k, v);
    return out;
  }
  for (const a of list as readonly string[]) {
    const i = a.indexOf('=');
    if (i > 0) out.set(a.slice(0, i), a.slice(i + 1));
    else if (i < 0 && env[a] !== undefined) out.set(a, env[a]!);
  }
  return out;
}

interface ArgProperty { getName(): string; getValue(): string | null }
const propertiesOf = (inst: InstructionFact): ArgProperty[] =>
  (inst.node as unknown as { getProperties?: () => ArgProperty[] }).getProperties?.() ?? [];

/**
 * Variables in scope with the values the build uses: declared-but-unset ARGs are empty. Build args
 * replace the value of an ARG declared in the stage (or a global one it redeclares) but never an ENV;
 * the scope is replayed over the stage's chain so ARGs and ENVs derived from them follow.
 */
function buildEnv(model: DockerfileModel, inst: InstructionFact, args?: BuildArgs, origins?: Map<string, VariableOrigin>): Map<string, string> {
  const env = new Map<string, string>();
  if (!inst.stage || ((!args || args.size === 0) && !origins)) {
    for (const [k, v] of inst.env) env.set(k, v ?? '');
    return env;
  }
  const globals = new Map<string, string>();
  for (const i of model.instructions) {
    if (i.stage) break;
    if (i.keyword !== 'ARG') continue;
    for (const p of propertiesOf(i)) globals.set(p.getName(), args?.get(p.getName()) ?? expandVars(p.getValue() ?? '', globals, model.escapeChar) ?? '');
  }
  const chain: number[] = [];
  for (let s: number | undefined = inst.stage.index; s !== undefined && !chain.includes(s); s = model.stages[s].parent) chain.unshift(s);
  const fromEnv = new Set<string>();
  for (const s of chain) {
    for (const i of model.stages[s].instructions) {
      if (i === inst) return env;
      if (i.keyword === 'ARG') {
        for (const p of propertiesOf(i)) {
          const name = p.getName();
          if (fromEnv.has(name)) continue; // ENV wins over ARG
          const v = p.getValue();
          env.set(name, args?.get(name) ?? (v !== null ? expandVars(v, env, model.escapeChar) ?? '' : globals.get(name) ?? ''));
          origins?.set(name, { kind: 'ARG', line: i.range.start.line + 1 });
        }
      } else if (i.keyword === 'ENV') {
        const before = new Map(env);
        for (const p of propertiesOf(i)) {
          fromEnv.add(p.getName());
          env.set(p.getName(), expandVars(p.getValue() ?? '', before, model.escapeChar) ?? '');
          origins?.set(p.getName(), { kind: 'ENV', line: i.range.start.line + 1 });
        }
      }
    }
  }
  return env;
}

/** Where a variable in scope was last set: the ARG or ENV instruction (1-based line). */
export interface VariableOrigin {
  readonly kind: 'ARG' | 'ENV';
  readonly line: number;
}

/**
 * The variables in scope before an instruction, with the values the build uses (`--build-arg`
 * applied) and the ARG or ENV line that set each; variables inherited only from the base image or
 * from global ARGs not redeclared in the stage have no origin.
 */
export function stepScope(model: DockerfileModel, inst: InstructionFact, args?: BuildArgs): { values: Map<string, string>; origins: Map<string, VariableOrigin> } {
  const origins = new Map<string, VariableOrigin>();
  const values = buildEnv(model, inst, args, origins);
  return { values, origins };
}

/** COPY/ADD sources as written (JSON form decoded from the document text), before expansion. */
function rawSources(model: DockerfileModel, inst: InstructionFact): Array<{ value: string; range: Range }> {
  const node = inst.node as Copy;
  const json = (node as unknown as JSONInstruction).getJSONStrings?.() ?? [];
  let args: Array<{ value: string; range: Range }>;
  if (json.length > 0) {
    args = json.map(j => {
      const r = j.getJSONRange?.() ?? j.getRange();
      const text = model.text.slice(model.document.offsetAt(j.getRange().start), model.document.offsetAt(j.getRange().end));
      let value: string;
      try {
        value = JSON.parse(text) as string;
      } catch {
        value = j.getJSONValue?.() ?? j.getValue();
      }
      return { value, range: r };
    });
  } else {
    args = node.getArguments().map(a => ({ value: a.getValue(), range: a.getRange() }));
  }
  return args.slice(0, -1);
}

/** The cache-relevant inputs of an instruction. */
export function stepInputs(model: DockerfileModel, inst: InstructionFact, args?: BuildArgs): StepInputs {
  const reads: ContextRead[] = [];
  const fromStages: number[] = [];
  const fromImages: string[] = [];
  let excludes: string[] = [];
  let link = false;
  const escape = model.escapeChar;
  if (inst.copy && !inst.onbuild) {
    const c = inst.copy;
    link = boolFlag(inst, 'link');
    const env = buildEnv(model, inst, args);
    excludes = flagValues(inst, 'exclude').map(e => expandVars(e, env, escape) ?? e);
    if (c.from !== undefined) {
      if (c.fromStage !== undefined && c.fromStage < model.stages.length) fromStages.push(c.fromStage);
      else fromImages.push(c.from);
    } else if (!c.heredoc) {
      const parents = boolFlag(inst, 'parents');
      for (const raw of rawSources(model, inst)) {
        const value = expandVars(raw.value, env, escape) ?? raw.value;
        if (REMOTE.test(value)) continue; // ADD <url>: a download, not the context
        // `--parents` pivot: `a/./b` copies b with its parents from a; the files read are a/b
        const pattern = normaliseSource(value);
        reads.push({ display: value, pattern, prefix: prefixOf(pattern), parents, range: raw.range, via: inst.keyword === 'ADD' ? 'ADD' : 'COPY' });
      }
    }
  }
  if (inst.run && !inst.onbuild) {
    const env = buildEnv(model, inst, args);
    for (const m of inst.run.mounts) {
      if (m.type !== 'bind' && m.type !== 'cache') continue;
      if (m.from !== undefined) {
        const from = expandVars(m.from, env, escape) ?? m.from;
        const idx = model.stages.findIndex(s => s.name?.toLowerCase() === from.toLowerCase());
        const stage = idx >= 0 ? idx : /^\d+$/.test(from) && Number(from) < model.stages.length ? Number(from) : -1;
        if (stage >= 0) fromStages.push(stage);
        else fromImages.push(from);
      } else if (m.type === 'bind') {
        const src = expandVars(m.source ?? '.', env, escape) ?? m.source ?? '.';
        const pattern = normaliseSource(src);
        reads.push({ display: src, pattern, prefix: pattern, parents: false, range: m.range, via: 'bind mount' });
      }
    }
  }
  return { reads, excludes, fromStages, fromImages, link };
}

/**
 * True when a context-relative file is copied by a source. BuildKit splits a source at its first
 * wildcard segment and matches the rest with Go's filepath.Match (`*` stays within a folder, `**` is
 * just `*`); a matching folder, like a plain folder source, is copied whole. With `--parents` the
 * source becomes an include pattern where `**` spans folders. A source without wildcards is a path,
 * backslashes and all.
 */
export function matchesSource(read: ContextRead, rel: string): boolean {
  const p = read.pattern;
  if (p === '') return true;
  if (!hasWildcard(p)) return rel === p || rel.startsWith(p + '/');
  return (read.parents ? dockerPattern(cleanPath(p)) : globPattern(p)).matchesOrParent(rel);
}

/** True when `--exclude` patterns drop a file that a source matched. */
export function excludedFromCopy(inputs: StepInputs, read: ContextRead, rel: string): boolean {
  if (inputs.excludes.length === 0) return false;
  // BuildKit reads the --exclude values of one COPY as one pattern list, `!` lines included
  const list = patternList(inputs.excludes);
  const withinSource = read.prefix && rel.startsWith(read.prefix + '/') ? rel.slice(read.prefix.length + 1) : rel;
  return list.matches(rel) || list.matches(withinSource);
}

/** The reads of a step that copy a context file. */
export function readsOf(inputs: StepInputs, rel: string): ContextRead[] {
  return inputs.reads.filter(r => matchesSource(r, rel) && !excludedFromCopy(inputs, r, rel));
}
