/**
 * Shell parsing for RUN instructions, on top of mvdan-sh (the Go `mvdan.cc/sh` parser compiled to JS).
 * It understands quotes, `&&`/`||`/`;`/pipes, subshells, command substitution and heredocs, and gives
 * positions, so every word found here maps back to an exact range of the Dockerfile.
 */
import { changedSpan, shortOptionsWith } from './text';
// mvdan-sh ships no types; the small surface used here is typed below.
// Loaded on first use: the VS Code client bundles the analysis without the shell parser (it never parses
// RUN commands), and marks mvdan-sh external.
let sh: { syntax: ShSyntax } | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above); an import would load it always
const shellSyntax = (): ShSyntax => (sh ??= require('mvdan-sh') as { syntax: ShSyntax }).syntax;

interface ShPos { Offset(): number }
interface ShNode { Pos(): ShPos; End(): ShPos }
interface ShWord extends ShNode { Parts: ShNode[]; Lit(): string }
interface ShCallExpr extends ShNode { Assigns: Array<ShNode & { Name: { Value: string }; Value: ShWord | null }>; Args: ShWord[] }
interface ShRedirect extends ShNode { Op: number; Hdoc: ShWord | null; Word: ShWord | null }
interface ShStmt extends ShNode { Cmd: ShNode | null; Redirs: ShRedirect[] }
interface ShSyntax {
  NewParser(...opts: unknown[]): { Parse(src: string, name: string): ShNode };
  Walk(node: ShNode, fn: (n: ShNode | null) => boolean): void;
  NodeType(node: ShNode): string;
  Variant(v: number): unknown;
  LangBash: number;
}

const HEREDOC_OPS = new Set([61, 62]); // `<<` and `<<-` in mvdan-sh's RedirOperator enum
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', '/bin/sh', '/bin/bash', '/bin/ash', '/bin/dash', '/usr/bin/bash', '/usr/bin/env']);

/** A word of a simple command with its exact place in the document. */
export interface ShellWord {
  /** The source text of the word, quotes included. */
  readonly text: string;
  /** The word after quote removal, or undefined when it contains an expansion ($VAR, $(...)). */
  readonly value: string | undefined;
  /** Document offsets (UTF-16), end exclusive. */
  readonly start: number;
  readonly end: number;
}

/** One simple command (`pip install -r x`), with its leading `VAR=value` assignments. */
export interface ShellCommand {
  readonly words: ShellWord[];
  readonly assigns: ReadonlyArray<{ name: string; value: string | undefined; start: number; end: number }>;
  readonly start: number;
  readonly end: number;
  /** True when found inside `sh -c '…'` or a heredoc script rather than in the RUN text itself. */
  readonly nested: boolean;
  /** The user given to `su <user> -c '…'` / `runuser`: the command runs as them, not as the RUN's USER. */
  readonly runAs?: string;
}

export interface ShellScript {
  readonly commands: ShellCommand[];
  /** Parse error of the top-level script, if any (the commands found before it are still listed). */
  readonly error?: string;
}

/**
 * A piece of document text prepared for the shell parser: `text[i]` came from document offset `map[i]`.
 * Line continuations and comment lines inside them are removed, the way Docker removes them before
 * handing the command to `/bin/sh -c`.
 */
export interface MappedText {
  readonly text: string;
  readonly map: Int32Array;
  /** Document offset just past the end of the text. */
  readonly endOffset: number;
}

