/**
 * Which `.dockerignore` applies to a build, and matching with Docker's own rules (`**`, `!`
 * exceptions, parent directories: see analysis/dockerPattern).
 */
import { MAX_IGNORE_BYTES, readWorkspaceText } from '../../../common/boundedRead';
import * as path from 'path';
import { patternList } from '../../../common/analysis/dockerPattern';

/** The ignore file of one build, parsed. */
export interface IgnoreSpec {
  /** Absolute path of the file that applies, undefined when there is none. */
  readonly file?: string;
  /** Its patterns, comments and blank lines removed. */
  readonly patterns: readonly string[];
  /** True for a negation (`!pattern`) anywhere: an excluded folder may still hold included files. */
  readonly hasExceptions: boolean;
  /** True when a context-relative posix path is excluded from the build context. */
  ignores(rel: string): boolean;
  /** Short description for messages: the file's name relative to `relativeTo`. */
  describe(relativeTo: string): string;
}

/**
 * Parse .dockerignore text the way BuildKit reads it: one pattern a line, a leading byte-order mark
 * dropped, `#` comments only in the first column (` # x` is a pattern), trimmed.
 */
export function parseIgnoreText(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .filter(l => !l.startsWith('#'))
    .map(l => l.trim())
    .filter(l => l !== '');
}

/** An ignore spec from patterns (pure). */
export function ignoreSpec(patterns: readonly string[], file?: string): IgnoreSpec {
  const list = patternList(patterns);
  const cache = new Map<string, boolean>();
  return {
    file,
    patterns,
    hasExceptions: list.hasExclusions,
    ignores(rel: string): boolean {
      if (patterns.length === 0 || rel === '' || rel === '.') return false;
      let hit = cache.get(rel);
      if (hit === undefined) {
        hit = list.matches(rel);
        if (cache.size > 50_000) cache.clear();
        cache.set(rel, hit);
      }
      return hit;
    },
    describe(relativeTo: string) {
      return file ? path.relative(relativeTo, file).split(path.sep).join('/') || path.basename(file) : 'no .dockerignore';
    },
  };
}

/**
 * The ignore file BuildKit uses for a Dockerfile: `<Dockerfile path>.dockerignore` next to the
 * Dockerfile wins; otherwise `.dockerignore` at the root of the context. They never combine.
 */
export function ignoreFileCandidates(dockerfilePath: string, contextDir: string): string[] {
  return [path.resolve(dockerfilePath) + '.dockerignore', path.join(path.resolve(contextDir), '.dockerignore')];
}

/** Read the ignore spec that applies to a build; unreadable or absent files mean no patterns. */
export function readIgnoreSpec(dockerfilePath: string, contextDir: string): IgnoreSpec {
  for (const candidate of ignoreFileCandidates(dockerfilePath, contextDir)) {
    let text: string;
    try {
      text = readWorkspaceText(candidate, { root: path.dirname(candidate), maxBytes: MAX_IGNORE_BYTES });
    } catch {
      continue;
    }
    return ignoreSpec(parseIgnoreText(text), candidate);
  }
  return ignoreSpec([]);
}
