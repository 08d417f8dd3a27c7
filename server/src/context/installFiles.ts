/**
 * Reads the few small files of a build context that tell what a dependency install reads besides its
 * manifests (workspaces, patches, `file:` dependencies, `-e ./lib`, `replace => ./x` …), and the
 * Compose files that name a Dockerfile's build context. Every read of the disk goes through
 * `readBounded`, so one bounded reader can serve them all.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isInstallFile, isLockfile, isManifestName, reduceLockfile } from '../analysis/installInputs';

/** Bigger files are not read: the analysis then treats what they would say as unknown. */
const MAX_FILE_BYTES = 1_000_000;
/** Files read only because a requirements file may have any name: small ones only. */
const MAX_OTHER_BYTES = 256_000;
/** Lockfiles are read further, but only the lines naming local paths are kept. */
const MAX_LOCKFILE_BYTES = 8_000_000;
const MAX_TOTAL_BYTES = 16_000_000;
const MAX_FILES = 400;

/** The text of a file, or undefined when it is absent, unreadable, not a regular file or above `maxBytes`. */
export function readBounded(abs: string, maxBytes: number): string | undefined {
  try {
    const st = fs.statSync(abs);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return fs.readFileSync(abs, 'utf8');
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
  let count = 0;
  for (const rel of files) {
    if (!isInstallFile(rel)) continue;
    if (++count > MAX_FILES) break;
    const lock = isLockfile(rel);
    const text = readBounded(path.join(contextDir, ...rel.split('/')), lock ? MAX_LOCKFILE_BYTES : isManifestName(rel) ? MAX_FILE_BYTES : MAX_OTHER_BYTES);
    if (text === undefined) continue;
    const kept = lock ? reduceLockfile(text) : text;
    if (total + kept.length > MAX_TOTAL_BYTES) break;
    total += kept.length;
    out[rel] = kept;
  }
  return out;
}
