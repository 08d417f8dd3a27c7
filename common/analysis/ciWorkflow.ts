/**
 * A CI workflow parsed once with `yaml` (source positions kept): the image builds it runs, whether
 * GitHub Actions (`jobs.<id>.steps[]`: `docker/build-push-action` with its `with:` inputs, and `run:`
 * scripts) or GitLab CI (`script:`, `before_script:`, `after_script:` of every job). Scripts are split
 * into commands and words by the shell parser (shell.ts), mapped back to exact document offsets, and
 * `docker build` / `docker buildx build` / `docker image build` command lines are read option by option.
 * Never throws; anchors and aliases are followed to a bounded depth (composeModel's helpers).
 */
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { deref, keyName, lookup, nodeEnd, nodeStart, pairNamed } from './composeModel';
import { parseShell, unwrapCommand, type MappedText, type ShellWord } from './shell';
import { parseSuppressions } from './suppressions';

/** A scalar of the workflow with its document offsets. */
export interface CiValue {
  /** The scalar's value as a string (`true` for a YAML boolean). */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** A `with:` input of the action, or the key it would be. */
export interface CiInput extends CiValue {
  readonly pair: Pair;
}

/** One `NAME=value` build argument, wherever it is written. */
export interface CiBuildArg {
  readonly name: string;
  /** Undefined for `--build-arg NAME` (taken from the environment) or a value with expansions. */
  readonly value: string | undefined;
  /** The whole argument (`NAME=value`, or the option word with it). */
  readonly start: number;
  readonly end: number;
}

interface CiBuildBase {
  /** The job's id (`build:` under `jobs:`, or a GitLab job name). */
  readonly job: string;
  /** Where the build's findings go. */
  readonly range: Range;
  /** Path of the Dockerfile relative to the repository root, when it is written plainly. */
  readonly dockerfile?: string;
  /** `--target` / `target:`, when given plainly. */
  readonly target?: string;
  readonly buildArgs: readonly CiBuildArg[];
  /** Variables the build's environment sets (workflow, job, step env; GitLab variables; `export` and prefixes). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the build only runs on a schedule (or by hand): a cold build there is intended. */
  readonly scheduledOnly: boolean;
  /**
   * Set when the build's text comes through a YAML alias or a `<<:` merge key: that text is shared with
   * whatever else uses the anchor, so fixes there are withheld (the reason says so).
   */
  readonly shared?: string;
}

/** A `docker/build-push-action` step. */
export interface CiActionBuild extends CiBuildBase {
  readonly kind: 'action';
  /** The step mapping (`- uses: …`). */
  readonly step: YAMLMap;
  readonly uses: CiValue;
  /** The `with:` pair and its mapping; absent, or with no mapping (`with:` and nothing). */
  readonly with?: Pair;
  readonly withMap?: YAMLMap;
  /** The action's inputs the rules read, by name (cache-from, cache-to, push, tags, no-cache, build-args, file, context, target). */
  readonly inputs: Readonly<Record<string, CiInput>>;
  /** `push: true`, written plainly. */
  readonly pushes: boolean;
  /** The repository of the first tag, when written plainly. */
  readonly image?: string;
  /** A `docker/setup-buildx-action` step comes before it in the job (the docker driver cannot export cache). */
  readonly buildx: boolean;
}

/** One option of a `docker build` command line: `--name value`, `--name=value` or a flag. */
export interface CiOption {
  readonly name: string;
  readonly value: string | undefined;
  /** The option word, and the separate value word when there is one. */
  readonly word: ShellWord;
  readonly valueWord?: ShellWord;
}

/** A `docker build` command line in a `run:` or `script:` step. */
export interface CiCommandBuild extends CiBuildBase {
  readonly kind: 'command';
  readonly words: readonly ShellWord[];
  readonly options: readonly CiOption[];
  /**
   * True when every word's offsets were found in the document (the script is a plain or block scalar
   * whose value maps back character by character): only then may a fix edit the words.
   */
  readonly exact: boolean;
}

export type CiBuild = CiActionBuild | CiCommandBuild;

export interface CiModel {
  readonly text: string;
  readonly document: TextDocument;
  readonly yaml: Document;
  readonly eol: '\n' | '\r\n';
  /** GitHub Actions workflow (top-level `jobs:`) or GitLab CI (jobs at the top level). */
  readonly flavour: 'github' | 'gitlab';
  /** Job ids and, for GitHub, their steps' `uses:`/`run` shape: what a fix must not change. */
  readonly jobs: ReadonlyArray<{ readonly id: string; readonly steps: readonly string[] }>;
  readonly builds: readonly CiBuild[];
  readonly errors: ReadonlyArray<{ readonly message: string; readonly offset: number }>;
  readonly ignoredGlobally: ReadonlySet<string>;
  readonly ignoredAt: ReadonlyMap<number, ReadonlySet<string>>;
}

/** The build-push-action inputs the rules read. */
const ACTION_INPUTS = ['cache-from', 'cache-to', 'push', 'tags', 'no-cache', 'build-args', 'file', 'context', 'target'];

/** GitLab's top-level keywords: everything else at the top level is a job. */
const GITLAB_KEYWORDS = new Set(['stages', 'variables', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'default', 'spec', 'pages']);

/** `docker` options that take a value (before the subcommand). */
const DOCKER_GLOBAL_VALUE = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

/** `docker build` options that take a value: the word after them is theirs, not the context. */
const BUILD_VALUE = new Set([
  '-t', '--tag', '-f', '--file', '--build-arg', '--cache-from', '--cache-to', '--target', '--platform', '--label', '--secret',
  '--ssh', '-o', '--output', '--progress', '--network', '--iidfile', '--metadata-file', '--builder', '--build-context',
  '--add-host', '--allow', '--attest', '--sbom', '--provenance', '--shm-size', '--ulimit', '--cgroup-parent', '-m', '--memory',
  '--memory-swap', '--cpu-shares', '--cpu-period', '--cpu-quota', '--cpuset-cpus', '--cpuset-mems', '--isolation',
  '--annotation', '--call', '--security-opt', '--no-cache-filter', '--policy',
]);

const SHELLS_WE_READ = new Set(['bash', 'sh', 'bash -e {0}', 'sh -e {0}', 'bash --noprofile --norc -eo pipefail {0}']);

/** How far a folded or nested script is looked into; a bigger workflow is a bomb, not a file. */
const MAX_BUILDS = 500;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'object' ? undefined : String(v));

