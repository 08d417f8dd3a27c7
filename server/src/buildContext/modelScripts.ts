/**
 * Reads the build context's small Python scripts that download models, so a rule can tell what
 * `RUN python download.py` fetches. Bounded like the install files: few, small files, read through
 * `readBounded`, and only the ones that name a download call are kept.
 */
import * as path from 'path';
import { KeptByFile } from './keptByFile';
import { pythonModelCalls } from '../../../common/analysis/modelCaches';
import { readBounded } from './installFiles';

/** A download script is a few kilobytes; bigger files are not read. */
const MAX_SCRIPT_BYTES = 64_000;
/** Python files looked at per context, and bytes read for them. */
const MAX_SCRIPTS = 200;
const MAX_READ_BYTES = 4_000_000;

/** Kept texts (or null: no download call) by path, size and mtime: the editor re-gathers facts every few seconds. */
const kept = new KeptByFile<string | null>(1000);

/** Texts of the context's `.py` files that call a model downloader, keyed by context-relative posix path. */
export function readModelScripts(contextDir: string, files: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  let read = 0;
  for (const rel of files) {
    if (!rel.endsWith('.py')) continue;
    if (++count > MAX_SCRIPTS || read > MAX_READ_BYTES) break;
    const abs = path.join(contextDir, ...rel.split('/'));
    const text = kept.get(abs, st => {
      if (!st.isFile() || st.size > MAX_SCRIPT_BYTES) return undefined;
      const script = readBounded(abs, MAX_SCRIPT_BYTES, contextDir);
      if (script === undefined) return undefined;
      read += script.length;
      return pythonModelCalls(script).length ? script : null;
    });
    if (typeof text === 'string') out[rel] = text;
  }
  return out;
}
