/**
 * The dockerfile-ast parse of a Dockerfile, made again only where an edit changed it.
 *
 * Typing changes one instruction at a time, yet a whole-file parse is about a third of a lint. When the
 * text differs from the previous version's only inside one line of one instruction, that instruction's
 * lines are parsed on their own (behind the file's parser directives and blank lines, so every position
 * is the whole file's) and every other instruction object is kept: its text and its lines are the same.
 *
 * dockerfile-ast stays the parser of record. The patch is taken only when the edit provably cannot
 * reach past its instruction, and a whole-file parse is made otherwise:
 * - the changed text holds no line break, before or after, so no line moves;
 * - the edited line lies inside one instruction's lines, which is not an ONBUILD, and neither its old
 *   nor its new text holds a heredoc (`<<`);
 * - parsed alone, the new lines make exactly one instruction on exactly the old lines, its last line
 *   does not end in the escape character (it would continue into the next line), and the parser
 *   directives and escape character come out as before.
 * test/unit/analysis/dockerfileParse.test.ts checks, on the fixtures and on fuzzed edits, that every
 * accessor answers what a whole-file parse answers, and that lint findings are the same.
 *
 * A kept instruction answers from the document it was parsed in. Its own accessors (arguments, flags,
 * heredocs, properties, ranges, text) read only its own lines, which are the same; the accessors that
 * look across the file through dockerfile-ast's `Dockerfile` (variable resolution, stage hierarchy) are
 * not used by this project and would answer for that older document.
 */
import { DockerfileParser, type Instruction, type ParserDirective } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { changedSpan } from './text';

export interface DockerfileParse {
  readonly text: string;
  readonly escapeChar: string;
  readonly directives: readonly ParserDirective[];
  /** Top-level instructions in document order (ONBUILD triggers are in `triggers`). */
  readonly instructions: readonly Instruction[];
  /** The trigger of the ONBUILD at the same index of `instructions`, else undefined. */
  readonly triggers: readonly (Instruction | undefined)[];
  /**
   * How many instructions were parsed on their own since the last whole-file parse. Each keeps a small
   * document of its own; past PATCHES_KEPT the next version is parsed whole again.
   */
  readonly patches: number;
  /**
   * The blank lines those parses were padded with, summed: each such document keeps a line table as long
   * as its lines. Past PADDED_LINES_KEPT the next version is parsed whole again (a 50,000-line file then
   * patches one edit in two instead of keeping megabytes of line tables).
   */
  readonly paddedLines: number;
  /** The text has a line break that is a lone `\r` (counted as a line by the parser): never patched. */
  readonly loneCR: boolean;
}

/** Instructions parsed on their own before the file is parsed whole again (bounds what they keep). */
export const PATCHES_KEPT = 64;
/** Blank lines of padding kept in those parses before the file is parsed whole again. */
export const PADDED_LINES_KEPT = 100_000;
/** Parser directive lines longer than this in all are not copied into each patch: the file is parsed whole. */
const HEAD_KEPT = 4096;

/** Parse `text` whole. */
export function parseWhole(text: string): DockerfileParse {
  const ast = DockerfileParser.parse(text);
  const instructions = ast.getInstructions();
  const triggers: (Instruction | undefined)[] = new Array(instructions.length).fill(undefined);
  const onbuild = ast.getOnbuildTriggers?.() ?? [];
  if (onbuild.length > 0) {
    for (const [k, node] of instructions.entries()) {
      if (node.getKeyword().toUpperCase() !== 'ONBUILD') continue;
      const r = node.getRange();
      triggers[k] = onbuild.find(t => t.getRange().start.line >= r.start.line && t.getRange().end.line <= r.end.line);
    }
  }
  return { text, escapeChar: ast.getEscapeCharacter(), directives: ast.getDirectives(), instructions, triggers, patches: 0, paddedLines: 0, loneCR: hasLoneCR(text) };
}

/** Parse `text`, reusing what `previous` (the parse of an earlier version) still holds when that is provably the same. */
export function parseDockerfile(text: string, previous?: DockerfileParse): DockerfileParse {
  if (!previous || previous.patches >= PATCHES_KEPT || previous.paddedLines >= PADDED_LINES_KEPT) return parseWhole(text);
  return patched(text, previous) ?? parseWhole(text);
}

const isBreak = (c: number) => c === 10 || c === 13;
/** A line break, space or tab. */
const isBlank = (c: number) => c === 10 || c === 13 || c === 32 || c === 9;

