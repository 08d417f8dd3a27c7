/** Which build-context file a container path came from: the inverse of copyProvides, for reading a script a RUN executes. */
import * as path from 'path';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { covers, normalisePath } from '../../../common/analysis/mounts';
import { trimTrailingSlashes } from '../../../common/analysis/text';
import { inImageOf } from '../../../common/analysis/cacheMountFacts';

/** The context-relative path a COPY put at `abs`, when it is one file of the context it copied. */
function fromCopy(fact: InstructionFact, abs: string): string | undefined {
  const copy = fact.copy;
  if (!copy || copy.from !== undefined || copy.heredoc || !copy.destAbs || copy.sources.length !== 1) return undefined;
  const src = copy.sources[0];
  const value = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
  const dest = normalisePath(copy.destAbs);
  if (/^[a-z]+:\/\/|^git@/i.test(src.value)) return undefined;
  if (src.kind === 'context' || src.kind === 'directory') {
    if (!covers(dest, abs) || dest === normalisePath(abs)) return undefined;
    const rel = path.posix.relative(dest, normalisePath(abs));
    return src.kind === 'context' ? rel : path.posix.join(value, rel);
  }
  if (src.kind === 'glob') return undefined;
  const target = copy.destAbs.endsWith('/') ? path.posix.join(dest, value.replace(/^.*\//, '')) : dest;
  return target === normalisePath(abs) ? value : undefined;
}

/** A COPY of single named files none of which lands on `abs`. */
function writesOneOtherFile(fact: InstructionFact, abs: string): boolean {
  const copy = fact.copy!;
  if (copy.from !== undefined || copy.heredoc) return false;
  const dest = normalisePath(copy.destAbs!);
  const destIsDir = copy.destAbs!.endsWith('/') || copy.sources.length > 1;
  return copy.sources.every(s => ['file', 'manifest', 'source-file'].includes(s.kind) && !/^[a-z]+:\/\//i.test(s.value)
    && (destIsDir ? path.posix.join(dest, s.value.replace(/^.*\//, '')) : dest) !== abs);
}

/**
 * The context file at container path `abs` when `fact` runs: from a bind mount of the RUN over the
 * context, else from the last COPY of the image that put something there. Undefined when a later step
 * may have replaced it or the path did not come from the context.
 */
export function contextSourceOf(model: DockerfileModel, fact: InstructionFact, abs: string): string | undefined {
  const p = normalisePath(abs);
  for (const m of fact.run?.mounts ?? []) {
    if (m.type !== 'bind' || m.from !== undefined || !m.target || !m.target.startsWith('/') || !covers(m.target, p)) continue;
    const source = trimTrailingSlashes((m.source ?? '').replace(/^\.\//, ''));
    const rel = path.posix.relative(normalisePath(m.target), p);
    return path.posix.join(source || '.', rel).replace(/^\.\//, '');
  }
  const stageFacts = model.instructions.filter(i => i.copy && inImageOf(model, fact, i));
  for (let k = stageFacts.length - 1; k >= 0; k--) {
    const c = stageFacts[k];
    const rel = fromCopy(c, p);
    if (rel !== undefined) return rel;
    // a later COPY that may have written the same place (a tree, a glob, another stage) hides what is known
    if (c.copy!.destAbs && covers(normalisePath(c.copy!.destAbs), p) && !writesOneOtherFile(c, p)) return undefined;
  }
  return undefined;
}
