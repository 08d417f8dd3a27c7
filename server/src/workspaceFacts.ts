/**
 * Gathers the facts about a Dockerfile's surroundings that rules may use (which files the build
 * context holds), bounded so a huge repository cannot stall the editor. Shared by the server and the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ignoreFileCandidates } from './context/ignore';
import { perBuildArgs, workspaceRootOf } from './context/perBuildArgs';
import type { WorkspaceFacts } from './rules/types';

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', 'target', 'dist', 'build', '.mypy_cache', '.pytest_cache']);
const MAX_ENTRIES = 5000;
const MAX_DEPTH = 4;
const TTL_MS = 5000;

const cache = new Map<string, { at: number; facts: WorkspaceFacts }>();

/** The build context folder of a Dockerfile: `buildContext` (relative to the Dockerfile's folder) or that folder. */
export function contextDirFor(dockerfilePath: string, buildContext?: string): string {
  const dir = path.dirname(dockerfilePath);
  return buildContext ? path.resolve(dir, buildContext) : dir;
}

/** List the context's files (relative posix paths), up to a bound; undefined facts when it cannot be read. */
export function gatherWorkspaceFacts(contextDir: string, now = Date.now()): WorkspaceFacts {
  const hit = cache.get(contextDir);
  if (hit && now - hit.at < TTL_MS) return hit.facts;
  const files = new Set<string>();
  const dirs = new Set<string>();
  let count = 0;
  let complete = true;
  const walk = (abs: string, rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      if (depth === 0) complete = false;
      return;
    }
    for (const e of entries) {
      if (++count > MAX_ENTRIES) { complete = false; return; }
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        dirs.add(r);
        if (depth < MAX_DEPTH && !SKIP.has(e.name)) walk(path.join(abs, e.name), r, depth + 1);
        else if (depth >= MAX_DEPTH) complete = false;
      } else files.add(r);
    }
  };
  walk(contextDir, '', 0);
  // a partial listing could claim a manifest is missing when it is not: then say nothing
  const facts: WorkspaceFacts = {
    ...(complete ? { contextFiles: files, contextDirs: dirs } : {}),
    perBuildArgs: perBuildArgs(workspaceRootOf(contextDir), [contextDir]),
  };
  cache.set(contextDir, { at: now, facts });
  if (cache.size > 100) cache.delete(cache.keys().next().value as string);
  return facts;
}

/** Which ignore file applies to a build: `<Dockerfile>.dockerignore` next to it wins over the context's `.dockerignore`. Not cached: cheap, and must see a file just created. */
export function ignoreFileFacts(dockerfilePath: string, contextDir: string): Pick<WorkspaceFacts, 'ignoreFile'> {
  for (const candidate of ignoreFileCandidates(dockerfilePath, contextDir)) {
    try {
      if (fs.statSync(candidate).isFile()) return { ignoreFile: path.basename(candidate) };
    } catch {
      // absent or unreadable: try the next candidate
    }
  }
  return { ignoreFile: null };
}

export function clearWorkspaceFactsCache(): void {
  cache.clear();
}
