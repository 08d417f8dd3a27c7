/**
 * Edits inside a RUN that the generic edit helpers do not cover: removing one command from a
 * `&&`/`;` chain (or a heredoc line), and rewriting options of a `--mount=` flag in place.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import type { MountFact } from '../../../common/analysis/mounts';
import type { ShellCommand } from '../../../common/analysis/shell';
import { rangeOf } from './edits';

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** Skip spaces and line continuations forward from `i`. */
function skipForward(t: string, i: number, esc: string): number {
  for (;;) {
    if (isSpace(t[i])) { i++; continue; }
    if (t[i] === esc) {
      let j = i + 1;
      while (isSpace(t[j])) j++;
      if (t[j] === '\r' && t[j + 1] === '\n') j++;
      if (t[j] === '\n') { i = j + 1; continue; }
    }
    return i;
  }
}

/** Skip spaces and line continuations backward from `i` (exclusive). */
function skipBackward(t: string, i: number, esc: string): number {
  for (;;) {
    if (isSpace(t[i - 1])) { i--; continue; }
    if (t[i - 1] === '\n') {
      let k = i - 1;
      if (t[k - 1] === '\r') k--;
      let m = k;
      while (isSpace(t[m - 1])) m--;
      if (t[m - 1] === esc) { i = m - 1; continue; }
    }
    return i;
  }
}

/**
 * Remove one command of a shell-form RUN together with the `&&` or `;` that joins it to its
 * neighbour. Undefined when that cannot be done safely (the only command, `||`, pipes, exec form).
 */
export function removeCommand(model: DockerfileModel, fact: InstructionFact, cmd: ShellCommand): TextEdit | undefined {
  if (!fact.run || fact.run.form === 'exec') return undefined;
  const t = model.text;
  const esc = model.escapeChar;
  const others = fact.run.script.commands.filter(c => c !== cmd && !(c.start >= cmd.start && c.end <= cmd.end) && !(cmd.start >= c.start && cmd.end <= c.end));
  if (others.length === 0) return undefined;
  // forward: `cmd && next` → `next`
  const j = skipForward(t, cmd.end, esc);
  if (t.startsWith('&&', j) || (t[j] === ';' && t[j + 1] !== ';')) {
    const k = skipForward(t, j + (t[j] === ';' ? 1 : 2), esc);
    if (t[k] !== '\n' && t[k] !== '\r' && k < t.length) return { range: rangeOf(model, cmd.start, k), newText: '' };
  }
  // a line of its own in a heredoc script
  if (t[j] === '\n' || (t[j] === '\r' && t[j + 1] === '\n')) {
    let ls = cmd.start;
    while (ls > 0 && isSpace(t[ls - 1])) ls--;
    // only a line of a heredoc script stands alone; a line reached by a continuation belongs to the one above
    if (cmd.nested && (ls === 0 || t[ls - 1] === '\n') && skipBackward(t, ls, esc) === ls) return { range: rangeOf(model, ls, j + (t[j] === '\r' ? 2 : 1)), newText: '' };
  }
  // backward: `prev && cmd` → `prev`
  const p = skipBackward(t, cmd.start, esc);
  let op = -1;
  if (t.slice(p - 2, p) === '&&' && t[p - 3] !== '&') op = p - 2;
  else if (t[p - 1] === ';' && t[p - 2] !== ';') op = p - 1;
  if (op < 0) return undefined;
  const q = skipBackward(t, op, esc);
  return { range: rangeOf(model, q, cmd.end), newText: '' };
}

/** Split a mount flag value into fields the way BuildKit's CSV reader does (quotes may hold commas). */
function fields(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of value) {
    if (quote) { if (ch === quote) quote = ''; cur += ch; }
    else if (ch === '"' || ch === "'") { quote = ch; cur += ch; }
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const TARGET_KEYS = ['target', 'dst', 'destination'];

/**
 * Rewrite options of a `--mount=` flag in place: `set` replaces (or appends) options, `target`
 * replacing whichever of target/dst/destination is written. Other options keep their order and spelling.
 */
export function rewriteMount(model: DockerfileModel, mount: MountFact, set: Readonly<Record<string, string>>): TextEdit {
  const s = model.document.offsetAt(mount.range.start);
  const e = model.document.offsetAt(mount.range.end);
  const flag = model.text.slice(s, e);
  const eq = flag.indexOf('=');
  const head = flag.slice(0, eq + 1);
  const parts = fields(flag.slice(eq + 1));
  const keyOf = (f: string) => {
    const k = f.split('=')[0].trim().toLowerCase();
    return TARGET_KEYS.includes(k) ? 'target' : k;
  };
  // BuildKit keeps the last of repeated options: rewrite that one and drop the earlier repeats
  const lastIndex = new Map<string, number>();
  parts.forEach((f, i) => lastIndex.set(keyOf(f), i));
  const done = new Set<string>();
  const next: string[] = [];
  parts.forEach((f, i) => {
    const key = keyOf(f);
    if (!(key in set)) { next.push(f); return; }
    if (lastIndex.get(key) !== i) return;
    done.add(key);
    next.push(`${f.split('=')[0]}=${set[key]}`);
  });
  for (const [k, v] of Object.entries(set)) if (!done.has(k)) next.push(`${k}=${v}`);
  return { range: rangeOf(model, s, e), newText: head + next.join(',') };
}
