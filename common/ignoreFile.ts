/**
 * The `.dockerignore` of a build, as BuildKit finds and reads it. Shared by the server's context
 * listing and the build snapshot, which must see the same files the builder saw.
 */
import * as path from 'path';
import { MAX_IGNORE_BYTES, readWorkspaceText } from './boundedRead';

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

/**
 * The ignore file BuildKit uses for a Dockerfile: `<Dockerfile path>.dockerignore` next to the
 * Dockerfile wins; otherwise `.dockerignore` at the root of the context. They never combine.
 */
export function ignoreFileCandidates(dockerfilePath: string, contextDir: string): string[] {
  return [path.resolve(dockerfilePath) + '.dockerignore', path.join(path.resolve(contextDir), '.dockerignore')];
}

/** The patterns of the ignore file that applies (bounded read), and its path; none when there is none. */
export function readIgnorePatterns(dockerfilePath: string, contextDir: string): { file?: string; patterns: string[] } {
  for (const candidate of ignoreFileCandidates(dockerfilePath, contextDir)) {
    let text: string;
    try {
      text = readWorkspaceText(candidate, { root: path.dirname(candidate), maxBytes: MAX_IGNORE_BYTES });
    } catch {
      continue;
    }
    return { file: candidate, patterns: parseIgnoreText(text) };
  }
  return { patterns: [] };
}