/** Prepare `doc[start, end)` of a shell-form RUN for parsing. */
export function joinContinuations(doc: string, start: number, end: number, escapeChar: string): MappedText {
  // kept characters are copied in runs (one slice per run between removed pieces), mapped one by one
  const parts: string[] = [];
  const map = new Int32Array(end - start + 1);
  let n = 0;
  let i = start;
  let run = start; // where the current run of kept characters starts
  const cut = (from: number, to: number) => {
    if (from > run) parts.push(doc.slice(run, from));
    run = to;
  };
  let inHeredoc = false; // continuation rules do not apply in heredoc bodies; keep them verbatim
  if (/<<-?\s*['"]?[A-Za-z_]/.test(doc.slice(start, Math.min(end, start + 4096)))) inHeredoc = true;
  while (i < end) {
    const c = doc[i];
    if (!inHeredoc && c === escapeChar) {
      // escape followed by optional spaces then a newline: a line continuation
      let j = i + 1;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (j < end && (doc[j] === '\n' || doc[j] === '\r')) {
        if (doc[j] === '\r' && doc[j + 1] === '\n') j++;
        j++;
        // skip comment lines and empty lines that follow inside the continuation
        for (;;) {
          let k = j;
          while (k < end && (doc[k] === ' ' || doc[k] === '\t')) k++;
          if (k < end && doc[k] === '#') {
            while (k < end && doc[k] !== '\n') k++;
            j = Math.min(end, k + 1);
            continue;
          }
          if (k < end && (doc[k] === '\n' || doc[k] === '\r')) {
            if (doc[k] === '\r' && doc[k + 1] === '\n') k++;
            j = k + 1;
            continue;
          }
          break;
        }
        cut(i, j);
        i = j;
        continue;
      }
      if (escapeChar !== '\\') {
        // with `# escape=\``, a backslash is an ordinary character for Docker but the shell still sees it
        map[n++] = i; i++;
        continue;
      }
    }
    if (c === '\r' && doc[i + 1] === '\n') { cut(i, i + 1); i++; continue; } // CRLF → LF, the shell sees LF
    map[n++] = i;
    i++;
  }
  cut(end, end);
  map[n] = end;
  return { text: parts.join(''), map: map.subarray(0, n + 1), endOffset: end };
}

/** Plain mapping for text that is already what the shell sees (heredoc bodies, exec-form strings). */
export function identityText(text: string, docOffset: number): MappedText {
  const map = new Int32Array(text.length + 1);
  for (let i = 0; i <= text.length; i++) map[i] = docOffset + i;
  return { text, map, endOffset: docOffset + text.length };
}

/** mvdan-sh reports UTF-8 byte offsets; convert to UTF-16 indexes of the parsed string. */
function byteToCharIndex(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return b => b;
  const table: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) table.push(i);
    if (cp >= 0x10000) i++;
  }
  table.push(text.length);
  return b => table[Math.min(b, table.length - 1)];
}

