/**
 * `# cache-advisor ignore=<ids>` (the next statement) and `# cache-advisor global ignore=<ids>`
 * (the whole file) comments, for Dockerfiles and Compose files alike. Parsed by hand in one pass:
 * a hostile file (a comment padded with spaces, thousands of stacked comments) costs linear time.
 */

/** The rule ids one comment line names, or undefined when the line is no suppression comment. */
export function suppressionComment(line: string): { global: boolean; ids: string[] } | undefined {
  let i = skipSpace(line, 0);
  if (line[i] !== '#') return undefined;
  i = skipSpace(line, i + 1);
  if (!line.startsWith('cache-advisor', i)) return undefined;
  i += 'cache-advisor'.length;
  let j = skipSpace(line, i);
  if (j === i) return undefined;
  let global = false;
  if (line.startsWith('global', j)) {
    const k = skipSpace(line, j + 'global'.length);
    if (k > j + 'global'.length) { global = true; j = k; }
  }
  if (!line.startsWith('ignore', j)) return undefined;
  j = skipSpace(line, j + 'ignore'.length);
  if (line[j] !== '=') return undefined;
  const rest = line.slice(j + 1);
  const ids: string[] = [];
  let id = '';
  for (const ch of rest) {
    if (ID_CHAR.test(ch)) { id += ch; continue; }
    if (ch !== ',' && !SPACE.test(ch)) return undefined; // anything else: not our comment
    if (id) ids.push(id);
    id = '';
  }
  if (id) ids.push(id);
  if (rest.length === 0) return undefined;
  return { global, ids };
}

const SPACE = /^\s$/;
const ID_CHAR = /^[\w-]$/;

function skipSpace(s: string, i: number): number {
  while (i < s.length && SPACE.test(s[i])) i++;
  return i;
}

/** Suppressions of a file: ids ignored everywhere, and ids ignored per line they apply to. */
export interface Suppressions {
  readonly global: Set<string>;
  readonly at: Map<number, Set<string>>;
}

/**
 * Every suppression comment of a text. A non-global one applies to the first line below it that
 * `passes` does not skip (the run of comment lines it is part of, and for YAML blank lines too).
 */
export function parseSuppressions(text: string, passes: (line: string) => boolean): Suppressions {
  const global = new Set<string>();
  const at = new Map<number, Set<string>>();
  const lines = text.split(/\r?\n/);
  // ids waiting for the line they apply to: one pass, however many comments are stacked
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const c = suppressionComment(line);
    if (c?.global) c.ids.forEach(id => global.add(id));
    else if (c) for (const id of c.ids) pending.push(id);
    if (c || passes(line)) continue;
    if (pending.length > 0) {
      const set = at.get(i) ?? new Set<string>();
      pending.forEach(id => set.add(id));
      at.set(i, set);
      pending = [];
    }
  }
  return { global, at };
}