function hasLoneCR(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/** The offset where the line holding `pos` starts (counting `\n` only: the text has no lone `\r`). */
const lineStartOf = (text: string, pos: number) => (pos <= 0 ? 0 : text.lastIndexOf('\n', pos - 1) + 1);

/** The patched parse, or undefined when the edit is not one this can prove confined to one instruction. */
function patched(text: string, previous: DockerfileParse): DockerfileParse | undefined {
  const old = previous.text;
  if (old === text) return previous;
  if (previous.loneCR) return undefined;
  const { from, oldTo, newTo } = changedSpan(old, text);
  for (let i = from; i < oldTo; i++) if (isBreak(old.charCodeAt(i))) return undefined;
  for (let i = from; i < newTo; i++) if (isBreak(text.charCodeAt(i))) return undefined;
  // text put between a `\r` and its `\n` would part them into two line breaks
  if (from > 0 && old.charCodeAt(from - 1) === 13) return undefined;

  // the edited line, counted in the text before the span (the same in both versions)
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < from; i = text.indexOf('\n', i + 1)) line++;
  const k = indexHoldingLine(previous.instructions, line, i => i.getRange());
  if (k < 0) return undefined;
  const before = previous.instructions[k];
  const { start, end } = before.getRange();
  if (previous.triggers[k] || before.getKeyword().toUpperCase() === 'ONBUILD') return undefined;

  // the instruction's lines in the new text, with the last line's break
  const lineStart = lineStartOf(text, from);
  let first = lineStart;
  for (let l = line; l > start.line; l--) first = lineStartOf(text, first - 1);
  let last = lineStart;
  for (let l = line; l <= end.line; l++) {
    const nl = text.indexOf('\n', last);
    last = nl < 0 ? text.length : nl + 1;
  }
  const lines = text.slice(first, last);
  const oldLines = old.slice(first, last - (newTo - oldTo));
  if (lines.includes('<<') || oldLines.includes('<<')) return undefined;
  // the last character of the last line that is not a line break, space or tab (scanned by hand: a RegExp
  // anchored at the end retries from every character of a long run of blanks, quadratic)
  let tailAt = lines.length - 1;
  while (tailAt >= 0 && isBlank(lines.charCodeAt(tailAt))) tailAt--;
  if (tailAt >= 0 && lines[tailAt] === previous.escapeChar) return undefined;

  // parsed behind the directives (verbatim) and blank lines, so positions are the whole file's
  const eol = lines.endsWith('\r\n') ? '\r\n' : '\n';
  let head = '';
  if (previous.directives.length > 0) {
    let at = 0;
    for (let l = 0; l < previous.directives.length; l++) at = text.indexOf('\n', at) + 1;
    if (at <= 0 || at > first || at > HEAD_KEPT) return undefined;
    head = text.slice(0, at);
  }
  const padding = start.line - previous.directives.length;
  if (padding < 0 || previous.paddedLines + start.line > PADDED_LINES_KEPT) return undefined;
  const alone = DockerfileParser.parse(head + eol.repeat(padding) + lines);
  const got = alone.getInstructions();
  if (got.length !== 1 || alone.getEscapeCharacter() !== previous.escapeChar || alone.getDirectives().length !== previous.directives.length) return undefined;
  const node = got[0];
  const r = node.getRange();
  if (r.start.line !== start.line || r.end.line !== end.line) return undefined;
  if (node.getKeyword().toUpperCase() === 'ONBUILD' || (alone.getOnbuildTriggers?.() ?? []).length > 0) return undefined;

  const instructions = previous.instructions.slice();
  instructions[k] = node;
  return { text, escapeChar: previous.escapeChar, directives: previous.directives, instructions, triggers: previous.triggers, patches: previous.patches + 1, paddedLines: previous.paddedLines + start.line, loneCR: false };
}

/**
 * The index of an item of `list` whose lines (`rangeOf`) hold `line`, or -1. The items are in document
 * order and do not overlap, save for ONBUILD triggers inside their ONBUILD (either may be found).
 */
export function indexHoldingLine<T>(list: readonly T[], line: number, rangeOf: (item: T) => Range): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rangeOf(list[mid]);
    if (line < r.start.line) hi = mid - 1;
    else if (line > r.end.line) lo = mid + 1;
    else return mid;
  }
  return -1;
}
