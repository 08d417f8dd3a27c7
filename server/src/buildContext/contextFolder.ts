/**
 * Which folder a Dockerfile is built from: the one a Compose file names (`build.context` +
 * `dockerfile`), else the `cacheAdvisor.buildContext` setting, else a folder inferred from the paths
 * the Dockerfile copies, else the Dockerfile's own folder. A `docker/Dockerfile` built from the
 * repository root must be analysed against the root, not against `docker/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import type { WorkspaceFacts } from '../rules/types';
import { readBounded } from './installFiles';
import { trimTrailingSlashes } from '../../../common/analysis/text';
import { isComposeFileName } from '../../../common/analysis/fileNames';
import { repositoryRoot } from './folders';
import { KeptByFile } from './keptByFile';
import { namesIn } from '../../../common/boundedRead';

export type ContextOrigin = NonNullable<WorkspaceFacts['contextOrigin']>;

export interface BuildContext {
  readonly dir: string;
  readonly origin: ContextOrigin;
}

const MAX_COMPOSE_BYTES = 512_000;
const MAX_DOCKERFILE_BYTES = 1_000_000;
/** How far up from the Dockerfile to look for Compose files and the folder its COPYs come from. */
const MAX_UP = 4;

const isDir = (p: string) => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const exists = (p: string) => fs.existsSync(p);

/** The folders from the Dockerfile's up to the repository root (the first with `.git`), at most MAX_UP above. */
function ancestors(dockerfile: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(dockerfile);
  for (let i = 0; i <= MAX_UP; i++) {
    out.push(dir);
    if (exists(path.join(dir, '.git'))) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

/** The build context a Compose file next to or above the Dockerfile gives it. */
function fromCompose(dockerfile: string): string | undefined {
  for (const dir of ancestors(dockerfile)) {
    for (const name of namesIn(dir, isComposeFileName)) {
      const hit = composeBuilds(path.join(dir, name)).find(b => b.dockerfile === dockerfile);
      if (hit) return hit.contextDir;
    }
  }
  return undefined;
}

/**
 * The Dockerfiles a Compose file builds, and from which folder, parsed again only when the file's size or
 * mtime changes: the editor asks every few seconds, and the yaml package reads about 1.5 MB a second.
 */
function composeBuilds(file: string): ReadonlyArray<{ dockerfile: string; contextDir: string }> {
  return parsedCompose.get(file, () => buildsIn(file)) ?? [];
}
const parsedCompose = new KeptByFile<ReadonlyArray<{ dockerfile: string; contextDir: string }>>(100);

function buildsIn(file: string): ReadonlyArray<{ dockerfile: string; contextDir: string }> {
  const builds: Array<{ dockerfile: string; contextDir: string }> = [];
  const text = readBounded(file, MAX_COMPOSE_BYTES);
  let doc: { services?: Record<string, { build?: unknown }> } | undefined;
  try {
    doc = text === undefined ? undefined : (parseYaml(text) as typeof doc);
  } catch {
    doc = undefined;
  }
  for (const service of Object.values(doc?.services ?? {})) {
    const build = service?.build;
    const spec = typeof build === 'string' ? { context: build } : (build as { context?: unknown; dockerfile?: unknown } | undefined);
    if (!spec || typeof spec !== 'object') continue;
    const context = typeof spec.context === 'string' ? spec.context : '.';
    if (/^[a-z]+:\/\/|^git@/i.test(context) || context.includes('$')) continue;
    const contextDir = path.resolve(path.dirname(file), context);
    const name = typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile';
    if (name.includes('$')) continue;
    builds.push({ dockerfile: path.resolve(contextDir, name), contextDir });
  }
  return builds;
}

/** Context-relative sources the Dockerfile's COPY/ADD lines name (not `.`, not `--from`, not URLs or variables). */
export function namedSources(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of lines) {
    const m = /^\s*(?:ONBUILD\s+)?(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!m || /<</.test(m[2])) continue;
    let args: string[];
    const rest = m[2].trim();
    const flags = rest.match(/^(--\S+\s+)*/)?.[0] ?? '';
    if (/--from[=\s]/i.test(flags)) continue;
    const body = rest.slice(flags.length).trim();
    if (body.startsWith('[')) {
      try {
        args = JSON.parse(body) as string[];
      } catch {
        continue;
      }
    } else args = body.split(/\s+/);
    for (const a of args.slice(0, -1)) {
      const v = trimTrailingSlashes(String(a).replace(/^\.\//, ''));
      if (!v || v === '.' || v.includes('$') || /[*?[]/.test(v) || /^[a-z]+:\/\//i.test(v) || v.startsWith('/') || v.startsWith('..')) continue;
      out.push(v);
    }
  }
  return [...new Set(out)];
}

/**
 * The build context of a Dockerfile, and how it was found. `buildContext` is the setting, relative to
 * the Dockerfile's folder.
 */
export function resolveBuildContext(dockerfilePath: string, buildContext?: string, now = Date.now()): BuildContext {
  const key = `${path.resolve(dockerfilePath)}\0${buildContext ?? ''}`;
  const hit = resolved.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.context;
  const context = resolveUncached(path.resolve(dockerfilePath), buildContext);
  resolved.set(key, { at: now, context });
  if (resolved.size > 100) resolved.delete(resolved.keys().next().value as string);
  return context;
}

/** The editor asks on every change; Compose files and the Dockerfile on disk are read again after a few seconds. */
const TTL_MS = 3000;
const resolved = new Map<string, { at: number; context: BuildContext }>();

/** Forget resolved contexts (a Compose file or the layout changed). */
export function clearBuildContextCache(): void {
  resolved.clear();
}

function resolveUncached(dockerfile: string, buildContext?: string): BuildContext {
  const own = path.dirname(dockerfile);
  const composed = fromCompose(dockerfile);
  if (composed && isDir(composed)) return { dir: composed, origin: 'compose' };
  if (buildContext) return { dir: path.resolve(own, buildContext), origin: 'setting' };
  const text = readBounded(dockerfile, MAX_DOCKERFILE_BYTES);
  const named = text === undefined ? [] : namedSources(text);
  const repo = repositoryRoot(path.dirname(dockerfile));
  if (named.length > 0) {
    // the nearest folder that holds every path the Dockerfile copies by name
    for (const dir of ancestors(dockerfile)) {
      if (named.every(n => exists(path.join(dir, n)))) return { dir, origin: dir === own ? 'dockerfile-folder' : 'inferred' };
    }
    return { dir: own, origin: 'dockerfile-folder' };
  }
  // nothing copied by name: the Dockerfile's folder is only a guess when it sits below a repository root,
  // or holds no project while the folder above does (`docker/Dockerfile` next to `package.json`'s folder)
  const belowRepo = repo !== undefined && repo !== own;
  const parent = path.dirname(own);
  return { dir: own, origin: belowRepo || (parent !== own && !hasProject(own) && hasProject(parent)) ? 'guessed' : 'dockerfile-folder' };
}

const PROJECT_MARKERS = ['.git', 'package.json', 'go.mod', 'requirements.txt', 'pyproject.toml', 'setup.py', 'Pipfile', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'Cargo.toml', 'Gemfile', 'composer.json', 'src'];
const hasProject = (dir: string) => PROJECT_MARKERS.some(m => exists(path.join(dir, m)));
