/**
 * Docker's path patterns, matched in time linear in the path for every pattern: no RegExp is built
 * from user text, so a hostile `.dockerignore`, COPY source or `--exclude` cannot hang the tool.
 *
 * Two dialects:
 * - globs: Go's `filepath.Match`, what BuildKit applies to COPY/ADD sources (`*` and `?` stay inside
 *   a folder, `[...]` classes with `^` negation and ranges, `\` escapes; `**` is just `*`);
 * - Docker patterns: moby/patternmatcher, used for `.dockerignore`, `COPY --exclude` and
 *   `COPY --parents`. On top of the glob rules, `**` spans folders (`a/**\/b` is `a/b`, `a/x/y/b`),
 *   a trailing `**` matches anything, a pattern also matches every path below a folder it matches,
 *   patterns are `/`-cleaned, and a list is read in order with `!` lines re-including paths.
 *   patternmatcher's one shortcut that changes results is kept: a pattern that is `**` followed by
 *   plain text matches any path ending in that text (`**.log` matches `a/b.log`).
 *
 * Where Docker differs from `filepath.Match` because it goes through Go's regexp (`\d` is a digit
 * class there, `[[:alpha:]]` a POSIX class, `[*]` a broken class), this follows `filepath.Match`.
 * Patterns that `filepath.Match` rejects (an unclosed `[`, a trailing `\`, `[]`, `[a-]`), and in
 * Docker patterns a reversed range (`[z-a]`, which Go's regexp rejects), make the build fail; here
 * they match nothing and are reported as invalid.
 */

const SLASH = 0x2f;

const enum Op {
  /** One given code point. */
  Char,
  /** `?`: one code point other than `/`. */
  One,
  /** `[...]`: one code point in (or, negated, outside) the ranges, `/` included. */
  Class,
  /** `*`: any run of code points other than `/`. */
  Star,
  /** A trailing `**`: anything. */
  All,
  /** A `**` with more after it: nothing, or anything that ends in `/` (the regexp `(.*\/)?` of patternmatcher). */
  Folders,
}

type Token =
  | { readonly op: Op.Char; readonly cp: number }
  | { readonly op: Op.One | Op.Star | Op.All | Op.Folders }
  | { readonly op: Op.Class; readonly negated: boolean; readonly ranges: readonly number[] };

/**
 * The automaton of one pattern. States are numbered in pattern order and every ε-move goes forward,
 * so one ascending pass closes a state set; a Pike-style simulation then costs at most
 * (path length × states) — there is nothing to backtrack into.
 */
const enum St {
  Char,
  One,
  Class,
  /** Loops on non-`/`; ε to the next state. */
  Star,
  /** Loops on anything; ε to the next state. */
  All,
  /** ε to the loop (next state) and past it (the one after). */
  FoldersEntry,
  /** Loops on anything; on `/` also moves on. */
  FoldersLoop,
  Accept,
}

interface Automaton {
  readonly kind: Uint8Array;
  readonly cp: Int32Array;
  readonly classes: ReadonlyArray<{ negated: boolean; ranges: readonly number[] } | undefined>;
}

/** Buffers shared by every run (matching never re-enters itself), grown to the largest automaton. */
const scratch = { cur: new Int32Array(64), next: new Int32Array(64), mark: new Int32Array(64), stack: new Int32Array(130), gen: 0 };

function scratchFor(n: number): typeof scratch {
  if (scratch.cur.length < n) {
    const size = Math.max(n, scratch.cur.length * 2);
    scratch.cur = new Int32Array(size);
    scratch.next = new Int32Array(size);
    scratch.mark = new Int32Array(size);
    scratch.stack = new Int32Array(2 * size + 2);
    scratch.gen = 0;
  }
  if (scratch.gen >= 0x3fffffff) {
    scratch.mark.fill(0);
    scratch.gen = 0;
  }
  return scratch;
}

