/**
 * What was made from a file, kept while the file's size and mtime stay the same: the language server
 * gathers the workspace facts again every few seconds (Compose files, CI workflows, manifests, lockfiles,
 * download scripts), and most of those files have not changed since.
 */
import * as fs from 'fs';

export class KeptByFile<T> {
  private readonly kept = new Map<string, { size: number; mtimeMs: number; value: T }>();

  /** `limit`: how many files' values are kept (the least recently used go first). */
  constructor(private readonly limit: number) {}

  /**
   * The value made from `file`: the one kept while its size and mtime are the same, else `make(stats)`,
   * kept unless it is undefined. Undefined when the file cannot be stat'ed. `key` tells apart values that
   * differ for the same file (default: the file).
   */
  get(file: string, make: (stats: fs.Stats) => T | undefined, key = file): T | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.kept.get(key);
    let value: T | undefined;
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) value = hit.value;
    else if ((value = make(st)) === undefined) return undefined;
    this.kept.delete(key);
    this.kept.set(key, { size: st.size, mtimeMs: st.mtimeMs, value });
    if (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value as string);
    return value;
  }
}
