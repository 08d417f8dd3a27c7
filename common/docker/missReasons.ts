/**
 * Why a step ran: compare a build's snapshot with earlier ones of the same Dockerfile and target
 * and name, for every step that ran, the first cause in build order. Pure: snapshots in, reasons out.
 *
 * Order of the checks for one step (the first that applies wins):
 *   no-cache     the build said `--no-cache` (or `--no-cache-filter` named the stage);
 *   first-build  no earlier build to compare with;
 *   base-image   the layer below is a FROM whose image (reference or ID) changed;
 *   parent       a step this one builds on ran (the layer below, or a stage it copies from);
 *   first-build  no earlier build ran this step (a new step);
 *   instruction  its text changed, or an ENV or USER it runs with;
 *   build-arg    a build arg in scope changed (for RUN any; for others one that changes the text);
 *   files        context files it copies or mounts changed, appeared or disappeared;
 *   unknown      nothing differs, and it ran anyway (cache pruned or evicted, or an input not recorded).
 */
import type { BuildSnapshot, SnapshotStep } from './buildSnapshot';

/** Variable names whose values are kept out of snapshots and masked in messages. */
export const SECRET_NAME = /token|passw|pwd|secret|key|credential|auth|private|cookie|session/i;

export type MissKind = 'files' | 'build-arg' | 'instruction' | 'base-image' | 'parent' | 'no-cache' | 'first-build' | 'unknown';

/** Why a step ran. */
export interface MissReason {
  readonly kind: MissKind;
  /** `files`: the changed, added or removed paths (at most MAX_FILES), in path order. */
  readonly files?: readonly string[];
  /** `files`: how each of `files` changed, same order. */
  readonly changes?: ReadonlyArray<'changed' | 'added' | 'removed'>;
  /** `files`: how many paths changed in all (more than `files` holds when over MAX_FILES). */
  readonly count?: number;
  /** `build-arg`: the argument; `instruction` from an ENV: the variable. */
  readonly arg?: string;
  /** Old and new value (build-arg, masked for secret-looking names), text (instruction) or image (base-image). */
  readonly old?: string;
  readonly new?: string;
  /** `parent`: the line of the step that ran; `base-image`: the FROM line; `instruction`: the ENV/USER line when that changed. */
  readonly line?: number;
  /** More for a person: what was compared, or why the answer is unsure. */
  readonly note?: string;
  /**
   * `files`: the changed files look unneeded by the build (docs copied by `COPY . .`): the entries a
   * `.dockerignore` could take.
   */
  readonly ignoreSuggestion?: readonly string[];
}

export const MAX_FILES = 20;

/** `***` for a secret-looking name (and for values hidden in the snapshot), else the value. */
export function maskValue(name: string, value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (SECRET_NAME.test(name) || value.startsWith('hidden:')) return value === '' ? '(empty)' : '***';
  return value;
}

/**
 * Documentation, editor and CI files, and the Dockerfile itself (`COPY . .` copies it, so editing any
 * instruction re-runs that COPY): a build rarely needs them, a `.dockerignore` usually should list them.
 */
const UNNEEDED = /(^|\/)(docs?|\.github|\.gitlab|\.vscode|\.idea|\.git)(\/|$)|\.(md|markdown|rst|adoc)$|(^|\/)(LICEN[CS]E|CHANGELOG|CHANGES|AUTHORS|CONTRIBUTING|NOTICE)[^/]*$|(^|\/)((Docker|Container)file[^/]*|[^/]*\.[Dd]ockerfile|\.dockerignore)$/i;

/**
 * The `.dockerignore` entries that would keep `files` out, when they all look unneeded and no other
 * step (`others`: the rest of the build) names them.
 */
