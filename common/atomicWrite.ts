/**
 * Writing a file so that it is either the old content or the new, never half of each: a full disk
 * or a crash in the middle of `--fix` must not leave a truncated Dockerfile. The text goes to a
 * temporary file in the same folder (same file system, so the rename is atomic), is flushed to disk,
 * and replaces the target by rename. The target's mode (and owner, when allowed) is kept.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The file-system calls the write uses; tests pass a failing one. */
export type AtomicWriteFs = Pick<typeof fs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'linkSync' | 'unlinkSync' | 'statSync' | 'accessSync' | 'fchmodSync' | 'fchownSync'>;

export interface AtomicWriteOptions {
  /** Fail with EEXIST instead of replacing a file that exists (for files a fix creates). */
  readonly exclusive?: boolean;
  /** Mode of a new file (default 0o666, less the umask); an existing file keeps its own. */
  readonly mode?: number;
  readonly fs?: AtomicWriteFs;
}

/** Write `data` to `file` atomically. On any failure the target is untouched and the temporary file removed. */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const f = opts.fs ?? fs;
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let existing: fs.Stats | undefined;
  try {
    existing = f.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing && opts.exclusive) throw Object.assign(new Error(`EEXIST: file already exists, '${file}'`), { code: 'EEXIST' });
  if (existing && !existing.isFile()) throw new Error(`${file} is not a regular file`);
  // a rename would replace a read-only file that an in-place write could not: keep refusing it
  if (existing) f.accessSync(file, fs.constants.W_OK);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = f.openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : opts.mode ?? 0o666);
  let done = false;
  try {
    try {
      if (existing) {
        f.fchmodSync(fd, existing.mode & 0o7777);
        try { f.fchownSync(fd, existing.uid, existing.gid); } catch { /* only root may give a file away */ }
      }
      for (let off = 0; off < buf.length;) off += f.writeSync(fd, buf, off, buf.length - off);
      f.fsyncSync(fd);
    } finally {
      f.closeSync(fd);
    }
    if (opts.exclusive) {
      // link() fails when the name appeared meanwhile, where rename() would replace it
      f.linkSync(tmp, file);
      f.unlinkSync(tmp);
    } else {
      f.renameSync(tmp, file);
    }
    done = true;
  } finally {
    if (!done) { try { f.unlinkSync(tmp); } catch { /* already gone */ } }
  }
  syncFolder(path.dirname(file));
}

/** Make the rename itself durable; not every platform can open a folder, which is fine. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch { /* best effort */ } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* ignore */ }
  }
}

/** The line-ending style of a text: what a rewrite should keep. `mixed` and `none` leave text alone. */
export type LineEnding = '\n' | '\r\n' | '\r' | 'mixed' | 'none';

export function lineEndingOf(text: string): LineEnding {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf ? '\r\n' : lf ? '\n' : '\r';
}

/**
 * Give `after` (an edit of `before`) the line endings `before` had: edits insert `\n` whatever the
 * file uses. A file with one consistent style keeps it, and keeps (or lacks) its final line break.
 */
export function keepLineEndings(before: string, after: string): string {
  const eol = lineEndingOf(before);
  if (eol === 'mixed' || eol === 'none') return after;
  let out = after.replace(/\r\n|\r|\n/g, eol);
  const endedWithBreak = before.endsWith(eol);
  if (endedWithBreak && !out.endsWith(eol)) out += eol;
  return out;
}
