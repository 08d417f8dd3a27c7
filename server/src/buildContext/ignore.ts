/**
 * Which `.dockerignore` applies to a build, and matching with Docker's own rules (`**`, `!`
 * exceptions, parent directories: see analysis/dockerPattern).
 */
import * as path from 'path';
import { patternList } from '../../../common/analysis/dockerPattern';
import { readIgnorePatterns } from '../../../common/analysis/ignoreFile';

export { ignoreFileCandidates, parseIgnoreText } from '../../../common/analysis/ignoreFile';

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

/** Read the ignore spec that applies to a build; unreadable or absent files mean no patterns. */
export function readIgnoreSpec(dockerfilePath: string, contextDir: string): IgnoreSpec {
  const { file, patterns } = readIgnorePatterns(dockerfilePath, contextDir);
  return ignoreSpec(patterns, file);
}
