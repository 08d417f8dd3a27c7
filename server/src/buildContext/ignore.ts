/**
 * Which `.dockerignore` applies to a build, and matching with Docker's own rules (`**`, `!`
 * exceptions, parent directories: see analysis/dockerPattern).
 */
import { MAX_IGNORE_BYTES, readWorkspaceText } from '../../../common/boundedRead';
import * as path from 'path';
import { ignoreSpec, type IgnoreSpec } from '../../../common/analysis/ignoreSpec';

export { ignoreSpec, type IgnoreSpec };

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
