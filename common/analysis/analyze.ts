import { type Copy, type Flag, type From, type Instruction, type JSONArgument, type JSONInstruction, type Property, type Run } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import './astMemo';
import { parseDockerfile } from './dockerfileParse';
import type { CopyFact, CopySource, DockerfileModel, InstructionFact, RunFact, SourceKind, StageFact } from './model';
import { EnvScope, EXPANSION_LIMITS, ExpansionBudget } from './envScope';
import { mountsOf, resolvePath } from './mounts';
import { recogniseInvocation, type PackageInvocation } from './packageManagers';
import { identityText, joinContinuations, parseShell, type ShellCommand, type ShellScript } from './shell';
import { parseSuppressions } from './suppressions';
import { lastSegment, trimTrailingSlashes } from './text';
import { recordAccount, resolveUser, ROOT, type UserFact } from './users';

type Env = EnvScope;
type Accounts = { users: Map<string, { uid?: number; gid?: number; group?: string; home: string }>; groups: Map<string, number | undefined> };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Expand `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR:+x}` the way Docker does; undefined when a used value is
 * unknown, or when the expansion would grow the text past EXPANSION_LIMITS.perValue or past what
 * `budget` (one per analysis) has left.
 */
export function expandVars(value: string, env: ReadonlyMap<string, string | undefined>, escapeChar = '\\', budget?: ExpansionBudget): string | undefined {
  let unknown = false;
  let growth = 0;
  const expand = (m: string, name: string, op: string | undefined, word: string, offset: number): string => {
    // once over budget the result is discarded: stop building it
    if (unknown) return '';
    if (offset > 0 && value[offset - 1] === escapeChar) return m;
    const has = env.has(name);
    const v = env.get(name);
    if (has && v === undefined && !op) { unknown = true; return ''; }
    let piece: string;
    if (op === ':-' || op === '-') piece = v ? v : op === '-' && has ? v ?? '' : word;
    else if (op === ':+' || op === '+') piece = v ? word : '';
    else piece = v ?? '';
    growth += piece.length - m.length;
    if (growth > EXPANSION_LIMITS.perValue) { unknown = true; return ''; }
    return piece;
  };
  // scanned by hand: a RegExp retried `[^}]*` to the end from every unclosed `${A+` (quadratic)
  let out = '';
  let i = 0;
  let close = -2; // the next `}` at or after the scan position; -1 once there is none
  const closeFrom = (from: number) => {
    if (close !== -1 && close < from) close = value.indexOf('}', from);
    return close;
  };
  const nameEnd = (from: number) => {
    if (from >= value.length || !NAME_START.test(value[from])) return from;
    let k = from + 1;
    while (k < value.length && NAME_CHAR.test(value[k])) k++;
    return k;
  };
  for (let d = value.indexOf('$'); d >= 0 && !unknown; d = value.indexOf('$', i)) {
    out += value.slice(i, d);
    i = d + 1;
    const braced = value[d + 1] === '{';
    const k = nameEnd(braced ? d + 2 : d + 1);
    if (k === (braced ? d + 2 : d + 1)) { out += '$'; continue; }
    if (!braced) {
      out += expand(value.slice(d, k), value.slice(d + 1, k), undefined, '', d);
      i = k;
      continue;
    }
    const name = value.slice(d + 2, k);
    if (value[k] === '}') {
      out += expand(value.slice(d, k + 1), name, undefined, '', d);
      i = k + 1;
      continue;
    }
    const opEnd = value[k] === ':' ? k + 1 : k;
    const c = value[opEnd] === '-' || value[opEnd] === '+' ? closeFrom(opEnd + 1) : -1;
    if (c < 0) { out += '$'; continue; }
    out += expand(value.slice(d, c + 1), name, value.slice(k, opEnd + 1), value.slice(opEnd + 1, c), d);
    i = c + 1;
  }
  if (unknown) return undefined;
  out += value.slice(i);
  if (growth > 0 && budget && !budget.take(growth)) return undefined;
  return out;
}

/** A file name with its wildcards (`*`, `?`, `[...]`) taken out, in one pass. */
function withoutWildcards(s: string): string {
  let out = '';
  let close = -2; // the next `]` after the scan position; -1 once there is none
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' || c === '?') continue;
    if (c === '[') {
      if (close !== -1 && close <= i) close = s.indexOf(']', i + 1);
      if (close > i) { i = close; continue; }
    }
    out += c;
  }
  return out;
}