function build(tokens: readonly Token[]): Automaton {
  const kinds: number[] = [];
  const cps: number[] = [];
  const classes: Array<{ negated: boolean; ranges: readonly number[] } | undefined> = [];
  const push = (k: St, cp = -1, cls?: { negated: boolean; ranges: readonly number[] }) => { kinds.push(k); cps.push(cp); classes.push(cls); };
  for (const t of tokens) {
    switch (t.op) {
      case Op.Char: push(St.Char, t.cp); break;
      case Op.One: push(St.One); break;
      case Op.Class: push(St.Class, -1, { negated: t.negated, ranges: t.ranges }); break;
      case Op.Star: push(St.Star); break;
      case Op.All: push(St.All); break;
      case Op.Folders: push(St.FoldersEntry); push(St.FoldersLoop); break;
    }
  }
  push(St.Accept);
  return { kind: Uint8Array.from(kinds), cp: Int32Array.from(cps), classes };
}

function inClass(cls: { negated: boolean; ranges: readonly number[] }, c: number): boolean {
  let hit = false;
  for (let i = 0; i < cls.ranges.length && !hit; i += 2) hit = cls.ranges[i] <= c && c <= cls.ranges[i + 1];
  return hit !== cls.negated;
}

/**
 * Run the automaton over `path`. With `parents`, also accept when it matches a leading part of the
 * path that ends right before a `/` (a folder the path is in).
 */
function run(a: Automaton, path: string, parents: boolean): boolean {
  const n = a.kind.length;
  const accept = n - 1;
  const buf = scratchFor(n);
  const { mark, stack } = buf;
  let cur = buf.cur;
  let next = buf.next;
  let curLen: number;
  let nextLen: number;
  // generation marks instead of clearing a seen-set at every step
  let gen = ++buf.gen;
  const add = (set: Int32Array, len: number, s: number): number => {
    // ε-moves only go forward, so the closure is at most one visit per state
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const x = stack[--top];
      if (mark[x] === gen) continue;
      mark[x] = gen;
      set[len++] = x;
      const k = a.kind[x];
      if (k === St.Star || k === St.All) stack[top++] = x + 1;
      else if (k === St.FoldersEntry) { stack[top++] = x + 2; stack[top++] = x + 1; }
    }
    return len;
  };
  const accepts = (set: Int32Array, len: number) => {
    for (let i = 0; i < len; i++) if (set[i] === accept) return true;
    return false;
  };
  curLen = add(cur, 0, 0);
  for (let i = 0; i < path.length;) {
    if (curLen === 0) break;
    const c = path.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    gen = ++buf.gen;
    nextLen = 0;
    for (let j = 0; j < curLen; j++) {
      const s = cur[j];
      switch (a.kind[s]) {
        case St.Char: if (a.cp[s] === c) nextLen = add(next, nextLen, s + 1); break;
        case St.One: if (c !== SLASH) nextLen = add(next, nextLen, s + 1); break;
        case St.Class: if (inClass(a.classes[s]!, c)) nextLen = add(next, nextLen, s + 1); break;
        case St.Star: if (c !== SLASH) nextLen = add(next, nextLen, s); break;
        case St.All: nextLen = add(next, nextLen, s); break;
        case St.FoldersLoop:
          nextLen = add(next, nextLen, s);
          if (c === SLASH) nextLen = add(next, nextLen, s + 1);
          break;
        default: break;
      }
    }
    [cur, next] = [next, cur];
    curLen = nextLen;
    if (parents && i < path.length && path.charCodeAt(i) === SLASH && accepts(cur, curLen)) return true;
  }
  return accepts(cur, curLen);
}

