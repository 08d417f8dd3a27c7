/**
 * The `cacheAdvisor/whatRebuilds` request: the editor's "What rebuilds if I change…" answered by the
 * same core as the CLI. Node-side (reads Dockerfiles and ignore files); no LSP connection here.
 */
import * as path from 'path';
import { analyze } from '../../../common/analysis/analyze';
import { readWorkspaceText } from '../../../common/boundedRead';
import { URI } from '../lsp/uri';
import { readIgnoreSpec } from './ignore';
import { measuredSeconds, type LastRunSource } from './lastRun';
import { contextDirOf, existsIn, findDockerfiles } from './locate';
import { contextRelative, summarise, toJson, whatRebuilds } from './whatRebuilds';
import type { DockerfileRebuild, WhatRebuildsParams, WhatRebuildsResult } from '../../../common/protocol';

export interface WhatRebuildsDeps {
  /** Workspace folders to search for Dockerfiles. */
  readonly roots: readonly string[];
  /** Unsaved editor text by file path (Dockerfiles open in the editor). */
  readonly openText: (file: string) => string | undefined;
  /** Paths of open Dockerfiles, searched as well (they may live outside the folders). */
  readonly openDockerfiles: readonly string[];
  readonly buildContextFor: (dockerfileUri: string) => Promise<string | undefined>;
  readonly lastRun?: LastRunSource;
}

const searchCache = new Map<string, { at: number; files: string[]; complete: boolean }>();

function dockerfilesUnder(roots: readonly string[], now = Date.now()) {
  const key = roots.join('\0');
  const hit = searchCache.get(key);
  if (hit && now - hit.at < 10_000) return hit;
  const found = { at: now, ...findDockerfiles(roots) };
  searchCache.set(key, found);
  if (searchCache.size > 10) searchCache.delete(searchCache.keys().next().value as string);
  return found;
}

export async function answerWhatRebuilds(params: WhatRebuildsParams, deps: WhatRebuildsDeps): Promise<WhatRebuildsResult> {
  const file = URI.toPath(params.uri);
  if (!file) throw new Error(`not a file on disk: ${params.uri}`);
  const search = dockerfilesUnder(deps.roots);
  const candidates = [...new Set([...search.files, ...deps.openDockerfiles.map(f => path.resolve(f))])].sort();
  const root = deps.roots.find(r => contextRelative(r, file) !== undefined) ?? path.dirname(file);
  const label = (p: string) => contextRelative(root, p) ?? p;
  const dockerfiles: DockerfileRebuild[] = [];
  for (const dockerfile of candidates) {
    const uri = URI.fromPath(dockerfile);
    const contextDir = contextDirOf(dockerfile, await deps.buildContextFor(uri));
    if (contextRelative(contextDir, file) === undefined) continue;
    let text = deps.openText(dockerfile);
    if (text === undefined) {
      try {
        text = readWorkspaceText(dockerfile);
      } catch {
        continue;
      }
    }
    const ignore = readIgnoreSpec(dockerfile, contextDir);
    let answer;
    const model = analyze(text);
    // answer for the build as it was last run: its --build-arg values and, unless asked otherwise, its target
    const last = deps.lastRun?.lastBuild?.(uri);
    const buildArgs = last?.buildArgs && Object.keys(last.buildArgs).length ? last.buildArgs : undefined;
    try {
      answer = whatRebuilds({
        model, contextDir, file, ignore, dockerfile, target: params.target ?? last?.target,
        buildArgs: buildArgs && new Map(Object.entries(buildArgs)), exists: existsIn(contextDir),
      });
    } catch {
      continue; // e.g. the target names no stage of this Dockerfile
    }
    const { conditionalLines: conditions, ...json } = toJson(label(dockerfile), answer);
    dockerfiles.push({
      ...json,
      conditions,
      ...(buildArgs ? { buildArgs } : {}),
      uri,
      reason: answer.reason,
      summary: summarise(label(file), answer, ignore.describe(root)),
      ranges: answer.rerun.map(s => s.instruction.range),
      conditionalLines: answer.rerun.filter(s => answer.conditional.has(s)).map(s => s.line),
      measuredSeconds: measuredSeconds(deps.lastRun, uri, json.rerunLines, model),
    });
  }
  return { file: label(file), dockerfiles, complete: search.complete };
}
