/**
 * A bounded, cached listing of a build context with file sizes, after the ignore file: what hover
 * and CodeLens show. A huge repository stops the walk at `maxEntries` or `maxMillis` (the listing then
 * says it is partial) instead of stalling the editor; results are reused for `ttlMs`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { walkFolders } from './folders';
import type { IgnoreSpec } from './ignore';

export interface ContextFile {
  /** Context-relative posix path. */
  readonly rel: string;
  readonly size: number;
}

export interface ContextListing {
  readonly dir: string;
  /** Files that reach the builder (ignored ones left out), in path order of the walk. */
  readonly files: readonly ContextFile[];
  /** False when the walk stopped at the bound or a folder could not be read. */
  readonly complete: boolean;
}

export interface ListingOptions {
  /** Directory entries to look at before giving up (default 20,000). */
  readonly maxEntries?: number;
  /** Wall-clock budget of one walk (default 250 ms): the language server must stay responsive. */
  readonly maxMillis?: number;
  readonly ttlMs?: number;
  readonly now?: number;
}

const cache = new Map<string, { at: number; listing: ContextListing }>();

/** List the files of a build context that the ignore spec lets through. */
export function listContext(contextDir: string, ignore: IgnoreSpec, opts: ListingOptions = {}): ContextListing {
  const maxEntries = opts.maxEntries ?? 20_000;
  const now = opts.now ?? Date.now();
  const key = `${path.resolve(contextDir)}\0${maxEntries}\0${ignore.patterns.join('\n')}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < (opts.ttlMs ?? 5000)) return hit.listing;

  const files: ContextFile[] = [];
  const { complete } = walkFolders(path.resolve(contextDir), e => {
    if (e.dirent.isDirectory() || ignore.ignores(e.rel)) return;
    let size = 0;
    try {
      size = fs.statSync(e.path).size;
    } catch {
      // a dangling symlink: BuildKit sends the link itself
    }
    files.push({ rel: e.rel, size });
  }, {
    maxEntries,
    // checked at every entry: one entry can cost a match against a long ignore file, so a sparser check overshoots
    deadline: Date.now() + (opts.maxMillis ?? 250),
    // the builder gets what the ignore file lets through, node_modules included: no skip list here;
    // an excluded folder holds nothing for it unless an exception (`!…`) re-includes part of it
    descend: e => !ignore.ignores(e.rel) || ignore.hasExceptions,
    onUnreadable: () => true,
  });
  const listing: ContextListing = { dir: path.resolve(contextDir), files, complete };
  cache.set(key, { at: now, listing });
  if (cache.size > 50) cache.delete(cache.keys().next().value as string);
  return listing;
}

export function clearContextListingCache(): void {
  cache.clear();
}