/**
 * A script scalar's value with, for each of its characters, the document offset it came from. Block
 * scalars drop indentation, folded ones turn line breaks into spaces, quoted ones drop their quotes:
 * the value's characters are found in the source in order. `exact` is false when some were not
 * (escapes in double quotes), and then every offset is only approximate.
 */
export function mapScalar(src: string, node: Scalar): { mapped: MappedText; exact: boolean } | undefined {
  if (typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  let start = node.range[0];
  const end = node.range[1];
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = src.indexOf('\n', start);
    if (nl < 0 || nl >= end) start = end;
    else start = nl + 1;
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') start += 1;
  const map = new Int32Array(value.length + 1);
  let j = start;
  let exact = true;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    let k = j;
    // a folded line break is a space (or a line break) in the value
    while (k < end && !(src[k] === c || ((c === ' ' || c === '\n') && src[k] === '\n'))) k++;
    if (k >= end) {
      exact = false;
      map[i] = Math.min(j, end);
      continue;
    }
    map[i] = k;
    j = k + 1;
  }
  map[value.length] = Math.min(j, end);
  return { mapped: { text: maskExpressions(value), map, endOffset: end }, exact };
}

/**
 * `${{ expr }}` (GitHub expressions) is not shell: the runner substitutes it before the shell runs.
 * Each one becomes `$` and letters of the same length, a variable to the parser (so the word's value
 * is unknown), and every offset stays where it was.
 */
function maskExpressions(s: string): string {
  let at = s.indexOf('${{');
  if (at < 0) return s;
  let out = '';
  let from = 0;
  while (at >= 0) {
    const close = s.indexOf('}}', at + 3);
    const end = close < 0 ? s.length : close + 2;
    out += s.slice(from, at) + '$' + 'X'.repeat(end - at - 1);
    from = end;
    at = s.indexOf('${{', end);
  }
  return out + s.slice(from);
}