function wordValue(word: ShWord, syntax: ShSyntax): string | undefined {
  let value = '';
  for (const part of word.Parts) {
    const type = syntax.NodeType(part);
    if (type === 'Lit') value += (part as unknown as { Value: string }).Value.replace(/\\(.)/gs, '$1');
    else if (type === 'SglQuoted') {
      const q = part as unknown as { Value: string; Dollar: boolean };
      if (q.Dollar) return undefined;
      value += q.Value;
    } else if (type === 'DblQuoted') {
      for (const inner of (part as unknown as { Parts: ShNode[] }).Parts) {
        if (syntax.NodeType(inner) !== 'Lit') return undefined;
        value += (inner as unknown as { Value: string }).Value.replace(/\\([$`"\\\n])/g, '$1');
      }
    } else return undefined;
  }
  return value;
}

/**
 * mvdan-sh is Go compiled by GopherJS; every property read through its JS wrappers costs ~0.1 ms.
 * The wrapped objects expose the underlying Go structs as `__internal_object__`, whose fields are
 * plain JS properties: walking those is ~100x faster. This walker reads that layout (mvdan-sh 0.10,
 * pinned in package.json); `walkWrapped` is the slow, public-API fallback.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mvdan-sh's GopherJS objects: untyped, fields differ by node type
interface RawNode { [k: string]: any }
type OnCall = (words: RelCommand['words'], assigns: RelCommand['assigns'], start: number, end: number) => void;
type OnHeredoc = (cmdName: string | undefined, hasCmd: boolean, bodyStart: number, bodyEnd: number, delimText: string) => void;
/** The plain literals of a word (see Regions), reported with the word object they belong to. */
type OnLiteral = (word: RelCommand['words'][number], literals: Literal[]) => void;

const slice = (s: RawNode | null | undefined): RawNode[] => {
  if (!s || !s.$array) return [];
  const out: RawNode[] = [];
  for (let i = 0; i < s.$length; i++) out.push(s.$array[s.$offset + i]);
  return out;
};
const kind = (n: RawNode | null | undefined): string => (n && n.constructor && (n.constructor as { string?: string }).string) || '';
const isNil = (n: RawNode | null | undefined) => !n || n === (n.constructor as { nil?: unknown })?.nil;
/** Go strings arrive as one JS char per UTF-8 byte. */
const goString = (s: unknown): string => (typeof s === 'string' && /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : String(s));

/** Byte offsets of a word part, or undefined when its end cannot be read directly. */
function partSpan(p: RawNode): [number, number] | undefined {
  switch (kind(p)) {
    case '*syntax.Lit': return [p.ValuePos.offs, p.ValueEnd.offs];
    case '*syntax.SglQuoted': return [p.Left.offs, p.Right.offs + 1];
    case '*syntax.DblQuoted': return [p.Left.offs, p.Right.offs + 1];
    case '*syntax.CmdSubst': return [p.Left.offs, p.Right.offs + 1];
    case '*syntax.ParamExp':
      if (p.Short && !isNil(p.Param)) return [p.Dollar.offs, p.Param.ValueEnd.offs];
      if (p.Rbrace && p.Rbrace.offs > 0) return [p.Dollar.offs, p.Rbrace.offs + 1];
      return undefined;
    default: return undefined;
  }
}

/** Characters that never start or end a shell token, an expansion, a glob or an assignment inside a literal. */
const PLAIN = /^[A-Za-z0-9_.,/:+@%-]*$/;
const unescapeBare = (s: string) => s.replace(/\\(.)/gs, '$1');
const unescapeQuoted = (s: string) => s.replace(/\\([$`"\\\n])/g, '$1');

/** A plain literal of a word: its start and end (characters), and where its text starts in the word's value (-1: the word has no value). */
type Literal = [start: number, end: number, valueAt: number];

/**
 * A word's value after quote removal, or undefined when it has an expansion. With `literals`, the walk
 * also collects the word's plain literals (see Regions): bare or double-quoted `Lit`s of PLAIN characters,
 * past expansions too.
 */
function rawWordValue(parts: RawNode[], literals?: { readonly toChar: (b: number) => number; readonly found: Literal[] }): string | undefined {
  let value: string | undefined = '';
  const lit = (l: RawNode, unescape: (s: string) => string) => {
    const v = goString(l.Value);
    if (literals && PLAIN.test(v)) literals.found.push([literals.toChar(l.ValuePos.offs), literals.toChar(l.ValueEnd.offs), value === undefined ? -1 : value.length]);
    if (value !== undefined) value += unescape(v);
  };
  for (const part of parts) {
    const k = kind(part);
    if (k === '*syntax.Lit') lit(part, unescapeBare);
    else if (k === '*syntax.SglQuoted' && !part.Dollar) {
      if (value !== undefined) value += goString(part.Value);
    } else if (k === '*syntax.DblQuoted') {
      for (const inner of slice(part.Parts)) {
        if (kind(inner) === '*syntax.Lit') lit(inner, unescapeQuoted);
        else value = undefined;
      }
    } else value = undefined;
    if (value === undefined && !literals) return undefined;
  }
  return value;
}

function walkRaw(file: RawNode, text: string, toChar: (b: number) => number, onCall: OnCall, onHeredoc: OnHeredoc, onLiteral?: OnLiteral): void {
  let fallback = false;
  const wordSpan = (w: RawNode): [number, number] | undefined => {
    const parts = slice(w.Parts);
    if (parts.length === 0) return undefined;
    const a = partSpan(parts[0]);
    const b = partSpan(parts[parts.length - 1]);
    if (!a || !b) return undefined;
    return [toChar(a[0]), toChar(b[1])];
  };
  const word = (w: RawNode, literals?: Literal[]) => {
    const sp = isNil(w) ? undefined : wordSpan(w);
    if (!sp) { fallback = true; return undefined; }
    return { text: text.slice(sp[0], sp[1]), value: rawWordValue(slice(w.Parts), literals && { toChar, found: literals }), start: sp[0], end: sp[1] };
  };
  const wordsIn = (w: RawNode) => {
    // command substitutions inside a word run commands too
    for (const part of slice(w.Parts)) {
      const k = kind(part);
      if (k === '*syntax.CmdSubst') stmts(part.Stmts);
      else if (k === '*syntax.DblQuoted') for (const inner of slice(part.Parts)) if (kind(inner) === '*syntax.CmdSubst') stmts(inner.Stmts);
    }
  };
  const stmt = (st: RawNode) => {
    if (isNil(st)) return;
    const cmd = st.Cmd;
    const k = isNil(cmd) ? '' : kind(cmd);
    let cmdName: string | undefined;
    if (k === '*syntax.CallExpr') {
      const args = slice(cmd.Args);
      const first = args.length ? word(args[0]) : undefined;
      // literals are reported in the arguments after the command name, of a command that is not a shell
      // or su: no keyword, assignment or script parsed again lives there
      const name = first?.value;
      const reported = onLiteral && name !== undefined && name !== 'su' && !SHELLS.has(name) ? onLiteral : undefined;
      const words = args.map((a, i) => {
        if (i === 0) return first;
        const found: Literal[] | undefined = reported && [];
        const w = word(a, found);
        if (w && found?.length) reported!(w, found);
        return w;
      }).filter((w): w is NonNullable<typeof w> => w !== undefined);
      const assigns = slice(cmd.Assigns).map(a => {
        const nameStart = toChar(a.Name.ValuePos.offs);
        const v = a.Value && !isNil(a.Value) && slice(a.Value.Parts).length ? a.Value : undefined;
        const vs = v ? wordSpan(v) : undefined;
        const end = vs ? vs[1] : toChar(a.Name.ValueEnd.offs) + (a.Naked ? 0 : 1);
        return { name: goString(a.Name.Value), value: v ? rawWordValue(slice(v.Parts)) : '', start: nameStart, end };
      });
      if (words.length === args.length && (words.length || assigns.length)) {
        const start = Math.min(words[0]?.start ?? Infinity, assigns[0]?.start ?? Infinity);
        const end = Math.max(words[words.length - 1]?.end ?? 0, assigns[assigns.length - 1]?.end ?? 0);
        onCall(words, assigns, start, end);
      }
      cmdName = words[0]?.value;
      args.forEach(wordsIn);
      for (const a of slice(cmd.Assigns)) if (a.Value && !isNil(a.Value)) wordsIn(a.Value);
    } else if (k === '*syntax.BinaryCmd') { stmt(cmd.X); stmt(cmd.Y); }
    else if (k === '*syntax.Subshell' || k === '*syntax.Block') stmts(cmd.Stmts);
    else if (k === '*syntax.IfClause') {
      for (let c: RawNode | null = cmd; !isNil(c) && kind(c) === '*syntax.IfClause'; c = c!.Else) { stmts(c!.Cond); stmts(c!.Then); }
    } else if (k === '*syntax.WhileClause') { stmts(cmd.Cond); stmts(cmd.Do); }
    else if (k === '*syntax.ForClause') stmts(cmd.Do);
    else if (k === '*syntax.CaseClause') for (const item of slice(cmd.Items)) stmts(item.Stmts);
    else if (k === '*syntax.FuncDecl') { if (!isNil(cmd.Body)) stmt(cmd.Body); }
    else if (k === '*syntax.TimeClause' || k === '*syntax.CoprocClause') { if (cmd.Stmt && !isNil(cmd.Stmt)) stmt(cmd.Stmt); }
    for (const r of slice(st.Redirs)) {
      if (!HEREDOC_OPS.has(r.Op) || !r.Hdoc || isNil(r.Hdoc)) continue;
      const hs = wordSpan(r.Hdoc);
      if (!hs) { fallback = true; continue; }
      const ds = r.Word && !isNil(r.Word) ? wordSpan(r.Word) : undefined;
      onHeredoc(cmdName, k !== '', hs[0], hs[1], ds ? text.slice(ds[0], ds[1]) : '');
    }
  };
  const stmts = (s: RawNode) => { for (const st of slice(s)) stmt(st); };
  stmts(file.Stmts);
  if (fallback) throw new RawWalkIncomplete();
}

class RawWalkIncomplete extends Error {}

function walkWrapped(file: ShNode, text: string, span: (n: ShNode) => { start: number; end: number }, syntax: ShSyntax, onCall: OnCall, onHeredoc: OnHeredoc): void {
  syntax.Walk(file, node => {
    if (!node) return true;
    const type = syntax.NodeType(node);
    if (type === 'CallExpr') {
      const call = node as ShCallExpr;
      const words = call.Args.map(w => {
        const s = span(w);
        return { text: text.slice(s.start, s.end), value: wordValue(w, syntax), start: s.start, end: s.end };
      });
      const assigns = call.Assigns.map(a => ({ name: a.Name.Value, value: a.Value ? wordValue(a.Value, syntax) : '', ...span(a) }));
      const s = span(call);
      onCall(words, assigns, s.start, s.end);
    } else if (type === 'Stmt') {
      const stmt = node as ShStmt;
      for (const r of stmt.Redirs) {
        if (!HEREDOC_OPS.has(r.Op) || !r.Hdoc) continue;
        const cmdName = stmt.Cmd && syntax.NodeType(stmt.Cmd) === 'CallExpr' ? (stmt.Cmd as ShCallExpr).Args[0]?.Lit() : undefined;
        const hs = span(r.Hdoc);
        const ds = r.Word ? span(r.Word) : undefined;
        onHeredoc(cmdName, stmt.Cmd !== null, hs.start, hs.end, ds ? text.slice(ds.start, ds.end) : '');
      }
    }
    return true;
  });
}

let parser: { Parse(src: string, name: string): ShNode } | undefined;
interface Parsed { commands: RelCommand[]; error?: string }

/**
 * A kept top-level parse, packed into one typed array (a RUN's parse as objects took about 8 KB, packed
 * about 0.5 KB; 16-bit numbers when the text and the array are shorter than 32,768): `data[0]` commands, each as COMMAND numbers (start, end, nested, runAs, word count,
 * assign count) followed by its words (start, end, text, value) and assigns (start, end, name, value),
 * each WORD numbers; then, from `regionsAt`, the literal regions (REGION numbers each, see patchKept).
 * A word's text and value are references: SLICE = the parsed text at [start, end), SAME = the word's
 * text, NONE = undefined (a value with an expansion, no runAs), n ≥ 0 = `strings[n]`. Top-level words are
 * slices and most values equal their text, so `strings` holds only quoted values, names and nested
 * scripts' words. `source`: the text parsed, the one string kept for it (the cache's key, what the edge
 * maps point to).
 */
type Packed = Int16Array | Int32Array;
const SHORT = 32_768;
interface Entry { readonly source: string; readonly data: Packed; readonly strings: readonly string[]; readonly regionsAt: number; readonly error?: string }
const COMMAND = 6;
const WORD = 4;
const SLICE = -1;
const SAME = -1;
const NONE = -2;
const NO_STRINGS: readonly string[] = [];
const cache = new Map<string, Entry>();
const CACHE_LIMIT = 4000;

/**
 * Where an edit can be applied to a parse without parsing again: a plain literal (see rawWordValue) in an
 * argument after the command name, of a command that is neither a shell nor `su` (their script words
 * are parsed again as scripts). A plain character typed or deleted strictly inside it, with the
 * characters on both sides kept, changes that word's text and value and moves what follows; nothing else.
 * Kept as REGION numbers per region, after `Entry.regionsAt`: start, end, where its word is in `data`,
 * where the literal starts in the word's value (-1: the word has no value).
 */
const REGION = 4;

/** Pack a top-level parse; `literals`: the plain literals per word object of `parsed` (see Regions). */
function pack(text: string, parsed: Parsed, literals?: Map<RelCommand['words'][number], Literal[]>): Entry {
  const data: number[] = [parsed.commands.length];
  const regions: number[] = [];
  let strings: string[] | undefined;
  const ref = (s: string) => (strings ??= []).push(s) - 1;
  for (const c of parsed.commands) {
    data.push(c.start, c.end, c.nested ? 1 : 0, c.runAs === undefined ? NONE : ref(c.runAs), c.words.length, c.assigns.length);
    for (const w of c.words) {
      const at = data.length;
      const textRef = w.text === text.slice(w.start, w.end) ? SLICE : ref(w.text);
      data.push(w.start, w.end, textRef, w.value === undefined ? NONE : w.value === w.text ? SAME : ref(w.value));
      for (const [start, end, valueAt] of literals?.get(w) ?? []) regions.push(start, end, at, valueAt);
    }
    for (const a of c.assigns) data.push(a.start, a.end, ref(a.name), a.value === undefined ? NONE : ref(a.value));
  }
  const regionsAt = data.length;
  if (parsed.error === undefined) data.push(...regions);
  return { source: text, data: text.length < SHORT && data.length < SHORT ? Int16Array.from(data) : Int32Array.from(data), strings: strings ?? NO_STRINGS, regionsAt, ...(parsed.error !== undefined ? { error: parsed.error } : {}) };
}

/** A word's text in a packed parse of `source` (`at`: where its WORD numbers start). */
function wordTextAt(source: string, entry: Entry, at: number): string {
  const ref = entry.data[at + 2];
  return ref === SLICE ? source.slice(entry.data[at], entry.data[at + 1]) : entry.strings[ref];
}

/** A word's value in a packed parse, given its text (two functions returning strings: no object per word on the hot path). */
function wordValueAt(entry: Entry, at: number, text: string): string | undefined {
  const ref = entry.data[at + 3];
  return ref === SAME ? text : ref === NONE ? undefined : entry.strings[ref];
}

/**
 * The latest kept text (with regions) per first and per last EDGES characters: the version of a RUN
 * before a keystroke is found by the end the keystroke did not touch (the short edge for short RUNs, the
 * long one where many RUNs start alike).
 */
const EDGES = [24, 8];
const byPrefix = new Map<number, string>();
const bySuffix = new Map<number, string>();
/**
 * A number for `text[from, to)` and the edge size. Numbers, not slices: a key kept by a Map holds the
 * string it was sliced from, so sliced keys kept old versions of RUNs alive. Two edges with one number
 * only cost a patch: patchKept compares the texts themselves.
 */
const edgeKey = (text: string, from: number, to: number, n: number): number => {
  let h = 0x811c9dc5 ^ n;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
};
const prefixes = (text: string) => EDGES.map(n => edgeKey(text, 0, Math.min(n, text.length), n));
const suffixes = (text: string) => EDGES.map(n => edgeKey(text, Math.max(0, text.length - n), text.length, n));
/** Edits larger than this are parsed again (a paste, a replaced line). */
const PATCH_MAX_CHARS = 64;

/** Top-level parses: by mvdan-sh, and derived from the previous version of the text (tests and the bench read them). */
export const shellParseCounts = { full: 0, patched: 0 };

/** The kept texts (with regions) sharing a first or last EDGES characters with `text`: its versions before a keystroke. */
function neighbours(text: string): Set<string> {
  const found = new Set<string>();
  for (const k of prefixes(text)) { const t = byPrefix.get(k); if (t !== undefined && t !== text) found.add(t); }
  for (const k of suffixes(text)) { const t = bySuffix.get(k); if (t !== undefined && t !== text) found.add(t); }
  return found;
}

/** `old[d0, d1)` became `inserted` in `text`, when that is one edit of at most PATCH_MAX_CHARS characters either way. */
function editBetween(old: string, text: string): { d0: number; d1: number; inserted: string } | undefined {
  if (old === text || Math.abs(old.length - text.length) > PATCH_MAX_CHARS) return undefined;
  const { from, oldTo, newTo } = changedSpan(old, text);
  return oldTo - from > PATCH_MAX_CHARS || newTo - from > PATCH_MAX_CHARS ? undefined : { d0: from, d1: oldTo, inserted: text.slice(from, newTo) };
}

/**
 * The parse of `text` derived from a kept parse that differs from it by one plain edit strictly inside a
 * literal region (typing in a package name, a path, a version): the same result mvdan-sh gives for
 * `text` (test/unit/analysis/shell.test.ts checks it against a full parse on fuzzed edits). Undefined
 * when no kept text sharing its first or last EDGES characters differs from it that way.
 */
function patchKept(text: string, olds: ReadonlySet<string>): Entry | undefined {
  for (const old of olds) {
    const prev = cache.get(old);
    if (!prev || prev.regionsAt === prev.data.length || prev.error !== undefined) continue;
    const edit = editBetween(old, text);
    if (!edit) continue;
    const { d0, d1, inserted } = edit;
    if (!PLAIN.test(inserted) || !PLAIN.test(old.slice(d0, d1))) continue;
    const { data: was, regionsAt } = prev;
    let r = regionsAt;
    while (r < was.length && !(was[r] < d0 && d1 < was[r + 1])) r += REGION;
    if (r >= was.length) continue;
    const start = was[r];
    const target = was[r + 2];
    const literalAt = was[r + 3];
    const delta = inserted.length - (d1 - d0);
    const at = (x: number) => (x >= d1 ? x + delta : x);
    const data = text.length < SHORT ? was.slice() : Int32Array.from(was);
    let strings = prev.strings;
    let ok = true;
    for (let c = 0, i = 1; c < was[0] && ok; c++) {
      const words = was[i + 4];
      const assigns = was[i + 5];
      if (was[i + 1] <= d0) { i += COMMAND + (words + assigns) * WORD; continue; } // before the edit: unchanged
      data[i] = at(was[i]);
      data[i + 1] = at(was[i + 1]);
      i += COMMAND;
      for (let k = 0; k < words; k++, i += WORD) {
        if (was[i + 1] <= d0) continue;
        if (was[i] >= d0) { data[i] = at(was[i]); data[i + 1] = at(was[i + 1]); continue; }
        data[i + 1] = at(was[i + 1]);
        data[i + 2] = SLICE;
        const t = text.slice(was[i], data[i + 1]);
        const before = wordValueAt(prev, i, wordTextAt(old, prev, i));
        if (i === target) {
          // the word the edit is in; a word of digits only before `>` or `<` would be read as a file descriptor
          if (/^[0-9]+$/.test(t) || (literalAt < 0) !== (before === undefined)) ok = false;
          else if (before !== undefined) {
            const from = literalAt + (d0 - start);
            const value = before.slice(0, from) + inserted + before.slice(from + (d1 - d0));
            if (value === t) data[i + 3] = SAME;
            else if (was[i + 3] >= 0) {
              // into the word's own slot (each reference has a string of its own): typing grows no list
              const slot = was[i + 3];
              strings = strings.map((x, k) => (k === slot ? value : x));
            } else {
              strings = [...strings, value];
              data[i + 3] = strings.length - 1;
            }
          }
        } else if (before !== undefined) ok = false; // a word around it (a command substitution) has no value to patch
      }
      for (let k = 0; k < assigns; k++, i += WORD) {
        if (was[i + 1] <= d0) continue;
        if (was[i] < d0 && was[i + 3] !== NONE) ok = false;
        data[i] = at(was[i]);
        data[i + 1] = at(was[i + 1]);
      }
    }
    if (!ok) continue;
    for (let k = regionsAt; k < data.length; k += REGION) {
      if (k === r) data[k + 1] += delta;
      else if (data[k + 1] > d0) { data[k] = at(data[k]); data[k + 1] = at(data[k + 1]); }
    }
    shellParseCounts.patched++;
    // the version before the keystroke is not read again (another RUN with that text is parsed again once)
    forget(old);
    return { source: text, data, strings, regionsAt };
  }
  return undefined;
}

/** A command with offsets relative to the parsed string (cached per string, mapped per use). */
interface RelCommand {
  words: Array<{ text: string; value: string | undefined; start: number; end: number }>;
  assigns: Array<{ name: string; value: string | undefined; start: number; end: number }>;
  start: number;
  end: number;
  nested: boolean;
  runAs?: string;
}

/** Forget every cached parse (benchmarks use it to measure a cold cache; memory is bounded anyway). */
export function clearShellCache(): void {
  cache.clear();
  byPrefix.clear();
  bySuffix.clear();
}

/** Tests only: parse without the cache, with the fast walker (default) or the public-API walker. */
export function parseUncached(text: string, walker: 'fast' | 'wrapped', depth = 1): { commands: RelCommand[]; error?: string } {
  forceWrapped = walker === 'wrapped';
  try {
    return parseRelative(text, depth);
  } finally {
    forceWrapped = false;
  }
}
let forceWrapped = false;

function forget(text: string): void {
  cache.delete(text);
  for (const k of prefixes(text)) if (byPrefix.get(k) === text) byPrefix.delete(k);
  for (const k of suffixes(text)) if (bySuffix.get(k) === text) bySuffix.delete(k);
}

/** How many top-level parses are kept (tests). */
export function shellCacheSize(): number {
  return cache.size;
}

/** Keep a top-level parse under its source (least-recently-used, CACHE_LIMIT texts), findable by its ends when it has regions. */
function store(entry: Entry): Entry {
  const text = entry.source;
  if (cache.size >= CACHE_LIMIT) forget(cache.keys().next().value as string);
  cache.set(text, entry);
  if (entry.regionsAt < entry.data.length) {
    for (const k of prefixes(text)) byPrefix.set(k, text);
    for (const k of suffixes(text)) bySuffix.set(k, text);
  }
  return entry;
}

/** A top-level parse: kept, derived from a kept one (see patchKept), or parsed and kept. */
function cachedParse(text: string): Entry {
  const hit = cache.get(text);
  if (hit) {
    // least-recently-used order: a RUN that every re-lint reads must not age out while one RUN is being typed into
    // (keyed by the string kept, not by this equal copy: the edge maps point to the kept one)
    cache.delete(text);
    cache.set(hit.source, hit);
    return hit;
  }
  // the text kept is a copy of its own: `text` is often a slice of the document (a RUN on one line), and a
  // slice kept as a key, or sliced further during the parse, would keep that whole version of the document alive
  const own = ownCopy(text);
  const patched = patchKept(own, neighbours(own));
  if (patched) return store(patched);
  shellParseCounts.full++;
  return store(parseRelative(own, 0, true));
}

/** A flat copy of `s` that refers to no other string (V8 copies slices shorter than 13 characters itself). */
const ownCopy = (s: string): string => (s.length < 13 ? s : s.split('').join(''));

/** Parse `text` (offsets relative to it); `keep`: a top-level parse to be kept, packed with its literal regions. */
function parseRelative(text: string, depth: number): Parsed;
function parseRelative(text: string, depth: 0, keep: true): Entry;
function parseRelative(text: string, depth: number, keep = false): Parsed | Entry {
  const syntax = shellSyntax();
  parser ??= syntax.NewParser(syntax.Variant(syntax.LangBash));
  const toChar = byteToCharIndex(text);
  const commands: RelCommand[] = [];
  let literals: Map<RelCommand['words'][number], Literal[]> | undefined;
  let error: string | undefined;
  let file: ShNode | undefined;
  try {
    file = parser.Parse(text, '');
  } catch (e) {
    const err = e as { Error?: () => string; message?: string };
    error = typeof err?.Error === 'function' ? err.Error() : String(err?.message ?? e);
  }
  if (file) {
    const span = (n: ShNode) => ({ start: toChar(n.Pos().Offset()), end: toChar(n.End().Offset()) });
    const nestedScript = (inner: string, innerStart: number, runAs?: string) => {
      if (depth >= 3) return;
      for (const c of parseRelative(inner, depth + 1).commands) {
        const user = runAs ?? c.runAs;
        commands.push({
          words: c.words.map(w => ({ ...w, start: w.start + innerStart, end: w.end + innerStart })),
          assigns: c.assigns.map(a => ({ ...a, start: a.start + innerStart, end: a.end + innerStart })),
          start: c.start + innerStart,
          end: c.end + innerStart,
          nested: true,
          ...(user !== undefined ? { runAs: user } : {}),
        });
      }
    };
    const nestScriptWord = (script: RelCommand['words'][number] | undefined, runAs?: string) => {
      if (!script || script.value === undefined) return;
      const quoted = script.text.length >= 2 && (script.text[0] === "'" || script.text[0] === '"') && script.text.endsWith(script.text[0]);
      // offsets are exact for single quotes and plain words; double quotes with escapes shift slightly
      nestedScript(script.value, script.start + (quoted ? 1 : 0), runAs);
    };
    const raw = (file as unknown as { __internal_object__?: RawNode }).__internal_object__;
    // the literal regions of a top-level ASCII text (offsets are then bytes and characters alike)
    literals = keep && !/[^\x00-\x7f]/.test(text) ? new Map() : undefined;
    const onCall = (words: RelCommand['words'], assigns: RelCommand['assigns'], start: number, end: number) => {
      commands.push({ words, assigns, start, end, nested: depth > 0 });
      // `sh -c 'script'`: the script is shell too
      const name = words[0]?.value;
      if (name && SHELLS.has(name)) {
        const c = words.findIndex((w, i) => i > 0 && w.value !== undefined && shortOptionsWith(w.value, 'c', /^-[a-z]*$/));
        nestScriptWord(c > 0 ? words[c + 1] : undefined);
      } else if (name === 'su') suScript(words);
    };
    // `su [-] [-l] <user> -c 'script'`, `su -c 'script' <user>`: the script is shell, run as <user>
    const suScript = (words: RelCommand['words']) => {
      let script: RelCommand['words'][number] | undefined;
      let user: string | undefined;
      for (let i = 1; i < words.length; i++) {
        const v = words[i].value;
        if (v === '-c' || v === '--command') script = words[++i];
        else if (v === '-s' || v === '--shell' || v === '-g' || v === '--group' || v === '-G' || v === '--supp-group') i++;
        else if (v?.startsWith('--command=')) {
          const w = words[i];
          const cut = w.text.indexOf('=') + 1;
          script = { text: w.text.slice(cut), value: v.slice('--command='.length), start: w.start + cut, end: w.end };
        } else if (v !== undefined && !v.startsWith('-') && user === undefined) user = v;
      }
      // an unknown user (`su $APP_USER -c …`) still runs the script as someone other than USER
      nestScriptWord(script, user ?? '?');
    };
    const onHeredoc = (cmdName: string | undefined, hasCmd: boolean, bodyStart: number, bodyEnd: number, delimText: string) => {
      // `RUN <<EOF` and `RUN bash <<EOF` run the body as a script; `python <<EOF` does not
      if (hasCmd && (cmdName === undefined || !SHELLS.has(cmdName))) return;
      // mvdan-sh's heredoc word runs through the closing delimiter line; the script stops before it
      const delim = delimText.replace(/['"\\]/g, '');
      let body = text.slice(bodyStart, bodyEnd);
      const lastLine = body.replace(/\n$/, '').split('\n').pop() ?? '';
      if (delim && lastLine.trim() === delim) body = body.slice(0, body.lastIndexOf(lastLine));
      nestedScript(body, bodyStart);
    };
    const mark = commands.length;
    let done = false;
    if (raw && raw.Stmts && !forceWrapped) {
      try {
        const lits = literals;
        walkRaw(raw, text, toChar, onCall, onHeredoc, lits && ((w, found) => lits.set(w, found)));
        done = true;
      } catch (e) {
        if (!(e instanceof RawWalkIncomplete)) throw e;
        commands.length = mark; // a word the fast walker cannot place: redo it all the slow way
      }
    }
    if (!done) walkWrapped(file, text, span, syntax, onCall, onHeredoc);
  }
  const result = { commands: commands.sort((a, b) => a.start - b.start), error };
  return keep ? pack(text, result, literals) : result;
}

/** Parse a prepared piece of document text into simple commands with document offsets. */
export function parseShell(mapped: MappedText): ShellScript {
  const entry = cachedParse(mapped.text);
  const { data, strings } = entry;
  const at = (i: number) => (i < mapped.map.length ? mapped.map[i] : mapped.endOffset);
  // an end offset maps to just past the last character it covers, so a range never swallows a removed continuation
  const endAt = (i: number) => (i <= 0 ? at(0) : at(i - 1) + 1);
  const commands: ShellCommand[] = [];
  for (let c = 0, i = 1; c < data[0]; c++) {
    const start = data[i];
    const end = data[i + 1];
    const runAs = data[i + 3];
    const wordCount = data[i + 4];
    const assignCount = data[i + 5];
    const nested = data[i + 2] === 1;
    i += COMMAND;
    const words: ShellWord[] = [];
    for (let k = 0; k < wordCount; k++, i += WORD) {
      const text = wordTextAt(mapped.text, entry, i);
      words.push({ text, value: wordValueAt(entry, i, text), start: at(data[i]), end: endAt(data[i + 1]) });
    }
    const assigns: Array<ShellCommand['assigns'][number]> = [];
    for (let k = 0; k < assignCount; k++, i += WORD) {
      assigns.push({ name: strings[data[i + 2]], value: data[i + 3] === NONE ? undefined : strings[data[i + 3]], start: at(data[i]), end: endAt(data[i + 1]) });
    }
    commands.push({ words, assigns, start: at(start), end: endAt(end), nested, ...(runAs !== NONE ? { runAs: strings[runAs] } : {}) });
  }
  return { error: entry.error, commands };
}

/** Strip the wrappers that run another command: `sudo`, `env A=1`, `nice`, `time`, `exec`, `command`. */
export function unwrapCommand(words: readonly ShellWord[]): ShellWord[] {
  let i = 0;
  for (;;) {
    const v = words[i]?.value;
    if (v === 'sudo' || v === 'nice' || v === 'time' || v === 'exec' || v === 'command' || v === 'nohup' || v === 'stdbuf') {
      i++;
      while (words[i]?.value?.startsWith('-')) i++;
      continue;
    }
    if (v === 'env') {
      i++;
      while (words[i]?.value !== undefined && (words[i].value!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].value!))) i++;
      continue;
    }
    return words.slice(i);
  }
}
