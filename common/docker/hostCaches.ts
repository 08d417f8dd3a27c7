/**
 * Package and build caches on this machine (pip, uv, npm, yarn, pnpm, Go, Hugging Face): where they
 * are, and how big. Measuring walks the directory tree with an entry limit and a deadline so a huge
 * cache cannot hang anything; the extension runs the walk in a worker thread.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';

/** One cache directory and its size. */
export interface HostCacheStat {
  /** Stable id: `pip`, `uv`, `npm`, `yarn`, `yarn-berry`, `pnpm-store`, `pnpm-cache`, `go-build`, `go-mod`, `huggingface`. */
  id: string;
  label: string;
  path: string;
  /** Sum of file sizes (apparent size; hard links counted once). A lower bound when !complete. */
  bytes: number;
  files: number;
  /** False when the walk stopped at the entry limit or the deadline. */
  complete: boolean;
  /** Why the walk stopped early, or an error reading the directory. */
  note?: string;
}

export interface HostCacheLocation { id: string; label: string; path: string }

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/** Limits for one measurement run. */
export interface MeasureLimits {
  /** Stop counting one cache after this many files and directories (default 500 000). */
  maxEntries?: number;
  /** Stop everything after this many ms (default 15 000); sizes so far are returned as lower bounds. */
  timeoutMs?: number;
}

export const DEFAULT_LIMITS: Required<MeasureLimits> = { maxEntries: 500_000, timeoutMs: 15_000 };

/**
 * Where each tool keeps its cache, following each tool's own environment variables and platform
 * defaults. Candidates may not exist; measureHostCaches keeps only those that do.
 */
export function hostCacheLocations(opts: LocateOptions = {}): HostCacheLocation[] {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const platform = opts.platform ?? process.platform;
  const j = platform === 'win32' ? path.win32.join : path.posix.join;
  const xdgCache = env.XDG_CACHE_HOME || j(home, '.cache');
  const xdgData = env.XDG_DATA_HOME || j(home, '.local', 'share');
  const macCaches = j(home, 'Library', 'Caches');
  const localAppData = env.LOCALAPPDATA || j(home, 'AppData', 'Local');
  const perOs = (linux: string, mac: string, win: string) => (platform === 'darwin' ? mac : platform === 'win32' ? win : linux);
  const gopath = (env.GOPATH || j(home, 'go')).split(platform === 'win32' ? ';' : ':')[0];

  const list: HostCacheLocation[] = [
    { id: 'pip', label: 'pip', path: env.PIP_CACHE_DIR || perOs(j(xdgCache, 'pip'), j(macCaches, 'pip'), j(localAppData, 'pip', 'Cache')) },
    { id: 'uv', label: 'uv', path: env.UV_CACHE_DIR || perOs(j(xdgCache, 'uv'), j(xdgCache, 'uv'), j(localAppData, 'uv', 'cache')) },
    { id: 'npm', label: 'npm', path: env.npm_config_cache || env.NPM_CONFIG_CACHE || perOs(j(home, '.npm'), j(home, '.npm'), j(localAppData, 'npm-cache')) },
    { id: 'yarn', label: 'yarn (classic)', path: env.YARN_CACHE_FOLDER || perOs(j(xdgCache, 'yarn'), j(macCaches, 'Yarn'), j(localAppData, 'Yarn', 'Cache')) },
    { id: 'yarn-berry', label: 'yarn (berry)', path: j(env.YARN_GLOBAL_FOLDER || j(home, '.yarn', 'berry'), 'cache') },
    { id: 'pnpm-store', label: 'pnpm store', path: env.PNPM_STORE_DIR || perOs(j(xdgData, 'pnpm', 'store'), j(home, 'Library', 'pnpm', 'store'), j(localAppData, 'pnpm', 'store')) },
    { id: 'pnpm-cache', label: 'pnpm metadata', path: perOs(j(xdgCache, 'pnpm'), j(macCaches, 'pnpm'), j(localAppData, 'pnpm-cache')) },
    { id: 'go-build', label: 'Go build cache', path: env.GOCACHE || perOs(j(xdgCache, 'go-build'), j(macCaches, 'go-build'), j(localAppData, 'go-build')) },
    { id: 'go-mod', label: 'Go module cache', path: env.GOMODCACHE || j(gopath, 'pkg', 'mod') },
    { id: 'huggingface', label: 'Hugging Face', path: env.HF_HOME || j(xdgCache, 'huggingface') },
  ];
  const seen = new Set<string>();
  return list.filter(l => l.path && !seen.has(l.path) && (seen.add(l.path), true));
}

/**
 * What clearing a cache removes, for caches whose folder holds more than downloads. Only the listed
 * top-level entries go; everything else stays. Hugging Face's folder (HF_HOME) also holds the login
 * (`token`, `stored_tokens`), tool configuration (`accelerate/default_config.yaml`, `*.yaml`/`*.json`
 * files at the top) and library assets (`assets/`), none of which can be downloaded again.
 */
