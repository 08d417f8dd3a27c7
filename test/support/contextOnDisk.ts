/** Build contexts on disk for rule specs: a temp folder with the given files, read the way the server reads it. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { WorkspaceFacts } from '../../server/src/rules/types';
import { gatherWorkspaceFacts } from '../../server/src/buildContext/workspaceFacts';

/** Write `files` (path → content; a path ending in `/` is an empty folder) under a new temp folder. */
export function writeContext(files: Record<string, string>, into = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-ctx-'))): string {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(into, rel);
    if (rel.endsWith('/')) { fs.mkdirSync(abs, { recursive: true }); continue; }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return into;
}

/** The workspace facts of a context holding `files`; the folder is removed once read. */
export function contextOnDisk(files: Record<string, string>): WorkspaceFacts {
  const dir = writeContext(files);
  try {
    return gatherWorkspaceFacts(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
