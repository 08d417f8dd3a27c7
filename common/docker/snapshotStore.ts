/**
 * Where build snapshots live: one JSON file per Dockerfile and target holding its last builds (newest
 * first), in the extension's global storage for VS Code and under the user's cache folder for the
 * CLI — never in the workspace. Writes are atomic; reads are bounded and a damaged file counts as no
 * history.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import { readWorkspaceText } from '../boundedRead';
import type { BuildSnapshot } from './buildSnapshot';

/** Builds kept per Dockerfile and target. */
export const KEEP_BUILDS = 10;
/** Largest history file read or written; older builds are dropped to stay below it. */
export const MAX_HISTORY_BYTES = 32 * 1024 * 1024;

/** The CLI's folder: `$XDG_CACHE_HOME/dockerfile-cache-advisor/build-snapshots`, else `~/.cache/…`. */
export function cliSnapshotDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'dockerfile-cache-advisor', 'build-snapshots');
}

/** The history file of one Dockerfile and target. */
export function historyFile(dir: string, dockerfile: string, target: string | undefined): string {
  const key = crypto.createHash('sha256').update(`${path.resolve(dockerfile)}\0${target ?? ''}`).digest('hex').slice(0, 24);
  return path.join(dir, `${key}.json`);
}

interface HistoryFile {
  readonly version: 1;
  readonly dockerfile: string;
  readonly target?: string;
  readonly builds: BuildSnapshot[];
}

/** Earlier snapshots of a Dockerfile and target, newest first; empty when there are none or the file is damaged. */
export function loadHistory(dir: string, dockerfile: string, target: string | undefined): BuildSnapshot[] {
  const file = historyFile(dir, dockerfile, target);
  let text: string;
  try {
    text = readWorkspaceText(file, { root: dir, maxBytes: MAX_HISTORY_BYTES });
  } catch {
    return [];
  }
  try {
    const h = JSON.parse(text) as HistoryFile;
    if (h?.version !== 1 || h.dockerfile !== path.resolve(dockerfile) || (h.target ?? '') !== (target ?? '') || !Array.isArray(h.builds)) return [];
    return h.builds.filter(b => b?.version === 1 && Array.isArray(b.steps) && Array.isArray(b.paths) && Array.isArray(b.hashes));
  } catch {
    return [];
  }
}

/** Add a snapshot as the newest build, keeping the last `keep`. Returns the builds kept. */
export function saveSnapshot(dir: string, snap: BuildSnapshot, keep = KEEP_BUILDS): number {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const builds = [snap, ...loadHistory(dir, snap.dockerfile, snap.target)].slice(0, Math.max(1, keep));
  let text: string;
  for (let n = builds.length; n >= 1; n--) {
    const h: HistoryFile = { version: 1, dockerfile: snap.dockerfile, ...(snap.target ? { target: snap.target } : {}), builds: builds.slice(0, n) };
    text = JSON.stringify(h);
    if (Buffer.byteLength(text) <= MAX_HISTORY_BYTES) {
      writeFileAtomic(historyFile(dir, snap.dockerfile, snap.target), text, { mode: 0o600 });
      return n;
    }
  }
  return 0;
}
