/**
 * The invariants every input must keep, shared by the bounded fuzz spec (npm test) and the long run
 * (`npm run fuzz -- --runs 100000`).
 */
import * as assert from 'assert';
import { DockerfileParser } from 'dockerfile-ast';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../common/analysis/analyze';
import { globPattern, patternList } from '../../common/analysis/dockerPattern';
import { applyEdits, fixAll, lint, verifyFix } from '../../server/src/lint/linter';
import { DOCKERFILE } from '../../server/src/lint/fileKinds';
import type { WorkspaceFacts } from '../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../common/settings';

function assertInside(doc: TextDocument, range: { start: { line: number; character: number }; end: { line: number; character: number } }, what: string) {
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < Math.max(1, doc.lineCount), `${what}: line ${p.line} outside the document (${doc.lineCount} lines)`);
    const lineText = doc.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$/, '');
    assert.ok(p.character >= 0 && p.character <= lineText.length + 1, `${what}: column ${p.character} outside line ${p.line}`);
  }
  assert.ok(doc.offsetAt(range.start) <= doc.offsetAt(range.end), `${what}: range ends before it starts`);
}

/** Instructions of `before` that `edits` do not touch, as text. */
function untouchedInstructionTexts(text: string, edits: ReadonlyArray<{ range: { start: { line: number; character: number }; end: { line: number; character: number } } }>): string[] {
  const doc = TextDocument.create('file:///x', 'dockerfile', 0, text);
  const spans = edits.map(e => [doc.offsetAt(e.range.start), doc.offsetAt(e.range.end)]);
  return DockerfileParser.parse(text).getInstructions().filter(i => {
    const s = doc.offsetAt(i.getRange().start);
    const e = doc.offsetAt(i.getRange().end);
    return !spans.some(([es, ee]) => (es < e && ee > s) || (es === ee && es > s && es < e));
  }).map(i => i.toString());
}

/**
 * Lint, every quick fix and fix-all on one input, with all the invariants. Returns the number of fixes
 * checked. `workspace`: the build context's facts (fixes that need a context on disk only show with one).
 */
export function checkDockerfile(text: string, workspace: WorkspaceFacts = {}): number {
  const doc = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const model = analyze(text);
  const { findings } = lint(DOCKERFILE, text, DEFAULT_SETTINGS, workspace, model);
  let fixes = 0;
  for (const f of findings) {
    assertInside(doc, f.range, `${f.rule} range`);
    for (const r of f.related ?? []) assertInside(doc, r.range, `${f.rule} related range`);
    for (const fix of f.fixes ?? []) {
      for (const e of fix.edits) assertInside(doc, e.range, `${f.rule} fix edit`);
      const verified = verifyFix(DOCKERFILE, model, fix);
      if (verified === undefined) continue; // refused fixes are never offered
      fixes++;
      const out = applyEdits(model, fix.edits);
      assert.strictEqual(out, verified);
      assert.doesNotThrow(() => DockerfileParser.parse(out));
      // instructions the fix did not touch are still there, byte for byte (independent of verifyFix)
      const after = DockerfileParser.parse(out).getInstructions().map(i => i.toString());
      for (const t of untouchedInstructionTexts(text, fix.edits)) {
        const k = after.indexOf(t);
        assert.ok(k >= 0, `fix "${fix.title}" changed an instruction it does not own: ${JSON.stringify(t)}`);
        after.splice(k, 1);
      }
      // the fixed finding is gone: nothing of that rule with its message stays on its line
      // (a neighbour may now be reported instead, e.g. the next of two stacked `COPY . .`)
      const again = lint(DOCKERFILE, out, DEFAULT_SETTINGS, workspace).findings.filter(x => x.rule === f.rule);
      assert.ok(!again.some(x => x.message === f.message && x.range.start.line === f.range.start.line),
        `fix "${fix.title}" left its finding in place:\n${JSON.stringify(text)}`);
    }
  }
  const all = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, workspace);
  assert.doesNotThrow(() => DockerfileParser.parse(all.text));
  assert.strictEqual(fixAll(DOCKERFILE, all.text, DEFAULT_SETTINGS, workspace).text, all.text, `fix-all is not idempotent on ${JSON.stringify(text)}`);
  // nothing fixable is left behind: every remaining preferred fix is one the safety check refuses
  const finalModel = analyze(all.text);
  for (const f of lint(DOCKERFILE, all.text, DEFAULT_SETTINGS, workspace, finalModel).findings) {
    for (const fix of f.fixes ?? []) {
      if (fix.preferred && !fix.createFiles?.length) assert.strictEqual(verifyFix(DOCKERFILE, finalModel, fix), undefined, `fix-all left a fixable ${f.rule} behind in ${JSON.stringify(all.text)}`);
    }
  }
  return fixes;
}

