/**
 * Which `.dockerignore` applies to a build, and matching with Docker's own rules (`**`, `!`
 * exceptions, parent directories: see analysis/dockerPattern).
 */
import { ignoreSpec, type IgnoreSpec } from '../../../common/analysis/ignoreSpec';
import { readIgnorePatterns } from '../../../common/ignoreFile';

export { ignoreFileCandidates, parseIgnoreText } from '../../../common/ignoreFile';
export { ignoreSpec, type IgnoreSpec };

/** Read the ignore spec that applies to a build; unreadable or absent files mean no patterns. */
export function readIgnoreSpec(dockerfilePath: string, contextDir: string): IgnoreSpec {
  const { file, patterns } = readIgnorePatterns(dockerfilePath, contextDir);
  return ignoreSpec(patterns, file);
}