export const CLEARED_ENTRIES: Readonly<Record<string, readonly string[]>> = {
  huggingface: ['hub', 'xet', 'datasets', 'modules', 'transformers', 'diffusers', 'evaluate'],
};

/** True when clearing cache `id` removes its top-level entry `name`. */
export function clearRemoves(id: string, name: string): boolean {
  const only = CLEARED_ENTRIES[id];
  return !only || only.includes(name);
}

/** For confirmations: what clearing cache `id` leaves in place, or undefined when it empties the folder. */
export function clearKeepsDescription(id: string): string | undefined {
  const only = CLEARED_ENTRIES[id];
  if (!only) return undefined;
  return `Only the download caches ${only.map(n => n + '/').join(', ')} are removed; everything else stays, ` +
    (id === 'huggingface' ? 'including your login token (token, stored_tokens), accelerate/ and other configuration files.' : 'including its configuration.');
}

/** Input to the directory walk (also the worker's workerData). */
export interface WalkJob { dirs: HostCacheLocation[]; maxEntries: number; deadline: number }

/**
 * The directory walk, on the calling thread or in hostCacheWorker.ts. Symlinks are not followed;
 * hard links count once.
 */
export function walkCaches(job: WalkJob): HostCacheStat[] {
  const out: HostCacheStat[] = [];
  for (const loc of job.dirs) {
    let st: fs.Stats;
    try { st = fs.statSync(loc.path); } catch { continue; }
    if (!st.isDirectory()) continue;
    const stat: HostCacheStat = { id: loc.id, label: loc.label, path: loc.path, bytes: 0, files: 0, complete: true };
    const seenInodes = new Set<string>();
    const stack: string[] = [loc.path];
    let entries = 0, unreadable = 0;
    while (stack.length) {
      if (entries >= job.maxEntries) { stat.complete = false; stat.note = `stopped after ${job.maxEntries} entries`; break; }
      if (Date.now() > job.deadline) { stat.complete = false; stat.note = 'stopped at the time limit'; break; }
      const dir = stack.pop()!;
      let names: fs.Dirent[];
      try { names = fs.readdirSync(dir, { withFileTypes: true }); } catch { unreadable++; continue; }
      for (const d of names) {
        entries++;
        const p = path.join(dir, d.name);
        if (d.isDirectory()) { stack.push(p); continue; }
        if (!d.isFile()) continue;
        try {
          const s = fs.lstatSync(p);
          if (s.nlink > 1) {
            const key = `${s.dev}:${s.ino}`;
            if (seenInodes.has(key)) continue;
            seenInodes.add(key);
          }
          stat.bytes += s.size;
          stat.files++;
        } catch { unreadable++; }
      }
    }
    if (unreadable && stat.complete) stat.note = `${unreadable} entries could not be read`;
    out.push(stat);
  }
  return out;
}

function job(opts: LocateOptions & MeasureLimits & { locations?: HostCacheLocation[] }): WalkJob {
  return {
    dirs: opts.locations ?? hostCacheLocations(opts),
    maxEntries: opts.maxEntries ?? DEFAULT_LIMITS.maxEntries,
    deadline: Date.now() + (opts.timeoutMs ?? DEFAULT_LIMITS.timeoutMs),
  };
}

/** Measure the caches that exist, on the calling thread (the CLI). */
export function measureHostCaches(opts: LocateOptions & MeasureLimits & { locations?: HostCacheLocation[] } = {}): HostCacheStat[] {
  return walkCaches(job(opts));
}

/**
 * The worker's script: hostCacheWorker.js next to this file when compiled by tsc, and next to the
 * bundle that contains this code (dist/extension.js, dist/cli.js) when bundled: esbuild.mjs builds
 * dist/hostCacheWorker.js. A real file, not source text run through eval, so minification cannot break it.
 */
export const HOST_CACHE_WORKER = path.join(__dirname, 'hostCacheWorker.js');

/**
 * Measure the caches that exist in a worker thread, so the calling thread stays free (the extension
 * host; the CLI, which can then give up on a walk stuck in a hung file system).
 * The walk stops itself at the deadline; the worker is terminated if it has not answered shortly after.
 */
export function measureHostCachesInWorker(opts: LocateOptions & MeasureLimits & { locations?: HostCacheLocation[] } = {}, script = HOST_CACHE_WORKER): Promise<HostCacheStat[]> {
  const data = job(opts);
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: data });
    const grace = setTimeout(() => {
      void worker.terminate();
      reject(new Error('measuring host caches did not finish in time'));
    }, Math.max(0, data.deadline - Date.now()) + 5_000);
    worker.once('message', (result: HostCacheStat[]) => { clearTimeout(grace); resolve(result); void worker.terminate(); });
    worker.once('error', e => { clearTimeout(grace); reject(e); });
    worker.once('exit', code => { clearTimeout(grace); if (code !== 0) reject(new Error(`host-cache worker exited with ${code}`)); });
  });
}