// ---------------------------------------------------------------------------------------------
// Path patterns: the linear-time matcher against slow, literal references on small inputs.

const cps = (s: string) => Array.from(s);

/**
 * A `[...]` class of Go's filepath.Match starting after the `[`: where it ends and what it accepts,
 * or undefined when Go rejects it.
 */
function refClass(p: string[], start: number): { end: number; accepts: (c: string) => boolean } | undefined {
  let i = start;
  const negated = p[i] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  const item = (): number | undefined => {
    if (i >= p.length || p[i] === '-' || p[i] === ']') return undefined;
    if (p[i] === '\\') i++;
    if (i >= p.length) return undefined;
    return p[i++].codePointAt(0)!;
  };
  while (!(p[i] === ']' && ranges.length > 0)) {
    const lo = item();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (p[i] === '-') {
      i++;
      const h = item();
      if (h === undefined) return undefined;
      hi = h;
    }
    if (i >= p.length) return undefined;
    ranges.push([lo, hi]);
  }
  return { end: i + 1, accepts: c => ranges.some(([lo, hi]) => lo <= c.codePointAt(0)! && c.codePointAt(0)! <= hi) !== negated };
}

/** Go filepath.Match's syntax check (it checks the whole pattern, matched or not). */
function refGlobValid(p: string[]): boolean {
  for (let i = 0; i < p.length;) {
    if (p[i] === '\\') {
      if (i + 1 >= p.length) return false;
      i += 2;
    } else if (p[i] === '[') {
      const c = refClass(p, i + 1);
      if (!c) return false;
      i = c.end;
    } else {
      i++;
    }
  }
  return true;
}

/** Go filepath.Match by plain recursion (exponential on hostile input: small inputs only). */
function refGlob(p: string[], pi: number, s: string[], si: number): boolean {
  if (pi === p.length) return si === s.length;
  const c = p[pi];
  if (c === '*') {
    for (let k = si; k <= s.length; k++) {
      if (refGlob(p, pi + 1, s, k)) return true;
      if (k < s.length && s[k] === '/') return false;
    }
    return false;
  }
  if (si === s.length) return false;
  if (c === '?') return s[si] !== '/' && refGlob(p, pi + 1, s, si + 1);
  if (c === '\\') return s[si] === p[pi + 1] && refGlob(p, pi + 2, s, si + 1);
  if (c === '[') {
    const cls = refClass(p, pi + 1)!;
    return cls.accepts(s[si]) && refGlob(p, cls.end, s, si + 1);
  }
  return s[si] === c && refGlob(p, pi + 1, s, si + 1);
}

