/**
 * Line arithmetic for editing YAML text in place (Compose files, CI workflows): fixes add or remove
 * whole lines so the indentation, comments and every other byte of the file stay as they were.
 */

/** Offset of the start of the line holding offset `i`. */
export const lineStartOf = (t: string, i: number) => t.lastIndexOf('\n', i - 1) + 1;

/** Offset just past the line break of the line holding offset `i` (or the end of the text). */
export function afterLineOf(t: string, i: number): number {
  const nl = t.indexOf('\n', i);
  return nl < 0 ? t.length : nl + 1;
}

/**
 * Whole lines from `start`'s line through the line of the last character before `end`, when nothing
 * else shares them (only indentation or a `- ` before, only a comment after); undefined otherwise.
 */
export function wholeLines(t: string, start: number, end: number): { s: number; e: number } | undefined {
  const s = lineStartOf(t, start);
  if (!/^\s*(-\s*)?$/.test(t.slice(s, start))) return undefined;
  const e = afterLineOf(t, Math.max(start, end - 1));
  const rest = t.slice(Math.min(end, e), e).replace(/\r?\n$/, '');
  if (!/^\s*(#.*)?$/.test(rest)) return undefined;
  return { s, e };
}

/**
 * Where entries go at the end of a flow mapping (`{ a: 1 }` → before the `}`, after the last non-space),
 * given the offset of its closing brace; undefined when that offset is not a `}` (a layout not to edit).
 */
export function flowMapInsertAt(t: string, close: number): number | undefined {
  if (t[close] !== '}') return undefined;
  let at = close;
  while (at > 0 && /\s/.test(t[at - 1])) at--;
  return at;
}
