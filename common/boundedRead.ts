/**
 * Reading files that come from a workspace or build context: repositories are not trusted, and git
 * stores symlinks, so a `.dockerignore` can point at `/dev/zero`, a FIFO or a file outside the
 * repository. Every such read goes through here: regular files only, opened non-blocking so a FIFO
 * cannot hang the open, a size cap checked before and while reading, and symlinks resolved and kept
 * inside the root they belong to. Shared by the server and the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Cap for Dockerfiles and Compose files: far above any real one, small enough to hold in memory. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
/** Cap for ignore files. */
export const MAX_IGNORE_BYTES = 1024 * 1024;

/**
 * Why a workspace file was not read. No `code` on purpose: callers print `code ?? message` for fs
 * errors, and for these the message is the explanation.
 */
export class BoundedReadError extends Error {
  constructor(message: string, readonly reason: 'not-regular' | 'too-large' | 'outside-root') { super(message); }
}

export interface BoundedReadOptions {
  /** The file must resolve (after symlinks) inside this folder. */
  readonly root?: string;
  /** Default MAX_SOURCE_BYTES. */
  readonly maxBytes?: number;
}

/** True when `child` is `parent` or inside it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * The real path of `file` when it lies inside `root` (symlinks resolved on both sides); throws
 * BoundedReadError outside-root otherwise and the fs error when it does not exist.
 */
export function resolveInside(file: string, root: string): string {
  const real = fs.realpathSync(file);
  let realRoot: string;
  try { realRoot = fs.realpathSync(root); } catch { realRoot = path.resolve(root); }
  if (!isInside(realRoot, real)) throw new BoundedReadError(`${file} resolves to ${real}, outside ${root}`, 'outside-root');
  return real;
}

/** Read a workspace file as bytes under the rules above. */
export function readWorkspaceBytes(file: string, opts: BoundedReadOptions = {}): Buffer {
  const max = opts.maxBytes ?? MAX_SOURCE_BYTES;
  const target = opts.root ? resolveInside(file, opts.root) : file;
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever; regular files ignore it
  const fd = fs.openSync(target, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new BoundedReadError(`${file} is ${kindOf(st)}, not a regular file`, 'not-regular');
    if (opts.root) {
      // the path checked above must still be the file opened (a symlink swapped in between is refused)
      const now = fs.statSync(target);
      if (now.ino !== st.ino || now.dev !== st.dev) throw new BoundedReadError(`${file} changed while it was opened`, 'outside-root');
    }
    const tooBig = () => new BoundedReadError(`${file} is larger than ${max} bytes`, 'too-large');
    if (st.size > max) throw tooBig();
    // the size can change while reading (a growing file): stop at max + 1 bytes whatever fstat said
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(max + 1 - total, Math.max(st.size - total, 0) + 64 * 1024));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) throw tooBig();
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Read a workspace file as UTF-8 text under the rules above. */
export function readWorkspaceText(file: string, opts: BoundedReadOptions = {}): string {
  return readWorkspaceBytes(file, opts).toString('utf8');
}

/**
 * At most `max` entries of a folder, read a few at a time: a repository's folder of a million files is
 * never listed whole (fs.readdirSync builds every name first: 0.8 s and tens of MB for 300,000 of them,
 * on every edit whose analysis lists it). `complete` is false when the folder holds more than `max`.
 * In the order the file system gives, not sorted. Throws what fs.opendirSync throws (missing, unreadable,
 * not a folder).
 */
export function listFolder(dir: string, max: number): { entries: fs.Dirent[]; complete: boolean } {
  const d = fs.opendirSync(dir, { bufferSize: 128 });
  const entries: fs.Dirent[] = [];
  try {
    for (let e = d.readSync(); e; e = d.readSync()) {
      if (entries.length >= max) return { entries, complete: false };
      entries.push(e);
    }
  } finally {
    d.closeSync();
  }
  return { entries, complete: true };
}

/**
 * How many entries a folder may hold to be searched for files by name (Compose files, CI files), and to be
 * read whole by a bounded walk (folders.ts walkFolders, the build snapshot's listing).
 */
export const MAX_SEARCHED_FOLDER_ENTRIES = 10_000;

/**
 * A folder's entries for a bounded walk that can still visit `remaining` more: all of them up to
 * MAX_SEARCHED_FOLDER_ENTRIES (the walk sorts them, the same on every machine); past that, no more than
 * `remaining` and one to tell that there were more. Throws what listFolder throws.
 */
export function listForWalk(dir: string, remaining: number): fs.Dirent[] {
  return listFolder(dir, Math.max(remaining + 1, MAX_SEARCHED_FOLDER_ENTRIES)).entries;
}

/**
 * The names in a folder that `keep` accepts, sorted; none when the folder cannot be read or holds more
 * than MAX_SEARCHED_FOLDER_ENTRIES entries (which ones a partial listing gives depends on the file system).
 */
export function namesIn(dir: string, keep: (name: string) => boolean): string[] {
  let listed: ReturnType<typeof listFolder>;
  try {
    listed = listFolder(dir, MAX_SEARCHED_FOLDER_ENTRIES);
  } catch {
    return [];
  }
  return listed.complete ? listed.entries.map(e => e.name).filter(keep).sort() : [];
}
