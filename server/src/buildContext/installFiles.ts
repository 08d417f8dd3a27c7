/**
 * Reads the few small files of a build context that tell what a dependency install reads besides its
 * manifests (workspaces, patches, `file:` dependencies, `-e ./lib`, `replace => ./x` …), and the
 * Compose files that name a Dockerfile's build context. Every read of the disk goes through
 * `readBounded`, so one bounded reader can serve them all.
 */
import * as path from 'path';
import { KeptByFile } from './keptByFile';
import { readWorkspaceText } from '../../../common/boundedRead';
import { isInstallFile, isLockfile, isManifestName, reduceLockfile } from '../../../common/analysis/installInputs';

/** Bigger files are not read: the analysis then treats what they would say as unknown. */
const MAX_FILE_BYTES = 1_000_000;
/** Files read only because a requirements file may have any name: small ones only. */
const MAX_OTHER_BYTES = 64_000;
/** Bytes read per context, whatever is kept. */
const MAX_READ_BYTES = 32_000_000;
/** Lockfiles are read further, but only the lines naming local paths are kept. */
const MAX_LOCKFILE_BYTES = 8_000_000;
const MAX_TOTAL_BYTES = 16_000_000;
const MAX_FILES = 400;

/** The text of a file, or undefined when it is absent, unreadable, not a regular file or above `maxBytes`. */
export function readBounded(abs: string, maxBytes: number, root?: string): string | undefined {
  try {
    return readWorkspaceText(abs, { maxBytes, root });
  } catch {
    return undefined;
  }
}

/**
 * Texts of the context's install-relevant files, keyed by context-relative posix path. Lockfiles keep
 * only their lines naming local paths. A file left out (too big, over the budget) reads as unknown.
 */
export function readInstallFiles(contextDir: string, files: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  let total = 0;
  let read = 0;
  let count = 0;
  for (const rel of files) {
    if (!isInstallFile(rel)) continue;
    if (++count > MAX_FILES || read > MAX_READ_BYTES) break;
    const lock = isLockfile(rel);
    const abs = path.join(contextDir, ...rel.split('/'));
    const kept = cachedReduced(abs, lock ? MAX_LOCKFILE_BYTES : isManifestName(rel) ? MAX_FILE_BYTES : MAX_OTHER_BYTES, lock, n => { read += n; }, contextDir);
    if (kept === undefined) continue;
    if (total + kept.length > MAX_TOTAL_BYTES) break;
    total += kept.length;
    out[rel] = kept;
  }
  return out;
}

/** Reduced texts by path, size and mtime: an editor re-gathers facts every few seconds; a big lockfile is reduced once. */
const reduced = new KeptByFile<string>(1000);

function cachedReduced(abs: string, maxBytes: number, lock: boolean, onRead: (bytes: number) => void, root?: string): string | undefined {
  return reduced.get(abs, () => {
    // a symlink in the context pointing elsewhere is not followed (BuildKit sends the link, not its target)
    const text = readBounded(abs, maxBytes, root);
    if (text === undefined) return undefined;
    onRead(text.length);
    return lock ? reduceLockfile(text) : text;
  });
}
