/**
 * Dockerfiles for the lint engine: parsed by common/analysis/analyze, linted by the rules of
 * server/src/rules/, and a fix is safe when the result parses and every instruction it did not touch
 * is still there byte for byte (with the same escape character).
 */
import { DockerfileParser } from 'dockerfile-ast';
import { analyze } from '../../../../common/analysis/analyze';
import { indexHoldingLine } from '../../../../common/analysis/dockerfileParse';
import type { DockerfileModel } from '../../../../common/analysis/model';
import { keepOnlyLatest } from '../../../../common/analysis/astMemo';
import { isDockerfileName } from '../../../../common/analysis/fileNames';
import { RULES } from '../../rules/index';
import type { Fix } from '../../rules/types';
import type { FileKind } from '../fileKind';

/** The instruction whose lines contain `line` (instructions are in document order). */
export function instructionAtLine(model: DockerfileModel, line: number): DockerfileModel['instructions'][number] | undefined {
  const list = model.instructions;
  let k = indexHoldingLine(list, line, i => i.range);
  if (k < 0) return undefined;
  // ONBUILD triggers share their ONBUILD's lines: prefer the outer instruction
  while (k > 0 && list[k - 1].range.start.line <= line && line <= list[k - 1].range.end.line) k--;
  return list[k];
}

/** Every instruction the fix did not touch is still in the result byte for byte, and the escape character is the same. */
function keepsInstructions(model: DockerfileModel, next: string, fix: Fix): boolean {
  const spans = fix.edits.map(e => [model.document.offsetAt(e.range.start), model.document.offsetAt(e.range.end)]);
  const untouched = model.instructions.filter(i => {
    if (i.onbuild) return false;
    const s = model.document.offsetAt(i.range.start);
    const e = model.document.offsetAt(i.range.end);
    // an edit touches an instruction when it overlaps it or inserts strictly inside it
    return !spans.some(([es, ee]) => (es < e && ee > s) || (es === ee && es > s && es < e));
  });
  const after = DockerfileParser.parse(next);
  const counts = new Map<string, number>();
  for (const inst of after.getInstructions()) {
    const t = inst.toString();
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  for (const inst of untouched) {
    const t = inst.node.toString();
    const c = counts.get(t) ?? 0;
    if (c === 0) return false;
    counts.set(t, c - 1);
  }
  return after.getEscapeCharacter() === model.escapeChar;
}

/** Indexes of the instructions a fix edits, and their neighbours (an insertion between two touches both). */
function instructionFootprint(model: DockerfileModel, fix: Fix): Set<number> {
  const list = model.instructions;
  // first instruction ending at or after `line` (instructions are in document order)
  const firstEndingFrom = (line: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].range.end.line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out = new Set<number>();
  for (const e of fix.edits) {
    for (let k = firstEndingFrom(e.range.start.line - 1); k < list.length && list[k].range.start.line <= e.range.end.line + 1; k++) out.add(list[k].index);
  }
  return out;
}

export const DOCKERFILE: FileKind<DockerfileModel> = {
  id: 'dockerfile',
  noun: 'Dockerfile',
  languageIds: ['dockerfile'],
  claimsPath: path => isDockerfileName(path.slice(path.lastIndexOf('/') + 1)),
  readsBuildContext: true,
  rules: RULES,
  parse: (text, previous) => analyze(text, {}, previous),
  release: model => keepOnlyLatest(model.instructions.map(i => i.node)),
  isSuppressed(model, id, line) {
    if (model.ignoredAt.size === 0) return false;
    const inst = instructionAtLine(model, line);
    if (!inst) return false;
    return model.ignoredAt.get(inst.range.start.line)?.has(id) ?? false;
  },
  keepsStructure: keepsInstructions,
  footprint: instructionFootprint,
  ignoreAction(model, id, line) {
    const inst = instructionAtLine(model, line);
    if (!inst) return undefined;
    const at = inst.range.start.line;
    const indent = /^\s*/.exec(model.document.getText({ start: { line: at, character: 0 }, end: inst.range.start }))![0];
    return {
      title: `Ignore ${id} for this instruction`,
      edit: { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: `${indent}# cache-advisor ignore=${id}${model.eol}` },
    };
  },
};