/** A relative path inside the repository, normalised; undefined when it is absolute, escapes, or has expansions. */
function repoPath(dir: string | undefined, rel: string): string | undefined {
  if (dir === undefined || /[$`*?{}]/.test(rel) || rel.includes('://') || rel === '-') return undefined;
  if (path.posix.isAbsolute(rel)) return undefined;
  const p = path.posix.normalize(path.posix.join(dir, rel));
  if (p === '..' || p.startsWith('../') || path.posix.isAbsolute(p)) return undefined;
  return p;
}

/** `KEY: value` entries of an env/variables mapping (GitLab's `{value: …}` form too). */
function envOf(doc: Document, n: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const m = deref(doc, n);
  if (!isMap(m)) return out;
  for (const p of m.items) {
    const v = deref(doc, p.value);
    const value = isScalar(v) ? str(v.value) : isMap(v) ? str((deref(doc, pairNamed(v, 'value')?.value) as Scalar | undefined)?.value) : undefined;
    if (value !== undefined) out[keyName(p)] = value;
  }
  return out;
}

/** The builds of one script scalar: every `docker build` command line in it. */
function scriptBuilds(text: string, node: Scalar, base: Omit<CiBuildBase, 'range' | 'buildArgs' | 'dockerfile' | 'target' | 'env'> & { env: Record<string, string>; cwd: string | undefined }, document: TextDocument, out: CiBuild[]): void {
  const m = mapScalar(text, node);
  if (!m) return;
  let commands;
  try {
    commands = parseShell(m.mapped).commands;
  } catch {
    return; // the shell parser failed on something it should not have: nothing to say about this script
  }
  const env = { ...base.env };
  let cwd = base.cwd;
  for (const c of commands) {
    if (out.length >= MAX_BUILDS) return;
    const words = unwrapCommand(c.words);
    const name = words[0]?.value;
    if (name === 'cd' || name === 'pushd' || name === 'popd') cwd = undefined; // where later builds run is no longer known
    if (name === 'export') {
      for (const w of words.slice(1)) {
        const eq = w.value?.indexOf('=') ?? -1;
        if (w.value && eq > 0) env[w.value.slice(0, eq)] = w.value.slice(eq + 1);
      }
    }
    const sub = buildSubcommand(words);
    if (sub === undefined) continue;
    const cmdEnv = { ...env };
    for (const a of c.assigns) if (a.value !== undefined) cmdEnv[a.name] = a.value;
    const { options, positionals } = readOptions(words.slice(sub));
    const file = options.find(o => o.name === '-f' || o.name === '--file')?.value;
    const context = positionals[0]?.value;
    const dockerfile = file !== undefined ? repoPath(cwd, file) : context !== undefined ? repoPath(cwd, path.posix.join(context, 'Dockerfile')) : undefined;
    const buildArgs: CiBuildArg[] = [];
    for (const o of options) {
      if (o.name !== '--build-arg') continue;
      const w = o.valueWord ?? o.word;
      // the source text, not the value: an expansion in the value must not hide the name
      const raw = o.valueWord ? text.slice(w.start, w.end) : text.slice(w.start, w.end).replace(/^--build-arg=/, '');
      const unquoted = raw.replace(/^["']/, '');
      const eq = unquoted.indexOf('=');
      const argName = eq < 0 ? unquoted.replace(/["']$/, '') : unquoted.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(argName)) continue;
      const value = o.value === undefined ? undefined : eq < 0 ? undefined : o.value.slice(o.value.indexOf('=') + 1);
      buildArgs.push({ name: argName, value: eq < 0 ? cmdEnv[argName] : value, start: w.start, end: w.end });
    }
    const first = words[0];
    const last = words[words.length - 1];
    out.push({
      ...base,
      kind: 'command',
      env: cmdEnv,
      range: { start: document.positionAt(first.start), end: document.positionAt(last.end) },
      words,
      options,
      exact: m.exact,
      buildArgs,
      ...(dockerfile !== undefined ? { dockerfile } : {}),
      ...(options.find(o => o.name === '--target')?.value !== undefined ? { target: options.find(o => o.name === '--target')!.value } : {}),
    });
  }
}

/** The index of the first option word when `words` is `docker [global options] build|buildx build|image build`, else undefined. */
export function buildSubcommand(words: readonly ShellWord[]): number | undefined {
  const bin = words[0]?.value;
  if (bin !== 'docker' && !bin?.endsWith('/docker')) return undefined;
  let i = 1;
  while (words[i]?.value?.startsWith('-')) i += DOCKER_GLOBAL_VALUE.has(words[i].value!) ? 2 : 1;
  const sub = words[i]?.value;
  if (sub === 'build' || sub === 'builder' && words[i + 1]?.value === 'build') return sub === 'build' ? i + 1 : i + 2;
  if (sub === 'image' && words[i + 1]?.value === 'build') return i + 2;
  if (sub === 'buildx') {
    i++;
    while (words[i]?.value?.startsWith('-')) i += words[i].value === '--builder' ? 2 : 1;
    const b = words[i]?.value;
    if (b === 'build' || b === 'b') return i + 1;
  }
  return undefined;
}

/** Options and positional words of `docker build`'s arguments. */
function readOptions(words: readonly ShellWord[]): { options: CiOption[]; positionals: ShellWord[] } {
  const options: CiOption[] = [];
  const positionals: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const v = w.value;
    if (v === undefined || !v.startsWith('-') || v === '-') {
      positionals.push(w);
      continue;
    }
    if (v === '--') { positionals.push(...words.slice(i + 1)); break; }
    const eq = v.indexOf('=');
    if (v.startsWith('--') && eq > 0) {
      options.push({ name: v.slice(0, eq), value: v.slice(eq + 1), word: w });
      continue;
    }
    if (BUILD_VALUE.has(v)) {
      const next = words[i + 1];
      options.push({ name: v, value: next?.value, word: w, ...(next ? { valueWord: next } : {}) });
      i++;
      continue;
    }
    // `-tapp` and other short forms with the value attached
    if (/^-[tf]./.test(v)) {
      options.push({ name: v.slice(0, 2), value: v.slice(2), word: w });
      continue;
    }
    options.push({ name: v, value: undefined, word: w });
  }
  return { options, positionals };
}

/** GitHub: whether the workflow only runs on a schedule or by hand (`on: schedule`, `[schedule, workflow_dispatch]`). */
function githubScheduledOnly(doc: Document, root: YAMLMap): boolean {
  const on = deref(doc, pairNamed(root, 'on')?.value);
  const names = isScalar(on) ? [str(on.value)] : isSeq(on) ? on.items.map(i => (isScalar(i) ? str(i.value) : undefined)) : isMap(on) ? on.items.map(keyName) : [];
  return names.includes('schedule') && names.every(n => n === 'schedule' || n === 'workflow_dispatch');
}

/** GitLab: whether a job only runs in scheduled pipelines (`only: [schedules]`, or every rule asks for a schedule). */
function gitlabScheduledOnly(doc: Document, job: YAMLMap): boolean {
  const only = deref(doc, lookup(doc, job, 'only')?.pair.value);
  const onlyNames = isScalar(only) ? [str(only.value)] : isSeq(only) ? only.items.map(i => (isScalar(i) ? str(i.value) : undefined)) : [];
  if (onlyNames.length > 0 && onlyNames.every(n => n === 'schedules')) return true;
  const rules = deref(doc, lookup(doc, job, 'rules')?.pair.value);
  if (!isSeq(rules) || rules.items.length === 0) return false;
  return rules.items.every(r => {
    const rule = deref(doc, r);
    if (!isMap(rule)) return false;
    const when = deref(doc, pairNamed(rule, 'when')?.value);
    if (isScalar(when) && when.value === 'never') return true;
    const cond = deref(doc, pairNamed(rule, 'if')?.value);
    const s = isScalar(cond) ? str(cond.value) ?? '' : '';
    return /CI_PIPELINE_SOURCE\s*==\s*["']schedule["']/.test(s) && !s.includes('||');
  });
}

const valueOf = (n: unknown, doc: Document): CiValue | undefined => {
  const v = deref(doc, n);
  if (!isScalar(v) || !v.range) return undefined;
  const s = str(v.value);
  return s === undefined ? undefined : { value: s, start: nodeStart(v), end: nodeEnd(v) };
};

/** The repository of the first tag of `tags:` (newline- or comma-separated), when it is written plainly. */
function firstTagRepository(tags: string | undefined): string | undefined {
  const first = tags?.split(/[\n,]/).map(t => t.trim()).find(t => t.length > 0);
  if (!first || /[${}\s]/.test(first)) return undefined;
  return first.replace(/@sha256:[0-9a-f]+$/i, '').replace(/:[^/:]+$/, '');
}

/** `NAME=value` lines of the action's `build-args:` input. */
function actionBuildArgs(text: string, input: CiInput | undefined, doc: Document): CiBuildArg[] {
  if (!input) return [];
  const node = deref(doc, input.pair.value);
  const items = isSeq(node) ? node.items.map(i => deref(doc, i)) : [node];
  const out: CiBuildArg[] = [];
  for (const item of items) {
    if (!isScalar(item)) continue;
    const m = mapScalar(text, item);
    if (!m) continue;
    let at = 0;
    for (const line of m.mapped.text.split('\n')) {
      const lead = line.length - line.trimStart().length;
      const body = line.trim();
      const eq = body.indexOf('=');
      if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(body.slice(0, eq))) {
        const s = at + lead;
        const raw = String(item.value).slice(s + eq + 1, s + body.length);
        out.push({ name: body.slice(0, eq), value: raw.includes('${{') ? undefined : raw, start: m.mapped.map[s], end: m.mapped.map[s + body.length - 1] + 1 });
      }
      at += line.length + 1;
    }
  }
  return out;
}

/** One `docker/build-push-action` step. */
function actionBuild(text: string, doc: Document, document: TextDocument, step: YAMLMap, uses: CiValue, base: { job: string; env: Record<string, string>; scheduledOnly: boolean; buildx: boolean; shared?: string }): CiActionBuild {
  const withPair = pairNamed(step, 'with');
  const withNode = withPair ? deref(doc, withPair.value) : undefined;
  const withMap = isMap(withNode) ? withNode : undefined;
  const inputs: Record<string, CiInput> = {};
  for (const name of ACTION_INPUTS) {
    const pair = pairNamed(withMap, name);
    if (!pair) continue;
    const v = valueOf(pair.value, doc);
    inputs[name] = { pair, value: v?.value ?? '', start: nodeStart(pair.key as Node), end: v?.end ?? nodeEnd(pair.key as Node) };
  }
  const plain = (name: string) => (inputs[name] && !inputs[name].value.includes('${{') ? inputs[name].value.trim() : undefined);
  const context = plain('context');
  const file = plain('file');
  const dockerfile = file !== undefined ? repoPath('.', file) : context === undefined ? 'Dockerfile' : context.includes('{{') ? undefined : repoPath('.', path.posix.join(context, 'Dockerfile'));
  const via = withPair && isAlias(withPair.value) ? 'its `with:` is an alias' : undefined;
  const image = firstTagRepository(plain('tags'));
  return {
    ...base,
    ...(base.shared ?? via ? { shared: base.shared ?? via } : {}),
    kind: 'action',
    range: { start: document.positionAt(uses.start), end: document.positionAt(uses.end) },
    step,
    uses,
    ...(withPair ? { with: withPair } : {}),
    ...(withMap ? { withMap } : {}),
    inputs,
    pushes: plain('push') === 'true',
    ...(image ? { image } : {}),
    buildArgs: actionBuildArgs(text, inputs['build-args'], doc),
    ...(dockerfile !== undefined ? { dockerfile } : {}),
    ...(plain('target') ? { target: plain('target') } : {}),
  };
}

function githubJobs(text: string, doc: Document, document: TextDocument, root: YAMLMap, jobsNode: YAMLMap, builds: CiBuild[], jobs: Array<{ id: string; steps: string[] }>): void {
  const scheduledOnly = githubScheduledOnly(doc, root);
  const workflowEnv = envOf(doc, pairNamed(root, 'env')?.value);
  const mapAt = (m: YAMLMap | undefined, key: string) => {
    const v = deref(doc, pairNamed(m, key)?.value);
    return isMap(v) ? v : undefined;
  };
  const runDefaults = (m: YAMLMap | undefined) => mapAt(mapAt(m, 'defaults'), 'run');
  const shellAt = (m: YAMLMap | undefined) => str((deref(doc, pairNamed(m, 'shell')?.value) as Scalar | undefined)?.value);
  const dirAt = (m: YAMLMap | undefined) => str((deref(doc, pairNamed(m, 'working-directory')?.value) as Scalar | undefined)?.value);
  const wfRun = runDefaults(root);
  for (const jp of jobsNode.items) {
    const job = deref(doc, jp.value);
    const id = keyName(jp);
    const stepIds: string[] = [];
    jobs.push({ id, steps: stepIds });
    if (!isMap(job)) continue;
    const jobShared = isAlias(jp.value) ? 'the job is an alias of an anchor' : undefined;
    const jobEnv = { ...workflowEnv, ...envOf(doc, pairNamed(job, 'env')?.value) };
    const jobRun = runDefaults(job);
    const steps = deref(doc, pairNamed(job, 'steps')?.value);
    if (!isSeq(steps)) continue;
    let buildx = false;
    for (const item of steps.items) {
      const step = deref(doc, item);
      if (!isMap(step)) { stepIds.push('?'); continue; }
      const shared = jobShared ?? (isAlias(item) ? 'the step is an alias of an anchor' : undefined);
      const env = { ...jobEnv, ...envOf(doc, pairNamed(step, 'env')?.value) };
      const uses = valueOf(pairNamed(step, 'uses')?.value, doc);
      const run = deref(doc, pairNamed(step, 'run')?.value);
      stepIds.push(uses ? `uses ${uses.value}` : run ? 'run' : '?');
      if (uses) {
        const action = uses.value.toLowerCase();
        if (action.startsWith('docker/setup-buildx-action@')) buildx = true;
        if (action.startsWith('docker/build-push-action@') && builds.length < MAX_BUILDS) {
          builds.push(actionBuild(text, doc, document, step, uses, { job: id, env, scheduledOnly, buildx, ...(shared ? { shared } : {}) }));
        }
        continue;
      }
      if (!isScalar(run)) continue;
      const shell = shellAt(step) ?? shellAt(jobRun) ?? shellAt(wfRun);
      if (shell !== undefined && !SHELLS_WE_READ.has(shell)) continue; // pwsh, python, cmd: not sh
      const dir = dirAt(step) ?? dirAt(jobRun) ?? dirAt(wfRun);
      const cwd = dir === undefined ? '.' : repoPath('.', dir);
      const runShared = shared ?? (isAlias(pairNamed(step, 'run')?.value) ? 'the script is an alias of an anchor' : undefined);
      scriptBuilds(text, run, { job: id, env, scheduledOnly, cwd, ...(runShared ? { shared: runShared } : {}) }, document, builds);
    }
  }
}

/** The script lines of `script:` (a string, or a list of strings and of lists through anchors). */
function scriptLines(doc: Document, n: unknown, via: boolean, out: Array<{ node: Scalar; via: boolean }>, depth = 0): void {
  if (depth > 4 || out.length > MAX_BUILDS) return;
  const v = deref(doc, n);
  const aliased = via || isAlias(n);
  if (isScalar(v)) out.push({ node: v, via: aliased });
  else if (isSeq(v)) for (const item of v.items) scriptLines(doc, item, aliased, out, depth + 1);
}

function gitlabJobs(text: string, doc: Document, document: TextDocument, root: YAMLMap, builds: CiBuild[], jobs: Array<{ id: string; steps: string[] }>): void {
  const globalEnv = envOf(doc, pairNamed(root, 'variables')?.value);
  const seen = new Set<number>();
  const scan = (id: string, job: YAMLMap, jobVia: boolean) => {
    const env = { ...globalEnv, ...envOf(doc, lookup(doc, job, 'variables')?.pair.value) };
    const scheduledOnly = gitlabScheduledOnly(doc, job);
    for (const key of ['before_script', 'script', 'after_script']) {
      const hit = lookup(doc, job, key);
      if (!hit) continue;
      const lines: Array<{ node: Scalar; via: boolean }> = [];
      scriptLines(doc, hit.pair.value, jobVia || hit.via, lines);
      for (const { node, via } of lines) {
        // a script shared through an anchor is read once, where it is written
        if (!node.range || seen.has(node.range[0])) continue;
        seen.add(node.range[0]);
        scriptBuilds(text, node, { job: id, env, scheduledOnly, cwd: '.', ...(via ? { shared: 'the script comes from an anchor' } : {}) }, document, builds);
      }
    }
  };
  const defaults = deref(doc, pairNamed(root, 'default')?.value);
  if (isMap(defaults)) scan('default', defaults, false);
  scan('(global)', root, false);
  for (const p of root.items) {
    const id = keyName(p);
    if (GITLAB_KEYWORDS.has(id) || id === '<<') continue;
    const job = deref(doc, p.value);
    if (!isMap(job)) continue;
    jobs.push({ id, steps: [] });
    scan(id, job, isAlias(p.value));
  }
}

/** Parse a CI workflow. Never throws: YAML errors are listed and the builds found are kept. */
export function parseCiWorkflow(text: string): CiModel {
  const document = TextDocument.create('file:///ci.yml', 'yaml', 0, text);
  const errors: Array<{ message: string; offset: number }> = [];
  const builds: CiBuild[] = [];
  const jobs: Array<{ id: string; steps: string[] }> = [];
  let yaml: Document;
  let flavour: CiModel['flavour'] = 'gitlab';
  try {
    yaml = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
    errors.push(...yaml.errors.map(e => ({ message: e.message, offset: e.pos[0] })));
    const root = isMap(yaml.contents) ? yaml.contents : undefined;
    const jobsNode = deref(yaml, pairNamed(root, 'jobs')?.value);
    if (root && isMap(jobsNode)) {
      flavour = 'github';
      githubJobs(text, yaml, document, root, jobsNode, builds, jobs);
    } else if (root) gitlabJobs(text, yaml, document, root, builds, jobs);
  } catch (e) {
    // the parser or a walk failed on input it should not have: keep what was found, say why
    yaml ??= parseDocument('');
    errors.push({ message: `CI workflow not fully read: ${(e as Error)?.message ?? e}`, offset: 0 });
  }
  builds.sort((a, b) => document.offsetAt(a.range.start) - document.offsetAt(b.range.start));
  const sup = parseSuppressions(text, line => /^\s*(#|$)/.test(line));
  return { text, document, yaml, eol: /\r\n/.test(text) ? '\r\n' : '\n', flavour, jobs, builds, errors, ignoredGlobally: sup.global, ignoredAt: sup.at };
}

/** Where GitHub keeps workflows: `.github/workflows/<name>.yml|yaml` (a `/`-separated path). */
export const isGithubWorkflowPath = (p: string) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(p);

/** `.gitlab-ci.yml` (GitLab's default name). */
export const isGitlabCiPath = (p: string) => /(^|\/)\.gitlab-ci\.ya?ml$/i.test(p);

/** Whether a `/`-separated path is a CI workflow this kind lints. */
export const isCiWorkflowPath = (p: string) => isGithubWorkflowPath(p) || isGitlabCiPath(p);

/**
 * The repository root a workflow's paths are relative to: the folder holding `.github/` for GitHub
 * workflows (the runner checks the repository out there), the folder of `.gitlab-ci.yml` for GitLab.
 */
export function ciRepositoryRoot(file: string): string {
  const p = file.replace(/\\/g, '/');
  const at = p.toLowerCase().lastIndexOf('/.github/workflows/');
  if (at >= 0) return file.slice(0, at) || '/';
  if (/^\.github\/workflows\//i.test(p)) return '.';
  return path.dirname(file);
}

/** The Dockerfiles the workflow's builds name, relative to the repository root (for the workspace facts). */
export const ciDockerfiles = (model: CiModel): string[] => [...new Set(model.builds.flatMap(b => (b.dockerfile ? [b.dockerfile] : [])))];