/** Parse a `[...]` class starting after the `[`; undefined when `filepath.Match` would reject it. */
function parseClass(cps: readonly number[], start: number): { token: Token; end: number } | undefined {
  let i = start;
  let negated = false;
  if (cps[i] === 0x5e /* ^ */) { negated = true; i++; }
  const ranges: number[] = [];
  const esc = (): number | undefined => {
    const c = cps[i];
    if (c === undefined || c === 0x2d /* - */ || c === 0x5d /* ] */) return undefined;
    if (c === 0x5c /* \ */) {
      i++;
      if (cps[i] === undefined) return undefined;
    }
    return cps[i++];
  };
  for (;;) {
    if (cps[i] === 0x5d && ranges.length > 0) return { token: { op: Op.Class, negated, ranges }, end: i + 1 };
    const lo = esc();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (cps[i] === 0x2d) {
      i++;
      const h = esc();
      if (h === undefined) return undefined;
      hi = h;
    }
    if (cps[i] === undefined) return undefined; // unclosed
    ranges.push(lo, hi);
  }
}

/** Tokens of a pattern, or undefined when it is malformed. `doubleStar` gives `**` its Docker meaning. */
function tokenize(pattern: string, doubleStar: boolean): Token[] | undefined {
  const cps = Array.from(pattern, ch => ch.codePointAt(0)!);
  const out: Token[] = [];
  for (let i = 0; i < cps.length;) {
    const c = cps[i];
    if (c === 0x2a /* * */) {
      if (doubleStar && cps[i + 1] === 0x2a) {
        i += 2;
        if (cps[i] === SLASH) i++;
        out.push({ op: i >= cps.length ? Op.All : Op.Folders });
      } else {
        i++;
        // `**` without its Docker meaning is `*` twice: one star matches the same
        if (out[out.length - 1]?.op !== Op.Star) out.push({ op: Op.Star });
      }
    } else if (c === 0x3f /* ? */) {
      out.push({ op: Op.One });
      i++;
    } else if (c === 0x5b /* [ */) {
      const cls = parseClass(cps, i + 1);
      if (!cls) return undefined;
      out.push(cls.token);
      i = cls.end;
    } else if (c === 0x5c /* \ */) {
      if (i + 1 >= cps.length) return undefined;
      out.push({ op: Op.Char, cp: cps[i + 1] });
      i += 2;
    } else {
      out.push({ op: Op.Char, cp: c });
      i++;
    }
  }
  return out;
}

/** One compiled pattern. */
export interface PathPattern {
  /** The pattern as matched (cleaned, for Docker patterns). */
  readonly source: string;
  /** False when Docker rejects the pattern; it then matches nothing. */
  readonly valid: boolean;
  /** The text every path it matches starts with ('' when it starts with a wildcard). */
  readonly literalPrefix: string;
  /** Set when the pattern has no wildcard: it matches exactly this path. */
  readonly literal?: string;
  /** True when the whole path matches. */
  matches(path: string): boolean;
  /** True when the path or a folder it is in matches (how Docker excludes a folder's contents). */
  matchesOrParent(path: string): boolean;
}

const NOTHING = (source: string): PathPattern => ({ source, valid: false, literalPrefix: '', matches: () => false, matchesOrParent: () => false });

function literalPattern(source: string, text: string): PathPattern {
  return {
    source, valid: true, literalPrefix: text, literal: text,
    matches: p => p === text,
    matchesOrParent: p => p === text || (p.length > text.length && p.charCodeAt(text.length) === SLASH && p.startsWith(text)),
  };
}

function fromTokens(source: string, tokens: readonly Token[]): PathPattern {
  // the leading literal, and the longest literal run anywhere: a matching path (or folder of it)
  // starts with the one and contains the other, which rules most paths out before the automaton runs
  const runs: string[] = [''];
  for (const t of tokens) {
    if (t.op === Op.Char) runs[runs.length - 1] += String.fromCodePoint(t.cp);
    else if (runs[runs.length - 1] !== '') runs.push('');
  }
  const prefix = tokens[0]?.op === Op.Char ? runs[0] : '';
  if (tokens.every(t => t.op === Op.Char)) return literalPattern(source, prefix);
  const needle = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  let automaton: Automaton | undefined; // built on first use: most lines of a long ignore file never need it
  const test = (p: string, parents: boolean) => p.startsWith(prefix) && p.includes(needle) && run((automaton ??= build(tokens)), p, parents);
  return {
    source, valid: true, literalPrefix: prefix,
    matches: p => test(p, false),
    matchesOrParent: p => test(p, true),
  };
}

