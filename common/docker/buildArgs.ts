/**
 * The build command as an argument vector. It is handed to `spawn` without a shell, so a path or tag
 * holding spaces, quotes, `;`, `$(…)` or backticks is one argument and never runs anything.
 */
import * as path from 'path';
import type { BuildEngine } from './buildEngine';

/** What to build (the `cache-advisor-build` task definition carries the same fields). */
export interface BuildRequest {
  /** Path of the Dockerfile (made absolute). */
  readonly dockerfile: string;
  /** Build context folder (made absolute). */
  readonly context: string;
  readonly tag?: string;
  readonly target?: string;
  /** `--build-arg` values: `{NAME: value}`, or `NAME=value` strings. */
  readonly buildArgs?: Readonly<Record<string, string>> | readonly string[];
  /** `--cache-from` entries, e.g. `type=registry,ref=ghcr.io/org/app:buildcache` or an image name. */
  readonly cacheFrom?: readonly string[];
  /** `--cache-to` entries, e.g. `type=registry,ref=…,mode=max` or `type=local,dest=…` (buildx only). */
  readonly cacheTo?: readonly string[];
  /** More engine arguments, placed before the context, e.g. `--network=none`, `--no-cache`. */
  readonly extraArgs?: readonly string[];
}

export interface BuildCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the inherited environment. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * What the engine will not do of what was asked, for a person to read before the build's output:
   * a `--cache-to` a builder without buildx cannot export is left out (the build still runs).
   */
  readonly notes?: readonly string[];
}

/** A request the chosen engine cannot carry out; the message says why and what to do. */
export class BuildArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildArgsError';
  }
}

// docker's reference grammar: [registry[:port]/]name[/name…][:tag][@digest], name components lowercase
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?` +
  `${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`,
);

/** Why `tag` is not a valid image reference, or undefined when it is. */
export function validateTag(tag: string): string | undefined {
  if (!tag) return 'the tag is empty';
  if (tag.length > 255) return 'the tag is longer than 255 characters';
  if (!REFERENCE.test(tag)) {
    return `'${tag}' is not a valid image tag: use lowercase letters, digits, '.', '_' and '-', as name[:tag] (e.g. myapp:dev or registry.example.com/team/myapp:1.2)`;
  }
  return undefined;
}

/** A tag derived from a folder name: `My App` → `my-app:latest`. */
export function defaultTag(folder: string): string {
  const name = path.basename(path.resolve(folder)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[._-]+$/g, '').replace(/[._-]{2,}/g, '-');
  return `${name || 'image'}:latest`;
}

/** A `--build-arg` value as docker takes it: `NAME=value`, or a bare `NAME` taken from the environment. */
export const isBuildArgSpec = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(s);

function buildArgList(b: BuildRequest['buildArgs']): string[] {
  if (!b) return [];
  const pairs: string[] = Array.isArray(b) ? [...(b as readonly string[])] : Object.entries(b as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const p of pairs) {
    if (!isBuildArgSpec(p)) throw new BuildArgsError(`build argument '${p}' must be NAME=value`);
  }
  return pairs;
}

/** The image reference of a cache source a classic builder understands, or an error. */
function classicCacheRef(entry: string, engineName: string, flag = '--cache-from'): string {
  if (!entry.includes('=')) return entry;
  const opts = new Map(entry.split(',').map(kv => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as [string, string]; }));
  const type = opts.get('type') ?? 'registry';
  if (type === 'registry' && opts.get('ref')) return opts.get('ref')!;
  throw new BuildArgsError(`${flag} '${entry}' needs docker buildx (${engineName} only takes image references). Install the buildx plugin or use an image reference (type=registry,ref=…).`);
}

/**
 * Podman reads `--file` as a list of comma-separated values (a CSV record): a path with a `"`, a comma
 * or a line break is quoted the CSV way, or podman 4.3 refuses it ("bare \" in non-quoted-field") or
 * splits it at the comma.
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The argument vector for `engine` to build `req`. Relative paths resolve against `cwd`. */
export function buildCommand(engine: BuildEngine, req: BuildRequest, cwd = process.cwd()): BuildCommand {
  const dockerfile = path.resolve(cwd, req.dockerfile);
  const context = path.resolve(cwd, req.context);
  const args: string[] = [...engine.baseArgs];
  if (engine.kind !== 'podman') args.push('--progress=plain');
  args.push('--file', engine.kind === 'podman' ? csvField(dockerfile) : dockerfile);
  if (req.tag) args.push('--tag', req.tag);
  if (req.target) args.push('--target', req.target);
  for (const a of buildArgList(req.buildArgs)) args.push('--build-arg', a);

  const extra = req.extraArgs ?? [];
  const notes: string[] = [];
  const engineName = engine.kind === 'podman' ? 'podman' : 'docker build without buildx';
  for (const c of req.cacheFrom ?? []) {
    if (!c.trim()) continue;
    args.push('--cache-from', engine.kind === 'buildx' ? c : classicCacheRef(c, engineName));
  }
  for (const c of req.cacheTo ?? []) {
    if (!c.trim()) continue;
    if (engine.kind === 'buildx') args.push('--cache-to', c);
    else if (engine.kind === 'podman') args.push('--cache-to', classicCacheRef(c, engineName, '--cache-to'));
    else if (/^type=inline$/i.test(c.trim())) {
      // what the built-in BuildKit can do: cache metadata in the image, exported when it is pushed
      if (!buildArgList(req.buildArgs).some(a => /^BUILDKIT_INLINE_CACHE=/.test(a))) args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
    } else {
      notes.push(`--cache-to '${c}' left out: ${engine.command} builds with its built-in BuildKit, which cannot export a cache (that needs docker buildx). ` +
        'The build runs without it. Install the buildx plugin, or use --cache-to type=inline (--build-arg BUILDKIT_INLINE_CACHE=1): ' +
        'the pushed image then carries the cache of its final stage, for --cache-from <image>.');
    }
  }
  // buildx with a non-docker driver keeps the result in the builder: load a tagged image into the
  // engine unless the caller chose where the result goes
  if (engine.kind === 'buildx' && req.tag && !extra.some(a => /^--(load|push|output)\b|^-o$/.test(a))) args.push('--load');
  // podman needs --layers for an intermediate-layer cache the way BuildKit has one
  if (engine.kind === 'podman' && !extra.some(a => a.startsWith('--layers'))) args.push('--layers');
  args.push(...extra);
  // absolute, so a context named `-x` is never read as an option
  args.push(context);
  return { command: engine.command, args, env: { ...engine.env }, ...(notes.length ? { notes } : {}) };
}

/** The command for a person to read or copy (POSIX-quoted). Never executed. */
export function displayCommand(cmd: BuildCommand): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(cmd.env).map(([k, v]) => `${k}=${q(v)} `).join('');
  return env + [cmd.command, ...cmd.args].map(q).join(' ');
}
