/**
 * The one bounded folder walk (Dockerfile search, the CLI's directory arguments, the build-context
 * facts and listing) with the one list of folders it skips, and the one repository-root finder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { listForWalk } from '../../../common/boundedRead';

/**
 * Folders no search for a project's own files descends into: version control, dependency trees,
 * virtual environments, tool caches and build output that runs to hundreds of thousands of entries.
 * `build/` and `dist/` are not here: `build/package/Dockerfile` is a common layout.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache',
  'target', '.gradle', '.idea', '.vscode-test',
]);

/** One entry of a walked folder. */
export interface FolderEntry {
  readonly path: string;
  /** Relative to the walk's root, posix separators. */
  readonly rel: string;
  readonly dirent: fs.Dirent;
  /** 0 for the root's own entries, 1 for those of its subfolders, … */
  readonly depth: number;
}

export interface WalkOptions {
  /** Entries looked at before the walk stops, incomplete (default: no bound). */
  readonly maxEntries?: number;
  /** Deepest level whose folders are entered (default: no bound); a folder left out for depth makes the walk incomplete. */
  readonly maxDepth?: number;
  /** `Date.now()` past which the walk stops, incomplete. */
  readonly deadline?: number;
  /** Whether to enter a folder (default: unless its name is in SKIPPED_FOLDERS). Symlinked folders are never entered. */
  readonly descend?: (entry: FolderEntry) => boolean;
  /** Order within a folder (default: by UTF-16 code units, the same on every machine). */
  readonly compare?: (a: string, b: string) => number;
  /** A folder that cannot be read (`rel` is '' for the root); return true to stop the walk as incomplete. */
  readonly onUnreadable?: (dir: string, rel: string, error: NodeJS.ErrnoException) => boolean;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Visit every entry under `root` (folders too, before their contents), within the bounds; entry paths
 * are joined to `root` as given (relative stays relative). A folder is read whole, in sorted order, up to
 * MAX_SEARCHED_FOLDER_ENTRIES entries; a larger one only as far as `maxEntries` still reaches, so it is
 * never listed whole, and which of its entries are visited then depends on the file system's order.
 * `complete` is false when a bound stopped the walk or `onUnreadable` asked it to stop.
 */
export function walkFolders(root: string, visit: (entry: FolderEntry) => void, opts: WalkOptions = {}): { complete: boolean; entries: number } {
  const maxEntries = opts.maxEntries ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const descend = opts.descend ?? ((e: FolderEntry) => !SKIPPED_FOLDERS.has(e.dirent.name));
  const compare = opts.compare ?? byCodeUnits;
  let entries = 0;
  let complete = true;
  const walk = (dir: string, rel: string, depth: number): void => {
    let list: fs.Dirent[];
    try {
      list = listForWalk(dir, maxEntries - entries);
    } catch (e) {
      if (opts.onUnreadable?.(dir, rel, e as NodeJS.ErrnoException)) complete = false;
      return;
    }
    list.sort((a, b) => compare(a.name, b.name));
    for (const dirent of list) {
      if (!complete) return;
      if (++entries > maxEntries || (opts.deadline !== undefined && Date.now() > opts.deadline)) { complete = false; return; }
      const entry: FolderEntry = { path: path.join(dir, dirent.name), rel: rel ? `${rel}/${dirent.name}` : dirent.name, dirent, depth };
      visit(entry);
      if (!dirent.isDirectory() || !descend(entry)) continue;
      if (depth >= maxDepth) { complete = false; continue; }
      walk(entry.path, entry.rel, depth + 1);
    }
  };
  walk(root, '', 0);
  return { complete, entries: Math.min(entries, maxEntries) };
}

/** How many folders above the start `repositoryRoot` looks at. */
export const MAX_REPOSITORY_LEVELS = 6;

/** The repository holding `dir`: the nearest folder at or above it with a `.git` (folder or file), else undefined. */
export function repositoryRoot(dir: string, maxLevels = MAX_REPOSITORY_LEVELS): string | undefined {
  let d = path.resolve(dir);
  for (let i = 0; i <= maxLevels; i++) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}