const MANIFEST_NAMES = /^(requirements[\w.-]*\.(txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|setup\.(py|cfg)|poetry\.lock|uv\.lock|Pipfile(\.lock)?|package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|\.yarnrc(\.yml)?|\.npmrc|pnpm-(lock|workspace)\.yaml|go\.(mod|sum|work)|Cargo\.(toml|lock)|pom\.xml|(build|settings)\.gradle(\.kts)?|gradle\.properties|Gemfile(\.lock)?|\.ruby-version|composer\.(json|lock)|.*\.(csproj|fsproj|vbproj|sln|slnx)|(packages\.lock|global|nuget)\.json|Directory\.(Build|Packages)\.props|NuGet\.config|environment\.ya?ml|conda-lock\.yml|\.python-version|\.nvmrc|\.tool-versions)$/i;
const MANIFEST_STEMS = /^(requirements|constraints|package|go|Cargo|Gemfile|Pipfile|poetry|composer|yarn|pnpm|pom|build|settings|environment|uv)\b|\.(csproj|fsproj|vbproj|sln|lock|toml|gradle|kts)$/i;
const SOURCE_EXT = /\.(py|pyx|ipynb|js|mjs|cjs|jsx|ts|tsx|vue|svelte|go|rs|rb|php|java|kt|scala|cs|fs|c|cc|cpp|h|hpp|swift|ex|exs|erl|hs|ml|lua|pl|r|jl|dart|html|css|scss)$/i;
const EXTENSIONLESS_FILES = /^(Gemfile|Pipfile|Makefile|GNUmakefile|Dockerfile|Containerfile|Procfile|LICEN[CS]E|NOTICE|README|AUTHORS|CONTRIBUTORS|MAINTAINERS|CHANGELOG|CHANGES|HISTORY|COPYING|COPYRIGHT|PATENTS|Jenkinsfile|Vagrantfile|Rakefile|Brewfile|Justfile|Caddyfile|CODEOWNERS|VERSION)$/i;

/** Classify a COPY/ADD source for caching purposes. */
export function classifySource(src: string): SourceKind {
  const s = src.replace(/^\.\//, '');
  if (s === '' || s === '.' || s === '*' || s === '/' || s === '**' || s === '.*' || s === './*') return 'context';
  const base = lastSegment(trimTrailingSlashes(s));
  if (/[*?[]/.test(base)) {
    const probe = withoutWildcards(base);
    return MANIFEST_STEMS.test(probe) || MANIFEST_NAMES.test(probe) ? 'manifest' : 'glob';
  }
  if (s.endsWith('/')) return 'directory';
  if (MANIFEST_NAMES.test(base)) return 'manifest';
  if (SOURCE_EXT.test(base)) return 'source-file';
  if (/[*?[]/.test(s)) return 'glob';
  if (!base.includes('.') && !EXTENSIONLESS_FILES.test(base)) return 'directory';
  return 'file';
}

const BROAD: ReadonlySet<SourceKind> = new Set(['context', 'directory', 'glob', 'source-file']);

/** A JSON exec-form string's value, decoded from its source text (dockerfile-ast's values drop spaces). */
function jsonValue(j: JSONArgument, doc: TextDocument): string {
  try {
    const v: unknown = JSON.parse(doc.getText(j.getRange()));
    if (typeof v === 'string') return v;
  } catch { /* fall through */ }
  return j.getJSONValue();
}

function runFact(inst: Run, doc: TextDocument, text: string, escapeChar: string, parseCommands = true): RunFact {
  const flags = inst.getFlags();
  const mounts = mountsOf(flags);
  const argsRange = inst.getArgumentsRange();
  const end = doc.offsetAt(inst.getRange().end);
  const commandStart = argsRange ? doc.offsetAt(argsRange.start) : end;
  const json = (inst as unknown as JSONInstruction).getJSONStrings?.() ?? [];
  let script: ShellScript;
  let form: RunFact['form'] = 'shell';
  if (json.length > 0 && text[commandStart] === '[') {
    form = 'exec';
    const words = json.map(j => {
      const s = doc.offsetAt(j.getRange().start);
      const e = doc.offsetAt(j.getRange().end);
      return { text: text.slice(s, e), value: jsonValue(j, doc), start: s, end: e };
    });
    const commands: ShellCommand[] = [{ words, assigns: [], start: words[0].start, end: words[words.length - 1].end, nested: false }];
    // ["sh", "-c", "script"]: the script is shell
    if (parseCommands && /^(\/bin\/)?(ba|da|a)?sh$/.test(words[0].value ?? '') && words[1]?.value === '-c' && words[2]) {
      const inner = parseShell(identityText(words[2].value!, words[2].start + 1));
      commands.push(...inner.commands.map(c => ({ ...c, nested: true })));
    }
    script = { commands };
  } else {
    script = parseCommands ? parseShell(joinContinuations(text, commandStart, end, escapeChar)) : { commands: [] };
  }
  const invocations = script.commands.map(recogniseInvocation).filter((x): x is PackageInvocation => x !== undefined);
  return { form, flags, mounts, script, invocations, commandStart, execStrings: form === 'exec' ? json : undefined };
}

/**
 * `run` as made for the same RUN `delta` characters further on in the document: every document offset it
 * holds moved by `delta` (the same object when `delta` is 0). Words and commands shared between the script
 * and its invocations stay shared. Undefined if an invocation names a word or command the script does not
 * hold (then the facts are made again).
 */
function movedRunFact(run: RunFact, delta: number): RunFact | undefined {
  if (delta === 0) return run;
  // the invocations' words are the commands' own: found again by command and position
  const movedCommands = new Map<ShellCommand, ShellCommand>();
  const commands = run.script.commands.map(c => {
    const words = c.words.map(w => ({ text: w.text, value: w.value, start: w.start + delta, end: w.end + delta }));
    const assigns = c.assigns.length === 0 ? c.assigns : c.assigns.map(a => ({ name: a.name, value: a.value, start: a.start + delta, end: a.end + delta }));
    const moved: ShellCommand = c.runAs !== undefined
      ? { words, assigns, start: c.start + delta, end: c.end + delta, nested: c.nested, runAs: c.runAs }
      : { words, assigns, start: c.start + delta, end: c.end + delta, nested: c.nested };
    movedCommands.set(c, moved);
    return moved;
  });
  const invocations: PackageInvocation[] = [];
  for (const i of run.invocations) {
    const command = movedCommands.get(i.command);
    if (!command) return undefined;
    const k = i.command.words.indexOf(i.words[0]);
    const noCache = i.noCacheWords.map(w => i.command.words.indexOf(w));
    if (k < 0 || i.words.some((w, n) => i.command.words[k + n] !== w) || noCache.includes(-1)) return undefined;
    invocations.push({ ...i, command, words: command.words.slice(k, k + i.words.length), noCacheWords: noCache.map(n => command.words[n]) });
  }
  return { ...run, script: { ...run.script, commands }, invocations, commandStart: run.commandStart + delta };
}

/** Models whose RUN facts hold parsed shell commands (analysed with `shell` on): their RUN facts can be reused. */
const withCommands = new WeakSet<DockerfileModel>();

function copyFact(inst: Copy, doc: TextDocument, workdir: string, env: Env, stageNames: Map<string, number>, escapeChar: string, budget: ExpansionBudget): CopyFact {
  const flags = inst.getFlags();
  const fromFlag = flags.find(f => f.getName().toLowerCase() === 'from');
  const from = fromFlag?.getValue() ?? undefined;
  const heredoc = (inst.getHeredocs?.() ?? []).length > 0;
  const json = inst.getJSONStrings();
  const args = json.length > 0 ? json.map(j => ({ value: jsonValue(j, doc), range: j.getRange() })) : inst.getArguments().map(a => ({ value: a.getValue(), range: a.getRange() }));
  const dest = args.length >= 2 ? args[args.length - 1] : undefined;
  const rawSources = heredoc ? [] : args.slice(0, -1);
  const sources: CopySource[] = rawSources.map(a => {
    const v = expandVars(a.value, env, escapeChar, budget) ?? a.value;
    return { value: v, range: a.range, kind: classifySource(v) };
  });
  const destValue = dest ? expandVars(dest.value, env, escapeChar, budget) : undefined;
  const destAbs = destValue !== undefined ? resolvePath(workdir, destValue) + (destValue.endsWith('/') || destValue === '.' ? '/' : '') : undefined;
  const fromStage = from !== undefined ? stageNames.get(from.toLowerCase()) ?? (/^\d+$/.test(from) ? Number(from) : undefined) : undefined;
  // ADD of a URL downloads; it is not a context copy
  const remote = (v: string) => /^(https?|git|ssh):\/\//.test(v) || /^git@/.test(v);
  const broad = from === undefined && !heredoc && sources.some(s => BROAD.has(s.kind) && !remote(s.value));
  return { sources, dest, destAbs, from, fromStage, heredoc, flags, broad };
}

/** The name/value properties of an ARG or ENV instruction (none for other instructions). */
export const propertiesOf = (inst: Instruction): Property[] => (inst as unknown as { getProperties?: () => Property[] }).getProperties?.() ?? [];

/** Parse a Dockerfile once and derive the facts every rule reads. */
export interface AnalyzeOptions {
  /** Parse RUN commands with the shell parser (default). Off: structure only (stages, lines, mounts). */
  readonly shell?: boolean;
}

/**
 * `previous`: the model of an earlier version of the same document; the instructions an edit did not
 * touch are then not parsed again (dockerfileParse.ts says when that holds).
 */
export function analyze(text: string, options: AnalyzeOptions = {}, previous?: DockerfileModel): DockerfileModel {
  const parseCommands = options.shell !== false;
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const parse = parseDockerfile(text, previous?.parse);
  const escapeChar = parse.escapeChar;
  // a RUN kept from the previous version's parse has the same text: its facts are the same, moved with it
  const keptRuns = new Map<Instruction, RunFact>();
  if (previous && parseCommands && withCommands.has(previous)) {
    for (const i of previous.instructions) if (i.run && !i.onbuild) keptRuns.set(i.node, i.run);
  }
  const eol: '\n' | '\r\n' = /\r\n/.test(text) ? '\r\n' : '\n';

  const instructions: InstructionFact[] = [];
  const stages: StageFact[] = [];
  const stageNames = new Map<string, number>();
  const globalArgs = new Map<string, string | undefined>();
  const stageEnd: Array<{ env: Env; user: UserFact; workdir: string; accounts: Accounts; userSpec?: string }> = [];

  const budget = new ExpansionBudget();
  let env: Env = EnvScope.empty();
  let user: UserFact = ROOT;
  let userSpec: string | undefined;
  let workdir = '/';
  let accounts: Accounts = { users: new Map(), groups: new Map() };
  let stage: StageFact | undefined;

  const push = (node: Instruction, extra: Partial<InstructionFact> = {}, onbuild = false): InstructionFact => {
    const fact: InstructionFact = { index: instructions.length, keyword: node.getKeyword().toUpperCase(), node, range: node.getRange(), stage, env, user, workdir, onbuild, ...extra };
    instructions.push(fact);
    // ONBUILD triggers run in child images, not in this stage's layer chain
    if (!onbuild) stage?.instructions.push(fact);
    return fact;
  };

  const setVar = (name: string, value: string | undefined) => {
    env = env.with(name, value);
    if (name === 'HOME' && value && userSpec !== undefined) user = resolveUser(userSpec, accounts, value);
    else if (name === 'HOME' && value && user.root) user = { ...user, home: value };
  };

  for (const [at, node] of parse.instructions.entries()) {
    const keyword = node.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      if (stage) stageEnd[stage.index] = { env, user, workdir, accounts, userSpec };
      const from = node as From;
      const rawImage = from.getImage() ?? '';
      const image = expandVars(rawImage, globalArgs, escapeChar, budget) ?? rawImage;
      const parent = stageNames.get(image.toLowerCase());
      const name = from.getBuildStage() ?? undefined;
      if (parent !== undefined && stageEnd[parent]) {
        const p = stageEnd[parent];
        env = p.env;
        user = p.user;
        userSpec = p.userSpec;
        workdir = p.workdir;
        accounts = { users: new Map(p.accounts.users), groups: new Map(p.accounts.groups) };
      } else {
        env = EnvScope.empty();
        user = ROOT;
        userSpec = undefined;
        workdir = '/';
        accounts = { users: new Map(), groups: new Map() };
      }
      const index = stages.length;
      stage = { index, name, image, parent, from: undefined as unknown as InstructionFact, instructions: [] };
      stages.push(stage);
      if (name) stageNames.set(name.toLowerCase(), index);
      const fact: InstructionFact = { index: instructions.length, keyword, node, range: node.getRange(), stage, env, user, workdir, onbuild: false };
      instructions.push(fact);
      (stage as { from: InstructionFact }).from = fact;
      continue;
    }
    if (!stage) {
      // ARGs before the first FROM are only visible to FROM lines and to stages that redeclare them
      if (keyword === 'ARG') for (const p of propertiesOf(node)) globalArgs.set(p.getName(), p.getValue() ?? undefined);
      push(node);
      continue;
    }
    switch (keyword) {
      case 'ARG': {
        push(node);
        for (const p of propertiesOf(node)) {
          const v = p.getValue();
          const name = p.getName();
          // a stage-level `ARG NAME` with no value picks up the global default; ENV wins over ARG
          if (env.has(name) && v === null) continue;
          setVar(name, v !== null ? expandVars(v, env, escapeChar, budget) : globalArgs.get(name));
        }
        break;
      }
      case 'ENV': {
        push(node);
        const before = env;
        for (const p of propertiesOf(node)) {
          const v = p.getValue();
          // all assignments of one ENV line see the values from before the line
          setVar(p.getName(), v === null ? '' : expandVars(v, before, escapeChar, budget));
        }
        break;
      }
      case 'WORKDIR': {
        push(node);
        const arg = node.getArgumentsContent();
        const dir = arg ? expandVars(arg.trim(), env, escapeChar, budget) : undefined;
        if (dir !== undefined) workdir = resolvePath(workdir, dir);
        break;
      }
      case 'USER': {
        push(node);
        const spec = node.getArgumentsContent()?.trim();
        const expanded = spec ? expandVars(spec, env, escapeChar, budget) : undefined;
        if (expanded) {
          userSpec = expanded;
          user = resolveUser(expanded, accounts, env.get('HOME'));
        }
        break;
      }
      case 'RUN': {
        const kept = keptRuns.get(node);
        const moved = kept && movedRunFact(kept, document.offsetAt(node.getRange().start) - previous!.document.offsetAt(node.getRange().start));
        const run = moved ?? runFact(node as Run, document, text, escapeChar, parseCommands);
        push(node, { run });
        for (const c of run.script.commands) recordAccount(c, accounts);
        if (userSpec !== undefined) user = resolveUser(userSpec, accounts, env.get('HOME'));
        break;
      }
      case 'COPY':
      case 'ADD':
        push(node, { copy: copyFact(node as Copy, document, workdir, env, stageNames, escapeChar, budget) });
        break;
      case 'ONBUILD': {
        push(node);
        const trigger = parse.triggers[at];
        if (trigger) {
          const tk = trigger.getKeyword().toUpperCase();
          if (tk === 'RUN') push(trigger, { run: runFact(trigger as Run, document, text, escapeChar, parseCommands) }, true);
          else if (tk === 'COPY' || tk === 'ADD') push(trigger, { copy: copyFact(trigger as Copy, document, workdir, env, stageNames, escapeChar, budget) }, true);
        }
        break;
      }
      default:
        push(node);
    }
  }

  const lineOf = new Map<number, number>();
  for (const i of instructions) lineOf.set(i.range.start.line, i.index);
  // a comment applies to the instruction directly below the run of comment lines it is part of
  const sup = parseSuppressions(text, line => /^\s*#/.test(line));
  for (const line of sup.at.keys()) if (!lineOf.has(line)) sup.at.delete(line);
  const model: DockerfileModel = { text, document, parse, directives: parse.directives, escapeChar, eol, instructions, stages, ignoredGlobally: sup.global, ignoredAt: sup.at };
  if (parseCommands) withCommands.add(model);
  return model;
}

/** Flags of an instruction by name (lower-case). */
export const flagNamed = (flags: readonly Flag[], name: string) => flags.find(f => f.getName().toLowerCase() === name);
