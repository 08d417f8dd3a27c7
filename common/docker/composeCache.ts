/**
 * Cache sources and destinations of the Compose services that build a Dockerfile: a build of that
 * Dockerfile (the ▷ button, `dockerfile-cache-advisor build --compose`) imports and exports the same
 * caches `docker compose build` would, so its timeline says what Compose's build would take from them.
 */
import * as path from 'path';
import { isScalar, type YAMLMap } from 'yaml';
import { namesIn, readWorkspaceText } from '../boundedRead';
import { parseCompose } from '../analysis/composeModel';
import { isComposeFileName } from '../analysis/fileNames';

export interface ComposeCache {
  readonly file: string;
  readonly service: string;
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  /** Entries left out, with why (a variable with no value in the environment). */
  readonly skipped: readonly string[];
}

/**
 * Compose's variable interpolation for one value: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `$$` for a dollar sign. Undefined when a variable without a default is unset (Compose would put an
 * empty string there and warn; an empty cache ref is never what was meant).
 */
export function interpolate(value: string, env: NodeJS.ProcessEnv): string | undefined {
  let missing = false;
  const out = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, def, bare) => {
    if (all === '$$') return '$';
    const name = braced ?? bare;
    const v = env[name];
    if (op === ':-' && !v) return def;
    if (op === '-' && v === undefined) return def;
    if (v === undefined) { missing = true; return ''; }
    return v;
  });
  return missing ? undefined : out;
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
}

/** The services of one Compose file whose build is `dockerfile` (an absolute path). */
export function composeCacheIn(file: string, text: string, dockerfile: string, env: NodeJS.ProcessEnv = process.env): ComposeCache[] {
  const model = parseCompose(text);
  const dir = path.dirname(file);
  const out: ComposeCache[] = [];
  for (const s of model.services) {
    if (!s.build) continue;
    let context: string;
    let name = 'Dockerfile';
    let b: Record<string, unknown> = {};
    if (s.buildMap) {
      b = ((s.buildMap as YAMLMap).toJS(model.yaml) ?? {}) as Record<string, unknown>;
      context = typeof b.context === 'string' ? b.context : '.';
      if (typeof b.dockerfile === 'string') name = b.dockerfile;
    } else if (isScalar(s.build.value) && typeof s.build.value.value === 'string') {
      context = s.build.value.value;
    } else continue;
    const ctx = interpolate(context, env);
    const df = interpolate(name, env);
    // a git URL or remote context builds no local Dockerfile
    if (ctx === undefined || df === undefined || /^[a-z]+:\/\/|^git@/i.test(ctx)) continue;
    if (path.resolve(dir, ctx, df) !== path.resolve(dockerfile)) continue;
    const skipped: string[] = [];
    const take = (list: string[]) => list.flatMap(e => {
      const v = interpolate(e, env);
      if (v === undefined || !v.trim()) { skipped.push(`${e} (a variable in it is not set)`); return []; }
      return [v.trim()];
    });
    out.push({ file, service: s.name, cacheFrom: take(stringList(b.cache_from)), cacheTo: take(stringList(b.cache_to)), skipped });
  }
  return out;
}

/**
 * The Compose services building `dockerfile` in the Compose files of `dirs` (e.g. the Dockerfile's
 * folder and the workspace folder), nearest first. Unreadable files are passed over.
 */
export function composeCacheFor(dockerfile: string, dirs: readonly string[], env: NodeJS.ProcessEnv = process.env): ComposeCache[] {
  const out: ComposeCache[] = [];
  for (const dir of [...new Set(dirs.map(d => path.resolve(d)))]) {
    for (const n of namesIn(dir, isComposeFileName)) {
      const file = path.join(dir, n);
      let text: string;
      try { text = readWorkspaceText(file); } catch { continue; }
      out.push(...composeCacheIn(file, text, dockerfile, env));
    }
  }
  return out;
}

/** Entries of `a` then those of `b` not already in it. */
export function mergeEntries(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
