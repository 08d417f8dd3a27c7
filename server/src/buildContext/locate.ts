/**
 * Finding the Dockerfiles whose build context holds a file, and answering for each. Node-side (reads
 * the disk); the analysis itself is in whatRebuilds.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../../common/analysis/analyze';
import { readWorkspaceText } from '../../../common/boundedRead';
import { isDockerfileName } from '../../../common/analysis/fileNames';
import { walkFolders } from './folders';
import { readIgnoreSpec, type IgnoreSpec } from './ignore';
import type { BuildArgs } from '../../../common/analysis/sources';
import { whatRebuilds, type RebuildAnswer } from './whatRebuilds';


/** Dockerfiles under `roots`, bounded by `maxEntries` directory entries; sorted. */
export function findDockerfiles(roots: readonly string[], maxEntries = 50_000): { files: string[]; complete: boolean } {
  const files: string[] = [];
  let left = maxEntries;
  let complete = true;
  for (const r of roots) {
    if (!complete) break;
    // one budget for all roots
    const walked = walkFolders(path.resolve(r), e => { if (e.dirent.isFile() && isDockerfileName(e.dirent.name)) files.push(e.path); }, { maxEntries: left });
    left -= walked.entries;
    complete = walked.complete;
  }
  return { files: [...new Set(files)].sort(), complete };
}

/** The context folder: `buildContext` relative to the Dockerfile's folder, or that folder. */
export function contextDirOf(dockerfile: string, buildContext?: string): string {
  const dir = path.dirname(path.resolve(dockerfile));
  return buildContext ? path.resolve(dir, buildContext) : dir;
}

export interface DockerfileAnswer {
  readonly dockerfile: string;
  readonly contextDir: string;
  readonly ignore: IgnoreSpec;
  readonly answer: RebuildAnswer;
}

/** Whether a context-relative path is on disk (a symlink counts, dangling or not). */
export const existsIn = (contextDir: string) => (rel: string): boolean => {
  try {
    fs.lstatSync(path.join(contextDir, rel));
    return true;
  } catch {
    return false;
  }
};

/**
 * Answer for one Dockerfile; `text` overrides the file on disk (an unsaved editor). `buildContext` is
 * an ordinary path (relative to the current folder, like `docker build`'s context argument).
 */
export function answerFor(opts: { dockerfile: string; file: string; text?: string; buildContext?: string; target?: string; buildArgs?: BuildArgs }): DockerfileAnswer {
  const dockerfile = path.resolve(opts.dockerfile);
  const text = opts.text ?? readWorkspaceText(dockerfile);
  const contextDir = opts.buildContext !== undefined ? path.resolve(opts.buildContext) : contextDirOf(dockerfile);
  const ignore = readIgnoreSpec(dockerfile, contextDir);
  const answer = whatRebuilds({
    model: analyze(text), contextDir, file: path.resolve(opts.file), ignore, dockerfile, target: opts.target,
    buildArgs: opts.buildArgs, exists: existsIn(contextDir),
  });
  return { dockerfile, contextDir, ignore, answer };
}
