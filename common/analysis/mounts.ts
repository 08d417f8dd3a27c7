import type { Flag } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';

/** A `RUN --mount=…` flag, options parsed in any order (`target`, `dst` and `destination` are one). */
export interface MountFact {
  readonly type: string;
  readonly target?: string;
  readonly id?: string;
  readonly sharing?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: string;
  readonly from?: string;
  readonly source?: string;
  readonly readonly?: boolean;
  /** Every option as written, keys lower-cased. */
  readonly options: ReadonlyMap<string, string>;
  /** The whole `--mount=…` flag. */
  readonly range: Range;
}

const TARGET_KEYS = ['target', 'dst', 'destination'];
const SOURCE_KEYS = ['source', 'src'];

export function parseMountValue(value: string, range: Range): MountFact {
  const options = new Map<string, string>();
  let lastTarget: string | undefined;
  let lastSource: string | undefined;
  // BuildKit reads the value as CSV: quoted fields may contain commas
  const fields: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = '';
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ',') { fields.push(cur); cur = ''; }
    else cur += ch;
  }
  fields.push(cur);
  for (const field of fields) {
    if (!field.trim()) continue;
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? 'true' : field.slice(eq + 1).trim();
    options.set(key, value);
    // aliases set one field; BuildKit keeps the last one written
    if (TARGET_KEYS.includes(key)) lastTarget = value;
    if (SOURCE_KEYS.includes(key)) lastSource = value;
  }
  const pick = (keys: string[]) => keys.map(k => options.get(k)).find(v => v !== undefined);
  const ro = pick(['readonly', 'ro']);
  return {
    type: options.get('type') ?? 'bind',
    target: lastTarget,
    id: options.get('id'),
    sharing: options.get('sharing'),
    uid: options.get('uid'),
    gid: options.get('gid'),
    mode: options.get('mode'),
    from: options.get('from'),
    source: lastSource,
    readonly: ro !== undefined && ro !== 'false',
    options,
    range,
  };
}

export function mountsOf(flags: readonly Flag[]): MountFact[] {
  return flags
    .filter(f => f.getName().toLowerCase() === 'mount' && f.getValue() !== null)
    .map(f => parseMountValue(f.getValue()!, f.getRange()));
}

/** Normalise a container path for comparison: no trailing slash, no `.` segments, `..` resolved. */
export function normalisePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** Resolve `p` against the working directory the way Docker does for relative paths. */
export function resolvePath(workdir: string, p: string): string {
  return normalisePath(p.startsWith('/') ? p : `${workdir}/${p}`);
}

/** True when `dir` is `p` or one of its ancestors. */
export function covers(dir: string, p: string): boolean {
  const d = normalisePath(dir);
  const q = normalisePath(p);
  return d === q || d === '/' || q.startsWith(d + '/');
}
