/**
 * Text edits for Compose files that keep the YAML valid and the rest of the file byte for byte:
 * remove one `args`/`environment` entry, add a key to a `build:` mapping (turning `build: ./dir` into
 * the long form when needed). Every fix is re-parsed before it is offered (the Compose adapter, lint/kinds/compose.ts).
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ComposeEntry, ComposeModel, ComposeService } from '../../../../common/analysis/composeModel';
import { nodeEnd, nodeStart } from '../../../../common/analysis/composeModel';
import { afterLineOf, flowMapInsertAt, lineStartOf, wholeLines } from '../../../../common/analysis/yamlText';

const rangeOf = (model: ComposeModel, s: number, e: number) => ({ start: model.document.positionAt(s), end: model.document.positionAt(e) });
/** The last character offset of a node's value (`range[1]` is exclusive). */
const lastChar = (n: Node) => Math.max(nodeStart(n), nodeEnd(n) - 1);

/** Remove a pair of a block mapping (key line through its value's last line). */
function removePairLines(model: ComposeModel, pair: Pair): TextEdit | undefined {
  const start = nodeStart(pair.key as Node);
  const end = pair.value ? nodeEnd(pair.value as Node) : nodeEnd(pair.key as Node);
  const span = wholeLines(model.text, start, end);
  return span ? { range: rangeOf(model, span.s, span.e), newText: '' } : undefined;
}

/**
 * Remove one entry of `args`/`environment`. When it is the only one, the whole `args:` /
 * `environment:` key goes (an empty value is not valid Compose). Undefined when that would empty `build:`.
 */
export function removeEntry(model: ComposeModel, service: ComposeService, entry: ComposeEntry): TextEdit | undefined {
  // text reached through an anchor belongs to every service using it
  if (service.shared) return undefined;
  const c = entry.container;
  if (c.items.length === 1) {
    if (service.buildMap && entry.owner !== undefined && service.buildMap.items.includes(entry.owner) && service.buildMap.items.length === 1) return undefined;
    if ((c as { flow?: boolean }).flow || isFlowParent(model, entry.owner)) return undefined;
    return removePairLines(model, entry.owner);
  }
  if ((c as { flow?: boolean }).flow) {
    const starts = c.items.map(it => nodeStart((isMap(c) ? (it as Pair).key : it) as Node));
    const ends = c.items.map(it => (isMap(c) ? ((it as Pair).value ? nodeEnd((it as Pair).value as Node) : nodeEnd((it as Pair).key as Node)) : nodeEnd(it as Node)));
    const i = entry.index;
    if (i + 1 < starts.length) return { range: rangeOf(model, starts[i], starts[i + 1]), newText: '' };
    return { range: rangeOf(model, ends[i - 1], ends[i]), newText: '' };
  }
  const span = wholeLines(model.text, entry.start, entry.end);
  return span ? { range: rangeOf(model, span.s, span.e), newText: '' } : undefined;
}

const isFlowParent = (model: ComposeModel, pair: Pair) => {
  const s = nodeStart(pair.key as Node);
  return /[{,]\s*$/.test(model.text.slice(lineStartOf(model.text, s), s));
};

/** Quote a value for YAML when it is not a safe plain scalar (double-quoted YAML is JSON-compatible). */
export const yamlScalar = (v: string) => (/^[A-Za-z0-9_][\w./:@-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v));

/** The indentation of the keys inside a block mapping. */
function childIndent(model: ComposeModel, map: YAMLMap): string {
  const first = nodeStart(map.items[0].key as Node);
  const before = model.text.slice(lineStartOf(model.text, first), first);
  return before.slice(0, before.length - before.trimStart().length);
}

/**
 * Add `key:` with a block sequence of `values` to the service's build mapping. `build: ./dir` becomes
 * `build: {context: ./dir, …}` in block form. Undefined when the layout is too unusual to edit safely.
 */
export function addBuildList(model: ComposeModel, service: ComposeService, key: string, values: readonly string[]): TextEdit | undefined {
  const build = service.build;
  if (!build || service.shared) return undefined;
  const eol = model.eol;
  const t = model.text;
  // list items indented one step further, the step being the file's own
  const list = (indent: string, step: number) => `${indent}${key}:${eol}${values.map(v => `${indent}${' '.repeat(step)}- ${yamlScalar(v)}${eol}`).join('')}`;
  const keyColumn = (n: Node) => nodeStart(n) - lineStartOf(t, nodeStart(n));
  const map = service.buildMap;
  if (map && map.items.length > 0) {
    if (map.flow) {
      // `{ context: . }` → `{ context: ., key: [v] }`
      const at = flowMapInsertAt(t, nodeEnd(map) - 1);
      if (at === undefined) return undefined;
      return { range: rangeOf(model, at, at), newText: `, ${key}: [${values.map(yamlScalar).join(', ')}]` };
    }
    const last = map.items[map.items.length - 1];
    const end = last.value ? lastChar(last.value as Node) : lastChar(last.key as Node);
    const at = afterLineOf(t, end);
    const needsBreak = at === t.length && !t.endsWith('\n');
    const indent = childIndent(model, map);
    const step = indent.length - keyColumn(build.key as Node);
    return { range: rangeOf(model, at, at), newText: (needsBreak ? eol : '') + list(indent, step > 0 ? step : 2) };
  }
  if (isScalar(build.value) && build.value.value !== null && !build.value.type?.startsWith('BLOCK')) {
    const keyStart = nodeStart(build.key as Node);
    const base = t.slice(lineStartOf(t, keyStart), keyStart);
    if (/\S/.test(base)) return undefined; // `build` is not the first thing on its line
    const step = base.length - service.keyRange.start.character;
    const indent = base + ' '.repeat(step > 0 ? step : 2);
    const s = nodeEnd(build.key as Node);
    const valueEnd = nodeEnd(build.value);
    // a comment after `build: ./dir` stays with the context line
    const lineEnd = afterLineOf(t, valueEnd) - (t.slice(0, afterLineOf(t, valueEnd)).match(/\r?\n$/)?.[0].length ?? 0);
    const context = t.slice(nodeStart(build.value), lineEnd).trimEnd();
    return { range: rangeOf(model, s, lineEnd), newText: `:${eol}${indent}context: ${context}${eol}${list(indent, step > 0 ? step : 2).slice(0, -eol.length)}` };
  }
  return undefined;
}