/** Go's path.Clean through Node's normalize (which keeps a trailing slash). */
function refClean(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const reLiteral = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/**
 * moby/patternmatcher's Pattern.compile and match, transcribed: the same walk that builds Go's
 * regexp and the same exact/prefix/suffix shortcuts, with a JS RegExp (safe on fuzz-sized inputs).
 * Classes and escapes are rendered with filepath.Match meaning (see analysis/dockerPattern).
 */
function refDockerPattern(cleaned: string): ((file: string) => boolean) | undefined {
  const p = cps(cleaned);
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  for (let i = 0, step = 0; i < p.length; step++) {
    const ch = p[i++];
    if (ch === '*') {
      if (p[i] === '*') {
        i++;
        if (p[i] === '/') i++;
        if (i >= p.length) {
          if (type === 'exact') type = 'prefix';
          else { re += '.*'; type = 'regexp'; }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        if (step === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (ch === '\\') {
      re += reLiteral(p[i++]);
      type = 'regexp';
    } else if (ch === '[') {
      const cls = refClass(p, i)!;
      const body = p.slice(i, cls.end - 1);
      let k = 0;
      let out = '[';
      if (body[0] === '^') { out += '^'; k++; }
      for (; k < body.length; k++) {
        if (body[k] === '\\') out += reLiteral(body[++k]); // an escaped `-` or `]` is a member
        else if (body[k] === '-') out += '-';
        else out += reLiteral(body[k]);
      }
      re += out + ']';
      i = cls.end;
      type = 'regexp';
    } else if (ch === ']') {
      re += reLiteral(ch);
      type = 'regexp';
    } else {
      re += reLiteral(ch);
    }
  }
  if (type === 'exact') return f => f === cleaned;
  if (type === 'prefix') return f => f.startsWith(cleaned.slice(0, -2));
  if (type === 'suffix') {
    const suffix = cleaned.slice(2);
    return f => f.endsWith(suffix) || (suffix.startsWith('/') && f === suffix.slice(1));
  }
  // Go's regexp.Compile fails on a reversed range (`[b-a]`), and so does the pattern
  let regexp: RegExp;
  try {
    regexp = new RegExp(re + '$', 'u');
  } catch {
    return undefined;
  }
  return f => regexp.test(f);
}

/**
 * BuildKit reading .dockerignore lines (ignorefile.ReadAll), patternmatcher.New and
 * MatchesOrParentMatches, transcribed. Lines Docker rejects are left out (Docker fails the build).
 */
function refIgnores(lines: readonly string[], file: string): boolean {
  const patterns: Array<{ exclusion: boolean; match: (f: string) => boolean }> = [];
  for (const line of lines) {
    let p = line.trim();
    if (p === '') continue;
    const invert = p.startsWith('!');
    if (invert) p = p.slice(1).trim();
    if (p.length > 0) {
      p = refClean(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    if (invert) p = '!' + p;
    if (p === '!') continue;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1);
    const match = refGlobValid(cps(p)) ? refDockerPattern(p) : undefined;
    if (match) patterns.push({ exclusion, match });
  }
  let matched = false;
  const parent = path.posix.dirname(file);
  const parentDirs = parent.split('/');
  for (const pat of patterns) {
    if (pat.exclusion !== matched) continue;
    let match = pat.match(file);
    if (!match && parent !== '.') {
      for (let i = 0; i < parentDirs.length && !match; i++) match = pat.match(parentDirs.slice(0, i + 1).join('/'));
    }
    if (match) matched = !pat.exclusion;
  }
  return matched;
}

/** A COPY source glob agrees with Go's filepath.Match, on the path and on its folders. */
export function checkGlob(pattern: string, file: string): void {
  const g = globPattern(pattern);
  const p = cps(pattern);
  assert.strictEqual(g.valid, refGlobValid(p), `validity of ${JSON.stringify(pattern)}`);
  if (!g.valid) return;
  const s = cps(file);
  assert.strictEqual(g.matches(file), refGlob(p, 0, s, 0), `glob ${JSON.stringify(pattern)} on ${JSON.stringify(file)}`);
  const segs = file.split('/');
  const orParent = segs.some((_, i) => refGlob(p, 0, cps(segs.slice(0, i + 1).join('/')), 0));
  assert.strictEqual(g.matchesOrParent(file), orParent, `glob ${JSON.stringify(pattern)} on ${JSON.stringify(file)} or a folder of it`);
}

/** A .dockerignore (or `--exclude` list) agrees with Docker's own algorithm. */
export function checkIgnore(lines: readonly string[], file: string): void {
  assert.strictEqual(patternList(lines).matches(file), refIgnores(lines, file), `${JSON.stringify(lines)} on ${JSON.stringify(file)}`);
}

/**
 * Go filepath.Match as a dynamic programme over (token, position): polynomial, so it can check the
 * matcher on the long hostile inputs the recursive reference cannot finish.
 */
function refGlobTable(pattern: string[], s: string[]): boolean {
  const tokens: Array<(c: string) => boolean | 'star'> = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === '*') { tokens.push(() => 'star'); i++; }
    else if (c === '?') { tokens.push(x => x !== '/'); i++; }
    else if (c === '\\') { const lit = pattern[i + 1]; tokens.push(x => x === lit); i += 2; }
    else if (c === '[') { const cls = refClass(pattern, i + 1)!; tokens.push(cls.accepts); i = cls.end; }
    else { tokens.push(x => x === c); i++; }
  }
  const n = s.length;
  let next = new Array<boolean>(n + 1).fill(false);
  next[n] = true;
  for (let t = tokens.length - 1; t >= 0; t--) {
    const row = new Array<boolean>(n + 1).fill(false);
    const star = tokens[t]('') === 'star';
    for (let i = n; i >= 0; i--) {
      if (star) row[i] = next[i] || (i < n && s[i] !== '/' && row[i + 1]);
      else row[i] = i < n && tokens[t](s[i]) === true && next[i + 1];
    }
    next = row;
  }
  return next[0];
}

/** Star-heavy patterns on long paths finish in linear time (a backtracking matcher takes minutes) and are right. */
export function checkHostilePattern(pattern: string, file: string): void {
  const t = Date.now();
  const g = globPattern(pattern).matches(file);
  globPattern(pattern).matchesOrParent(file);
  patternList([pattern, `!${pattern}x`]).matches(file);
  const ms = Date.now() - t;
  assert.ok(ms < 1000, `${JSON.stringify(pattern)} on a ${file.length}-character path took ${ms} ms`);
  assert.strictEqual(g, refGlobTable(cps(pattern), cps(file)), `glob ${JSON.stringify(pattern)} on a ${file.length}-character path`);
}