export function unneededFiles(step: SnapshotStep, files: readonly string[], others: readonly SnapshotStep[]): string[] | undefined {
  if (!step.broad || (step.keyword !== 'COPY' && step.keyword !== 'ADD') || files.length === 0) return undefined;
  if (!files.every(f => UNNEEDED.test(f))) return undefined;
  // a later RUN that names the file, or another COPY/ADD that names its folder, needs it: no advice then
  const runs = others.filter(s => s.keyword === 'RUN').map(s => s.expanded);
  if (files.some(f => runs.some(r => r.includes(f.split('/').pop()!)))) return undefined;
  const copies = others.filter(s => s !== step && (s.keyword === 'COPY' || s.keyword === 'ADD')).map(s => s.expanded);
  if (files.some(f => copies.some(c => c.includes(f.split('/')[0])))) return undefined;
  const entries = new Set<string>();
  for (const f of files) {
    const slash = f.indexOf('/');
    const dir = /^(docs?|\.github|\.gitlab|\.vscode|\.idea|\.git)$/i.test(f.slice(0, Math.max(slash, 0)));
    entries.add(dir ? `${f.slice(0, slash)}/` : /\.(md|markdown|rst|adoc)$/i.test(f) ? `**/*${f.slice(f.lastIndexOf('.'))}` : f);
  }
  return [...entries].slice(0, 5);
}

function fileMap(s: BuildSnapshot, step: SnapshotStep): Map<string, string> {
  const m = new Map<string, string>();
  for (const i of step.files ?? []) if (s.paths[i] !== undefined) m.set(s.paths[i], s.hashes[i]);
  return m;
}

