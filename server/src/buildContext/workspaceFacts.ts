/**
 * Gathers the facts about a Dockerfile's surroundings that rules may use (which files the build
 * context holds), bounded so a huge repository cannot stall the editor. Shared by the server and the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ignoreFileCandidates } from './ignore';
import { perBuildArgs } from './perBuildArgs';
import { repositoryRoot, walkFolders } from './folders';
import { clearReferencedDockerfilesCache } from './referencedDockerfiles';
import { readInstallFiles } from './installFiles';
import { readModelScripts } from './modelScripts';
import { clearBuildContextCache, resolveBuildContext, type ContextOrigin } from './contextFolder';
import type { WorkspaceFacts } from '../rules/types';

const MAX_ENTRIES = 5000;
const MAX_DEPTH = 4;
const TTL_MS = 5000;

const cache = new Map<string, { at: number; facts: WorkspaceFacts }>();

/** How each Dockerfile's context was found, for ignoreFileFacts (keyed by Dockerfile and context). */
const origins = new Map<string, ContextOrigin>();

/**
 * The build context folder of a Dockerfile: the one a Compose file names, else `buildContext`
 * (relative to the Dockerfile's folder), else the folder its COPYs come from, else its own folder.
 */
export function contextDirFor(dockerfilePath: string, buildContext?: string): string {
  const { dir, origin } = resolveBuildContext(dockerfilePath, buildContext);
  origins.set(`${path.resolve(dockerfilePath)}\0${dir}`, origin);
  if (origins.size > 200) origins.delete(origins.keys().next().value as string);
  return dir;
}

/** List the context's files (relative posix paths), up to a bound; undefined facts when it cannot be read. */
export function gatherWorkspaceFacts(contextDir: string, now = Date.now()): WorkspaceFacts {
  const hit = cache.get(contextDir);
  if (hit && now - hit.at < TTL_MS) return hit.facts;
  const files = new Set<string>();
  const dirs = new Set<string>();
  const { complete } = walkFolders(contextDir, e => (e.dirent.isDirectory() ? dirs : files).add(e.rel), {
    maxEntries: MAX_ENTRIES,
    maxDepth: MAX_DEPTH,
    // an unreadable subfolder only hides its own files; an unreadable context says nothing
    onUnreadable: (_dir, rel) => rel === '',
  });
  // a partial listing could claim a manifest is missing when it is not: then say nothing
  const fresh: WorkspaceFacts = {
    ...(complete ? { contextFiles: files, contextDirs: dirs, installFiles: readInstallFiles(contextDir, files), modelScripts: readModelScripts(contextDir, files) } : {}),
    perBuildArgs: perBuildArgs(repositoryRoot(contextDir) ?? contextDir, [contextDir]),
  };
  const facts = hit ? keepUnchanged(hit.facts, fresh) : fresh;
  cache.set(contextDir, { at: now, facts });
  if (cache.size > 100) cache.delete(cache.keys().next().value as string);
  return facts;
}

/**
 * `fresh`, with each value that equals the one read before replaced by that earlier object: what is keyed
 * by these objects (the analysis worker's copy of them, the .dockerignore defaults, analyses) stays valid
 * when a re-read finds nothing changed.
 */
function keepUnchanged(before: WorkspaceFacts, fresh: WorkspaceFacts): WorkspaceFacts {
  const out: Record<string, unknown> = { ...fresh };
  for (const [k, v] of Object.entries(fresh)) {
    const old = (before as Record<string, unknown>)[k];
    if (sameValue(old, v)) out[k] = old;
  }
  return out as WorkspaceFacts;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every(x => b.has(x));
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  // records of strings (install files, model scripts) or of small arrays (per-build ARGs)
  return ka.length === Object.keys(b).length && ka.every(k => k in rb && (typeof rb[k] === 'string' ? rb[k] === (a as Record<string, unknown>)[k] : JSON.stringify(rb[k]) === JSON.stringify((a as Record<string, unknown>)[k])));
}

/**
 * Which ignore file applies to a build: `<Dockerfile>.dockerignore` next to it wins over the context's
 * `.dockerignore`. When the context is only guessed to be the Dockerfile's folder, a `.dockerignore` in
 * a folder above it (up to the repository root) counts: the build most likely runs from there.
 * Not cached: cheap, and must see a file just created.
 */
export function ignoreFileFacts(dockerfilePath: string, contextDir: string): Pick<WorkspaceFacts, 'ignoreFile' | 'contextOrigin'> {
  const origin = origins.get(`${path.resolve(dockerfilePath)}\0${contextDir}`) ?? resolveBuildContext(dockerfilePath).origin;
  for (const candidate of ignoreFileCandidates(dockerfilePath, contextDir)) {
    if (isFile(candidate)) return { ignoreFile: path.basename(candidate), contextOrigin: origin };
  }
  if (origin === 'guessed') {
    // up to the repository root, or the folder above when there is no repository
    const root = repositoryRoot(path.dirname(path.resolve(dockerfilePath))) ?? path.dirname(contextDir);
    for (let dir = path.dirname(contextDir); root && dir.length >= root.length; dir = path.dirname(dir)) {
      const candidate = path.join(dir, '.dockerignore');
      if (isFile(candidate)) return { ignoreFile: path.relative(contextDir, candidate).split(path.sep).join('/'), contextOrigin: origin };
      if (dir === path.dirname(dir)) break;
    }
  }
  return { ignoreFile: null, contextOrigin: origin };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    // absent or unreadable
    return false;
  }
}

export function clearWorkspaceFactsCache(): void {
  cache.clear();
  clearReferencedDockerfilesCache();
  clearBuildContextCache();
}
