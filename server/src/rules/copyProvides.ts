/** Whether a COPY/ADD puts a given container path in place: shared by the rules that ask "does this step read the copied files?". */
import * as path from 'path';
import { globPattern } from '../../../common/analysis/dockerPattern';
import type { CopyFact } from '../../../common/analysis/model';
import { covers, normalisePath } from '../../../common/analysis/mounts';
import { trimTrailingSlashes } from '../../../common/analysis/text';
import type { WorkspaceFacts } from './types';

function inContext(ws: WorkspaceFacts, rel: string): boolean {
  if (!ws.contextFiles) return true; // unknown context: assume the file is there
  if (rel === '' || rel === '.') return true;
  if (ws.contextFiles.has(rel) || ws.contextDirs?.has(rel)) return true;
  for (const f of ws.contextFiles) if (f.startsWith(rel + '/')) return true;
  return false;
}

/**
 * True when `abs` (an absolute container path a step reads) is, or contains, something `copy` put
 * there from the build context. With a context listing, paths the context does not hold do not count.
 */
export function copyProvides(copy: CopyFact, abs: string, ws: WorkspaceFacts): boolean {
  if (copy.from !== undefined || copy.heredoc || !copy.destAbs) return false;
  const p = normalisePath(abs);
  const destIsDir = copy.destAbs.endsWith('/') || copy.sources.length > 1 || copy.sources.some(s => s.kind === 'context' || s.kind === 'directory' || s.kind === 'glob');
  const dest = normalisePath(copy.destAbs);
  for (const src of copy.sources) {
    const value = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
    if (src.kind === 'context' || src.kind === 'directory') {
      // reading the destination itself or a parent of it reads the copied tree
      if (covers(p, dest)) return true;
      if (!covers(dest, p)) continue;
      const rel = path.posix.relative(dest, p);
      const ctxRel = src.kind === 'context' ? rel : path.posix.join(value, rel);
      if (inContext(ws, ctxRel)) return true;
      continue;
    }
    const name = value.replace(/^.*\//, '');
    if (src.kind === 'glob') {
      if (covers(p, dest)) return true;
      if (path.posix.dirname(p) === dest && globPattern(name).matches(path.posix.basename(p))) return true;
      continue;
    }
    const target = destIsDir ? path.posix.join(dest, name) : dest;
    if (covers(p, target)) return true;
  }
  return false;
}
