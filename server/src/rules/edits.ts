/** Text-edit builders shared by the rules' quick fixes. They keep line endings and continuations valid. */
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import type { ShellWord } from '../../../common/analysis/shell';

export const rangeOf = (model: DockerfileModel, start: number, end: number): Range => ({
  start: model.document.positionAt(start),
  end: model.document.positionAt(end),
});

const lineStart = (model: DockerfileModel, line: number) => model.document.offsetAt({ line, character: 0 });

/** Offset just past the end of `line` including its line break (or the end of the text). */
function afterLine(model: DockerfileModel, line: number): number {
  const next = lineStart(model, line + 1);
  return line + 1 >= model.document.lineCount ? model.text.length : next;
}

/** The whole lines of an instruction, with the comment lines directly above it (not parser directives). */
export function lineSpan(model: DockerfileModel, fact: InstructionFact, withComments = true): { start: number; end: number; firstLine: number } {
  let first = fact.range.start.line;
  if (withComments) {
    const directives = new Set(model.directives.map(d => d.getRange().start.line));
    const lineText = (line: number) => model.text.slice(lineStart(model, line), lineStart(model, line + 1));
    while (first > 0 && /^\s*#/.test(lineText(first - 1)) && !directives.has(first - 1)) first--;
  }
  return { start: lineStart(model, first), end: afterLine(model, fact.range.end.line), firstLine: first };
}

/** Text of an instruction's lines (with its comments), always ending in the file's line break. */
export function instructionText(model: DockerfileModel, fact: InstructionFact, withComments = true): string {
  const span = lineSpan(model, fact, withComments);
  const text = model.text.slice(span.start, span.end);
  return /\r?\n$/.test(text) ? text : text + model.eol;
}

/** Insert whole lines before an instruction (and before the comments attached to it). */
export function insertBefore(model: DockerfileModel, before: InstructionFact, text: string): TextEdit {
  const start = lineSpan(model, before).start;
  return { range: rangeOf(model, start, start), newText: text };
}

/** Insert flags (e.g. `--mount=…`) right after the instruction keyword. */
export function insertFlags(model: DockerfileModel, fact: InstructionFact, flags: readonly string[]): TextEdit {
  let at = model.document.offsetAt(fact.node.getInstructionRange().end);
  while (model.text[at] === ' ' || model.text[at] === '\t') at++;
  return { range: rangeOf(model, at, at), newText: flags.join(' ') + ' ' };
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
const isBreak = (c: string | undefined) => c === '\n' || c === '\r';

/**
 * Remove one word of a shell-form RUN, with the spacing around it, without leaving an empty
 * continuation or a dangling escape that would join the next instruction.
 */
export function removeWord(model: DockerfileModel, fact: InstructionFact, word: ShellWord): TextEdit {
  const t = model.text;
  const esc = model.escapeChar;
  if (fact.run?.form === 'exec') return removeJsonString(model, fact, word);
  let s = word.start;
  let e = word.end;
  while (isSpace(t[e])) e++;
  if (t[e] === esc && (t[e + 1] === '\n' || (t[e + 1] === '\r' && t[e + 2] === '\n'))) {
    // word followed by a continuation: drop the whole line when the word is alone on it
    let ls = s;
    while (ls > 0 && isSpace(t[ls - 1])) ls--;
    if (ls === 0 || isBreak(t[ls - 1])) {
      let le = e + 1;
      if (t[le] === '\r') le++;
      if (t[le] === '\n') le++;
      return { range: rangeOf(model, ls, le), newText: '' };
    }
    return { range: rangeOf(model, s, e), newText: '' };
  }
  if (e < t.length && !isBreak(t[e]) && e < model.document.offsetAt(fact.range.end)) {
    return { range: rangeOf(model, s, e), newText: '' };
  }
  // last word on its line: take the spaces before it instead
  while (s > 0 && isSpace(t[s - 1])) s--;
  if (s > 0 && isBreak(t[s - 1])) {
    // the line becomes empty: remove it and the escape that continued the previous line into it
    let p = s - 1;
    if (t[p] === '\n' && t[p - 1] === '\r') p--;
    let q = p;
    while (q > 0 && isSpace(t[q - 1])) q--;
    if (t[q - 1] === esc) {
      q--;
      while (q > 0 && isSpace(t[q - 1])) q--;
      return { range: rangeOf(model, q, word.end), newText: '' };
    }
  }
  return { range: rangeOf(model, s, word.end), newText: '' };
}

/** Remove one string of a JSON exec form with its comma. */
function removeJsonString(model: DockerfileModel, fact: InstructionFact, word: ShellWord): TextEdit {
  const strings = fact.run?.execStrings ?? [];
  const offs = strings.map(j => ({ s: model.document.offsetAt(j.getRange().start), e: model.document.offsetAt(j.getRange().end) }));
  const i = offs.findIndex(o => o.s === word.start);
  if (i < 0) return { range: rangeOf(model, word.start, word.end), newText: '' };
  if (i + 1 < offs.length) return { range: rangeOf(model, offs[i].s, offs[i + 1].s), newText: '' };
  if (i > 0) return { range: rangeOf(model, offs[i - 1].e, offs[i].e), newText: '' };
  return { range: rangeOf(model, offs[i].s, offs[i].e), newText: '' };
}

/** Quote a path for a Dockerfile COPY argument when it needs it. */
export const dockerArg = (p: string) => (/[\s"'$`]/.test(p) ? JSON.stringify(p) : p);