/** The file differences of a step between two snapshots. */
export function fileChanges(cur: BuildSnapshot, step: SnapshotStep, old: BuildSnapshot, prior: SnapshotStep): Array<{ path: string; change: 'changed' | 'added' | 'removed' }> {
  const a = fileMap(old, prior);
  const b = fileMap(cur, step);
  const out: Array<{ path: string; change: 'changed' | 'added' | 'removed' }> = [];
  for (const [p, h] of b) {
    const was = a.get(p);
    if (was === undefined) out.push({ path: p, change: 'added' });
    else if (was !== h) out.push({ path: p, change: 'changed' });
  }
  for (const p of a.keys()) if (!b.has(p)) out.push({ path: p, change: 'removed' });
  // folders change whenever a file inside them does: name the files
  const parents = new Set<string>();
  for (const c of out) for (let i = c.path.indexOf('/'); i > 0; i = c.path.indexOf('/', i + 1)) parents.add(c.path.slice(0, i));
  const files = out.filter(c => !parents.has(c.path));
  return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

const ran = (s: SnapshotStep | undefined) => s?.result === 'ran';
const completed = (s: SnapshotStep) => s.result === 'cached' || s.result === 'ran';
const shortId = (id: string | undefined) => id?.replace(/^sha256:/, '').slice(0, 12);

/**
 * The reason of every step of `cur` that ran (or failed: it ran too), by line. `history`: earlier
 * snapshots of the same Dockerfile and target, newest first.
 */
export function missReasons(cur: BuildSnapshot, history: readonly BuildSnapshot[]): Map<number, MissReason> {
  const out = new Map<number, MissReason>();
  const byLine = new Map(cur.steps.map(s => [s.line, s]));
  /** The newest earlier build that completed the step with this key, and the step there. */
  const priorOf = (key: string): { snap: BuildSnapshot; step: SnapshotStep } | undefined => {
    for (const snap of history) {
      const step = snap.steps.find(s => s.key === key);
      if (step && completed(step)) return { snap, step };
    }
    return undefined;
  };
  cur.steps.forEach(step => {
    if (step.result !== 'ran' && step.result !== 'failed') return;
    const r = reasonFor(step);
    if (r) out.set(step.line, r);
  });
  return out;

  function reasonFor(step: SnapshotStep): MissReason {
    if (cur.noCache === true || (Array.isArray(cur.noCache) && cur.noCache.some(n => n.toLowerCase() === step.stage.toLowerCase()))) {
      return { kind: 'no-cache', note: cur.noCache === true ? '--no-cache' : `--no-cache-filter ${step.stage}` };
    }
    if (history.length === 0) return { kind: 'first-build' };
    for (const d of step.deps) {
      const dep = byLine.get(d);
      if (dep?.keyword === 'FROM') {
        const was = priorOf(dep.key)?.step;
        if (was && (was.image !== dep.image || (was.imageId && dep.imageId && was.imageId !== dep.imageId))) {
          return { kind: 'base-image', line: d, old: imageText(was), new: imageText(dep) };
        }
      }
      if (ran(dep)) return { kind: 'parent', line: d };
    }
    const prior = priorOf(step.key);
    if (!prior) return { kind: 'first-build', note: 'no earlier build ran this step' };
    const was = prior.step;
    if (step.keyword === 'FROM') {
      if (was.image !== step.image || (was.imageId && step.imageId && was.imageId !== step.imageId)) return { kind: 'base-image', line: step.line, old: imageText(was), new: imageText(step) };
      return { kind: 'unknown', note: 'the engine resolved the base image again' };
    }
    if (was.source !== step.source) return { kind: 'instruction', old: was.source, new: step.source };
    const textChanged = was.expanded !== step.expanded;
    const isRun = step.keyword === 'RUN';
    if (isRun || textChanged) {
      for (const name of new Set([...Object.keys(step.args), ...Object.keys(was.args)])) {
        if (step.args[name] !== was.args[name]) return { kind: 'build-arg', arg: name, old: maskValue(name, was.args[name]), new: maskValue(name, step.args[name]) };
      }
      for (const name of new Set([...Object.keys(step.env), ...Object.keys(was.env)])) {
        const [a, b] = [was.env[name], step.env[name]];
        if (a?.[0] !== b?.[0]) {
          return { kind: 'instruction', arg: name, line: b?.[1] ?? a?.[1], old: `${name}=${maskValue(name, a?.[0])}`, new: `${name}=${maskValue(name, b?.[0])}`, note: `ENV ${name} changed` };
        }
      }
      if (isRun && was.user !== step.user) return { kind: 'instruction', old: `USER ${was.user}`, new: `USER ${step.user}`, note: 'it runs as another user' };
      if (textChanged) return { kind: 'instruction', old: was.expanded, new: step.expanded, note: 'the text after variable expansion changed' };
    }
    const changes = fileChanges(cur, step, prior.snap, was);
    if (changes.length) {
      const shown = changes.slice(0, MAX_FILES);
      const files = shown.map(c => c.path);
      const ignore = unneededFiles(step, changes.map(c => c.path), cur.steps.filter(s => s !== step));
      const hashOf = fileMap(cur, step);
      const sized = changes.some(c => (hashOf.get(c.path) ?? '').startsWith('stat:'));
      return {
        kind: 'files', files, changes: shown.map(c => c.change), count: changes.length,
        ...(ignore ? { ignoreSuggestion: ignore } : {}),
        ...(sized ? { note: 'some files are too large to hash and were compared by size and modification time' } : {}),
      };
    }
    const partial = cur.partial ?? prior.snap.partial;
    return {
      kind: 'unknown',
      note: partial
        ? `nothing that was compared changed, but ${partial}`
        : `its inputs are the same as in the build of ${prior.snap.finishedAt}: the cache entry was probably pruned or evicted`,
    };
  }
}

function imageText(s: SnapshotStep): string {
  const id = shortId(s.imageId);
  return id ? `${s.image} (${id})` : s.image ?? '';
}

/** The few words after the step's outcome: `src/app.py and 3 more changed`, `build arg V changed: 1 → 2`. */
export function reasonShort(r: MissReason): string {
  switch (r.kind) {
    case 'files': {
      const files = r.files ?? [];
      const count = r.count ?? files.length;
      const verb = r.changes && r.changes.every(c => c === r.changes![0]) ? r.changes[0] : 'changed';
      const head = files[0] ?? 'files';
      return count > 1 ? `${head} and ${count - 1} more ${verb}` : `${head} ${verb}`;
    }
    case 'build-arg': return `build arg ${r.arg} changed: ${r.old} → ${r.new}`;
    case 'instruction':
      if (r.arg) return `ENV ${r.arg}${r.line ? ` (line ${r.line})` : ''} changed`;
      return r.note === 'it runs as another user' ? `${r.new} (was ${r.old})` : 'instruction changed';
    case 'base-image': return `base image changed${r.line ? ` (line ${r.line})` : ''}`;
    case 'parent': return `line ${r.line} ran`;
    case 'no-cache': return r.note ?? '--no-cache';
    case 'first-build': return r.note ? 'new step' : 'first build';
    case 'unknown': return 'inputs unchanged';
  }
}

/** A paragraph for hovers, the CLI and the command: the reason, the files, the fix when there is one. */
export function reasonDetail(r: MissReason): string[] {
  const lines: string[] = [];
  switch (r.kind) {
    case 'files': {
      lines.push(`It copies or mounts build-context files that changed since the last build that ran it (${r.count ?? r.files?.length} in all):`);
      (r.files ?? []).forEach((f, i) => lines.push(`  ${r.changes?.[i] ?? 'changed'}: ${f}`));
      if ((r.count ?? 0) > (r.files?.length ?? 0)) lines.push(`  … and ${r.count! - r.files!.length} more`);
      if (r.ignoreSuggestion) {
        lines.push(`These files do not look needed by the build. Add ${r.ignoreSuggestion.map(e => `\`${e}\``).join(', ')} to .dockerignore, or copy only what the build needs (a narrower COPY), and this step stays cached when they change.`);
      }
      break;
    }
    case 'build-arg': lines.push(`The build arg ${r.arg} changed from ${r.old} to ${r.new}.`); break;
    case 'instruction':
      if (r.arg) lines.push(`ENV ${r.arg}${r.line ? ` on line ${r.line}` : ''} changed: ${r.old} → ${r.new}.`);
      else if (r.note === 'it runs as another user') lines.push(`It runs as another user: ${r.old} → ${r.new}.`);
      else lines.push(`The instruction changed${r.note === 'the text after variable expansion changed' ? ' (after variable expansion)' : ''}:`, `  was: ${r.old}`, `  now: ${r.new}`);
      break;
    case 'base-image': lines.push(`The base image${r.line ? ` on line ${r.line}` : ''} changed: ${r.old} → ${r.new}.`); break;
    case 'parent': lines.push(`The step on line ${r.line} ran, and every step built on it runs again.`); break;
    case 'no-cache': lines.push(`The build was asked not to use the cache (${r.note ?? '--no-cache'}).`); break;
    case 'first-build': lines.push(r.note ? `Nothing to compare with: ${r.note}.` : 'Nothing to compare with: this is the first recorded build of this Dockerfile and target.'); break;
    case 'unknown': lines.push(`Nothing recorded changed, yet it ran: ${r.note ?? 'the cache entry was probably pruned or evicted'}.`); break;
  }
  if (r.kind === 'files' && r.note) lines.push(`(${r.note})`);
  return lines;
}

/** The `--format json` shape of a reason: `{kind, files?, more?, arg?, old?, new?, line?}`. */
export function reasonJson(r: MissReason): { kind: MissKind; files?: string[]; more?: number; arg?: string; old?: string; new?: string; line?: number } {
  return {
    kind: r.kind,
    ...(r.files ? { files: [...r.files] } : {}),
    ...(r.files && (r.count ?? 0) > r.files.length ? { more: r.count! - r.files.length } : {}),
    ...(r.arg !== undefined ? { arg: r.arg } : {}),
    ...(r.old !== undefined ? { old: r.old } : {}),
    ...(r.new !== undefined ? { new: r.new } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
  };
}