/**
 * Compiled patterns by dialect and text, bounded: the same few COPY sources and `--exclude` lists are
 * asked about every file of a context listing.
 */
const compiled = new Map<string, PathPattern | PatternList>();

function memo<T extends PathPattern | PatternList>(key: string, make: () => T): T {
  let m = compiled.get(key) as T | undefined;
  if (!m) {
    m = make();
    if (compiled.size >= 2000) compiled.clear();
    compiled.set(key, m);
  }
  return m;
}

/** No wildcard and no escape: the pattern is the path. */
const PLAIN = (pattern: string) => !/[*?[\\]/.test(pattern);

/** A glob with Go `filepath.Match` rules (COPY/ADD sources without `--parents`). */
export function globPattern(pattern: string): PathPattern {
  return memo(`g\0${pattern}`, () => {
    if (PLAIN(pattern)) return literalPattern(pattern, pattern);
    const tokens = tokenize(pattern, false);
    return tokens ? fromTokens(pattern, tokens) : NOTHING(pattern);
  });
}

/** Go's `path.Clean` for `/`-separated text: no empty, `.` or inner `..` segments, no trailing `/`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else {
      out.push(seg);
    }
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** Whether the text holds a wildcard, an escaped character not counting (BuildKit's containsWildcards). */
export function hasWildcard(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/**
 * A single Docker pattern (no `!` handling: see patternList), already cleaned the way Docker cleans
 * it. Go-regexp-free rendering of moby/patternmatcher's compile().
 */
export function dockerPattern(pattern: string): PathPattern {
  return memo(`d\0${pattern}`, () => compileDockerPattern(pattern));
}

function compileDockerPattern(pattern: string): PathPattern {
  if (PLAIN(pattern)) return literalPattern(pattern, pattern);
  const tokens = tokenize(pattern, true);
  // filepath.Match takes `[z-a]` (it matches nothing) but Go's regexp, which patternmatcher builds, rejects it
  if (!tokens || tokens.some(t => t.op === Op.Class && t.ranges.some((lo, i) => i % 2 === 0 && lo > t.ranges[i + 1]))) return NOTHING(pattern);
  const rest = pattern.slice(2);
  if (pattern.startsWith('**') && !/[*?[\]\\]/.test(rest)) {
    // patternmatcher's suffix shortcut: `**/a` is `a` or ends in `/a`, `**a` ends in `a`
    const bare = rest.startsWith('/') ? rest.slice(1) : undefined;
    const hit = (c: string) => c.endsWith(rest) || c === bare;
    return {
      source: pattern, valid: true, literalPrefix: '',
      matches: hit,
      matchesOrParent: p => {
        if (hit(p)) return true;
        for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) if (hit(p.slice(0, i))) return true;
        return false;
      },
    };
  }
  return fromTokens(pattern, tokens);
}

/**
 * How Docker reads one `.dockerignore` or `--exclude` line: BuildKit's reader trims it, takes a
 * leading `!` off, cleans the rest and drops a leading `/`; patternmatcher then cleans it again and
 * only now decides on `!` (so `/!a`, cleaned to `!a`, is an exception too).
 */
export function normalisePatternLine(line: string): { pattern: string; exclusion: boolean } | undefined {
  let p = line.trim();
  if (p === '') return undefined;
  const invert = p.startsWith('!');
  if (invert) p = p.slice(1).trim();
  if (p.length > 0) {
    p = cleanPath(p);
    if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
  }
  if (invert) p = '!' + p;
  p = cleanPath(p);
  if (p === '!') return undefined; // Docker rejects a lone `!`: it matches nothing here
  const exclusion = p.startsWith('!');
  return { pattern: exclusion ? p.slice(1) : p, exclusion };
}

/** An ordered list of Docker patterns, `!` lines included, compiled once. */
export interface PatternList {
  readonly patterns: readonly string[];
  /** True when some line starts with `!`: an excluded folder may still hold included paths. */
  readonly hasExclusions: boolean;
  /** Lines Docker rejects (they would fail the build); they match nothing here. */
  readonly invalid: readonly string[];
  /** True when the last pattern matching the path or one of its folders is not a `!` line. */
  matches(path: string): boolean;
}

/**
 * Compile a list of patterns (moby/patternmatcher MatchesOrParentMatches). The answer for a path
 * is the polarity of the last pattern that matches it, so patterns are tried from the end and the
 * first hit decides; patterns without wildcards are looked up in a map, one probe per folder level,
 * so a list of thousands of plain names costs no more than a short one.
 */
export function patternList(lines: readonly string[]): PatternList {
  const key = lines.join('\0');
  // short lists (COPY --exclude) recur for every listed file, a long .dockerignore for every hover
  if (lines.length <= 16) return memo(`l\0${key}`, () => compileList(lines));
  let list = longLists.get(key);
  if (!list) {
    list = compileList(lines);
    if (longLists.size >= 4) longLists.delete(longLists.keys().next().value as string);
  }
  longLists.delete(key);
  longLists.set(key, list); // most recently used last
  return list;
}

const longLists = new Map<string, PatternList>();

function compileList(lines: readonly string[]): PatternList {
  const literal = new Map<string, number>();
  type Wild = { at: number; pattern: PathPattern };
  // wildcard lines whose first folder is spelled out (`src/**/*.map`) are only tried on paths in it
  const byFolder = new Map<string, Wild[]>();
  const anywhere: Wild[] = [];
  const exclusion = new Uint8Array(lines.length);
  const invalid: string[] = [];
  const seen = new Set<string>();
  const parsed = lines.map(normalisePatternLine);
  // only the last occurrence of a pattern can decide anything
  for (let i = parsed.length - 1; i >= 0; i--) {
    const line = parsed[i];
    if (!line) continue;
    if (seen.has(line.pattern)) continue;
    seen.add(line.pattern);
    const compiledLine = compileDockerPattern(line.pattern);
    if (!compiledLine.valid) { invalid.push(lines[i]); continue; }
    exclusion[i] = line.exclusion ? 1 : 0;
    if (compiledLine.literal !== undefined) {
      // `a` and `\a` are one path: the later line (met first, going backwards) decides
      if (!literal.has(compiledLine.literal)) literal.set(compiledLine.literal, i);
      continue;
    }
    const w = { at: i, pattern: compiledLine };
    const slash = compiledLine.literalPrefix.indexOf('/');
    if (slash < 0) { anywhere.push(w); continue; }
    const folder = compiledLine.literalPrefix.slice(0, slash);
    const list = byFolder.get(folder);
    if (list) list.push(w);
    else byFolder.set(folder, [w]);
  }
  invalid.reverse();
  return {
    patterns: lines,
    hasExclusions: parsed.some(l => l?.exclusion),
    invalid,
    matches(path: string): boolean {
      if (path === '' || path === '.') return false;
      let best = -1;
      if (literal.size > 0) {
        for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) best = Math.max(best, literal.get(path.slice(0, i)) ?? -1);
        best = Math.max(best, literal.get(path) ?? -1);
      }
      const slash = path.indexOf('/');
      const inFolder = byFolder.size > 0 && slash > 0 ? byFolder.get(path.slice(0, slash)) ?? [] : [];
      // both lists are in descending line order: merged, the first hit above `best` is the last matching line
      for (let a = 0, b = 0; a < inFolder.length || b < anywhere.length;) {
        const w = b >= anywhere.length || (a < inFolder.length && inFolder[a].at > anywhere[b].at) ? inFolder[a++] : anywhere[b++];
        if (w.at < best) break;
        if (w.pattern.matchesOrParent(path)) { best = w.at; break; }
      }
      return best >= 0 && exclusion[best] === 0;
    },
  };
}
