import * as fs from 'fs';
import * as path from 'path';
import { isInside } from '../../../common/boundedRead';
import { isDockerfileName } from '../../../common/analysis/fileNames';
import { walkFolders } from '../buildContext/folders';

/** A file the CLI works on, and the tree it was found in: its real path must stay inside `root`. */
export interface CliFile {
  /** As given or found (a symlink stays a symlink here, for messages). */
  readonly path: string;
  /** The linted tree: the directory argument it was found under, or a named file's own folder. */
  readonly root: string;
}

/**
 * Expand the CLI's path arguments: files as given, directories searched for the files `accept` takes
 * (it gets the found path with `/` separators: `.github/workflows/ci.yml` is known by its folders).
 * A symlink is followed only to a regular file inside the tree being linted (the directory argument,
 * or the named file's own folder); one pointing elsewhere is reported in `skipped` and never read
 * or written. Symlinked folders are not descended into (loops, and trees outside the argument).
 */
export function expandPaths(args: readonly string[], accept: (file: string) => boolean = file => isDockerfileName(path.basename(file))): { files: CliFile[]; errors: string[]; skipped: string[] } {
  const files: CliFile[] = [];
  const errors: string[] = [];
  const skipped: string[] = [];
  const linkTarget = (p: string, root: string): string | undefined => {
    let real: string;
    let realRoot: string;
    try {
      real = fs.realpathSync(p);
      realRoot = fs.realpathSync(root);
    } catch (e) {
      skipped.push(`${p}: dangling symlink (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return undefined;
    }
    if (!isInside(realRoot, real)) { skipped.push(`${p}: symlink to ${real}, outside ${root}; not followed`); return undefined; }
    return real;
  };
  const walk = (dir: string, root: string) => walkFolders(dir, ({ path: p, dirent: e }) => {
    const posix = p.split(path.sep).join('/');
    if (e.isFile() && accept(posix)) files.push({ path: p, root });
    else if (e.isSymbolicLink() && accept(posix)) {
      const real = linkTarget(p, root);
      if (!real) return;
      let st: fs.Stats | undefined;
      try { st = fs.statSync(real); } catch { /* raced away */ }
      if (st?.isFile()) files.push({ path: p, root });
      else if (st && !st.isDirectory()) skipped.push(`${p}: not a regular file`);
    }
  }, {
    // the order the files are reported in, as before
    compare: (a, b) => a.localeCompare(b),
    onUnreadable: (d, _rel, e) => { errors.push(`${d}: ${e.code ?? e.message}`); return false; },
  });
  for (const a of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch (e) {
      errors.push(`${a}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      continue;
    }
    if (st.isDirectory()) { walk(a, a); continue; }
    const root = path.dirname(a);
    if (fs.lstatSync(a).isSymbolicLink() && !linkTarget(a, root)) {
      // named on the command line: refusing it is an error, not a note
      errors.push(skipped.pop()!);
      continue;
    }
    files.push({ path: a, root });
  }
  return { files, errors, skipped };
}
