/**
 * Text edits for CI workflows that keep the YAML valid and the rest of the file byte for byte: add
 * inputs under a step's `with:` (creating `with:` when there is none), remove an input, remove one
 * word of a script. Every fix is re-parsed before it is offered (the ci kind's keepsStructure).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { CiActionBuild, CiCommandBuild, CiInput, CiModel } from '../../../../common/analysis/ciWorkflow';
import { nodeEnd, nodeStart } from '../../../../common/analysis/composeModel';
import type { ShellWord } from '../../../../common/analysis/shell';
import { afterLineOf, flowMapInsertAt, lineStartOf, wholeLines } from '../../../../common/analysis/yamlText';

const rangeOf = (model: CiModel, s: number, e: number) => ({ start: model.document.positionAt(s), end: model.document.positionAt(e) });
/** The last character of a node (`range[1]` is exclusive). */
const lastChar = (n: Node) => Math.max(nodeStart(n), nodeEnd(n) - 1);
const column = (t: string, offset: number) => offset - lineStartOf(t, offset);
const pairEnd = (p: Pair) => (p.value ? lastChar(p.value as Node) : lastChar(p.key as Node));

/** A value written as a plain scalar when YAML reads it back as the same string in block context, else double-quoted. */
const blockScalar = (v: string) => (/^[A-Za-z0-9_][\w./:@=,+-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v));

/** Offset where lines go after a block mapping's last entry, with a line break first when the file ends without one. */
function afterMap(model: CiModel, map: YAMLMap): { at: number; lead: string } {
  const at = afterLineOf(model.text, pairEnd(map.items[map.items.length - 1]));
  return { at, lead: at === model.text.length && !model.text.endsWith('\n') ? model.eol : '' };
}

/**
 * Add `key: value` inputs under the step's `with:`, creating `with:` after the step's last key when
 * there is none. Undefined when the text is shared through an anchor or laid out in flow style
 * beyond what can be edited safely.
 */
export function addActionInputs(model: CiModel, build: CiActionBuild, entries: ReadonlyArray<readonly [string, string]>): TextEdit | undefined {
  if (build.shared) return undefined;
  const t = model.text;
  const eol = model.eol;
  const lines = (indent: string) => entries.map(([k, v]) => `${indent}${k}: ${blockScalar(v)}${eol}`).join('');
  const map = build.withMap;
  if (map && map.items.length > 0) {
    if (map.flow) {
      const at = flowMapInsertAt(t, nodeEnd(map) - 1);
      if (at === undefined) return undefined;
      return { range: rangeOf(model, at, at), newText: entries.map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`).join('') };
    }
    const first = nodeStart(map.items[0].key as Node);
    const { at, lead } = afterMap(model, map);
    return { range: rangeOf(model, at, at), newText: lead + lines(' '.repeat(column(t, first))) };
  }
  const step = build.step;
  if (step.flow || step.items.length === 0) return undefined;
  const stepColumn = column(t, nodeStart(step.items[0].key as Node));
  if (build.with) {
    // `with:` with no value: the inputs go on the lines below it
    const v = build.with.value;
    if (v && !(isScalar(v) && v.value === null)) return undefined;
    const keyColumn = column(t, nodeStart(build.with.key as Node));
    const at = afterLineOf(t, pairEnd(build.with));
    const lead = at === t.length && !t.endsWith('\n') ? eol : '';
    return { range: rangeOf(model, at, at), newText: lead + lines(' '.repeat(keyColumn + 2)) };
  }
  const { at, lead } = afterMap(model, step);
  return { range: rangeOf(model, at, at), newText: `${lead}${' '.repeat(stepColumn)}with:${eol}${lines(' '.repeat(stepColumn + 2))}` };
}

/** Remove one input of the step's `with:` (the whole `with:` when it is the only one). */
export function removeActionInput(model: CiModel, build: CiActionBuild, input: CiInput): TextEdit | undefined {
  const map = build.withMap;
  if (build.shared || !map || map.flow || !build.with) return undefined;
  const pair = map.items.length === 1 ? build.with : input.pair;
  const span = wholeLines(model.text, nodeStart(pair.key as Node), pairEnd(pair) + 1);
  return span ? { range: rangeOf(model, span.s, span.e), newText: '' } : undefined;
}

/**
 * Remove one word of a build command line: the whole line when it holds only the word and a line
 * continuation, else the word and the blank before it. Undefined unless the script maps back to the
 * document exactly and the word is there as parsed.
 */
export function removeWord(model: CiModel, build: CiCommandBuild, word: ShellWord): TextEdit | undefined {
  const t = model.text;
  if (build.shared || !build.exact || t.slice(word.start, word.end) !== word.text) return undefined;
  const ls = lineStartOf(t, word.start);
  const le = afterLineOf(t, word.start);
  const line = t.slice(ls, le).replace(/\r?\n$/, '');
  if (line.slice(0, word.start - ls).trim() === '' && line.slice(word.end - ls).trim() === '\\') return { range: rangeOf(model, ls, le), newText: '' };
  let s = word.start;
  while (s > ls && (t[s - 1] === ' ' || t[s - 1] === '\t')) s--;
  if (s > ls) return { range: rangeOf(model, s, word.end), newText: '' };
  // first on its line: take the blanks after it instead
  let e = word.end;
  while (e < t.length && (t[e] === ' ' || t[e] === '\t')) e++;
  return { range: rangeOf(model, word.start, e), newText: '' };
}
