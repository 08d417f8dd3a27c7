/**
 * Loading a CommonJS bundle through V8's code cache. Compiling the 800 KB client bundle is the largest
 * part of activation (about 40 ms of a 100 ms activation on the bench's machine); with the code V8 made
 * for it on an earlier activation it takes about 3 ms. Node 22's `module.enableCompileCache` does the same
 * for every module, but VS Code's extension host may run an older Node, and the extension host decides how
 * modules load: so the bundle is compiled here, with `vm.Script` and its `cachedData`.
 *
 * The cache lives in the user's own storage (the extension's global storage folder), one file per bundle
 * content: V8 accepts cached data for any source of the same length, so the file name carries a hash of
 * the source, the V8 version and the architecture, and a bundle that changes by a single character never
 * runs with the old bundle's code. V8 rejects cached data made with other flags or a corrupted file, and
 * then compiles the source as without a cache; the file is then written again. Any failure to read or write
 * the cache only costs the time it would have saved.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import Module = require('module');
import * as path from 'path';
import * as vm from 'vm';
import { writeFileAtomic } from '../../common/atomicWrite';
import { readWorkspaceBytes } from '../../common/boundedRead';

/** Larger cache files are not read (the client bundle's cache is about 150 KB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export interface CachedLoad {
  /** The module's `module.exports`. */
  readonly exports: unknown;
  /** Whether V8 used a cache file ('used'), found one it would not use ('rejected'), or there was none. */
  readonly cache: 'used' | 'rejected' | 'none';
  /** The cache file of this source (undefined: no cache folder). */
  readonly cacheFile: string | undefined;
  /**
   * Write the code V8 has for the module now (including the functions compiled since it loaded, so call it
   * after the module's first use) when the cache was missing or rejected, and remove the files of other
   * sources. Never throws; returns whether a file was written.
   */
  save(): boolean;
}

/** The cache file for `source` in `dir`: `<base>-<hash of source, V8 version and architecture>.v8cache`. */
export function cacheFileFor(dir: string, base: string, source: string): string {
  const hash = crypto.createHash('sha256').update(source).update(`\0${process.versions.v8}\0${process.arch}`).digest('hex').slice(0, 32);
  return path.join(dir, `${base}-${hash}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    const data = readWorkspaceBytes(file, { maxBytes: MAX_CACHE_BYTES });
    return data.length > 0 ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Load the CommonJS module `file` as Node would (same wrapper, `require` resolving from its folder or the
 * one given), with the code cache kept in `cacheDir` (undefined: no cache).
 * `req`: the `require` the module gets, so that modules an extension host provides (`vscode`) resolve as
 * for the caller.
 */
export function loadWithCodeCache(file: string, cacheDir: string | undefined, req: NodeJS.Require = Module.createRequire(file)): CachedLoad {
  const source = fs.readFileSync(file, 'utf8');
  const base = path.basename(file, '.js');
  const cacheFile = cacheDir ? cacheFileFor(cacheDir, base, source) : undefined;
  const cachedData = cacheFile ? readCache(cacheFile) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const mod = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return {
    exports: mod.exports,
    cache,
    cacheFile,
    save(): boolean {
      if (!cacheFile || cache === 'used') return false;
      const dir = path.dirname(cacheFile);
      try {
        fs.mkdirSync(dir, { recursive: true });
        writeFileAtomic(cacheFile, script.createCachedData());
        for (const f of fs.readdirSync(dir)) {
          if (f.startsWith(`${base}-`) && f.endsWith('.v8cache') && path.join(dir, f) !== cacheFile) fs.rmSync(path.join(dir, f), { force: true });
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}
