import type { Manager, PackageInvocation } from './packageManagers';
import type { UserFact } from './users';
import { normalisePath } from './mounts';

/** Where a package manager keeps its download cache, for a given user and environment. */
export interface CacheTarget {
  readonly target: string;
  /** `locked` for managers that cannot share their cache between concurrent builds (apt). */
  readonly sharing?: 'locked';
  /** The environment variable that decided the path, when one did. */
  readonly fromEnv?: string;
}

export type EnvScope = ReadonlyMap<string, string | undefined>;

function xdgCache(env: EnvScope, user: UserFact): string {
  return env.get('XDG_CACHE_HOME') ?? `${user.home}/.cache`;
}

function pick(env: EnvScope, names: string[], fallback: string): CacheTarget {
  for (const n of names) {
    const v = env.get(n);
    if (v) return { target: normalisePath(v), fromEnv: n };
  }
  return { target: normalisePath(fallback) };
}

/** Cache directories of one manager. `build` also names compile caches (go build cache). */
export function cacheTargets(manager: Manager, action: PackageInvocation['action'], env: EnvScope, user: UserFact): CacheTarget[] {
  const home = user.home;
  switch (manager) {
    case 'pip':
    case 'pipenv':
      return [pick(env, ['PIP_CACHE_DIR'], `${xdgCache(env, user)}/pip`)];
    case 'uv':
      return [pick(env, ['UV_CACHE_DIR'], `${xdgCache(env, user)}/uv`)];
    case 'poetry':
      return [pick(env, ['POETRY_CACHE_DIR'], `${xdgCache(env, user)}/pypoetry`)];
    case 'npm':
      return [pick(env, ['npm_config_cache', 'NPM_CONFIG_CACHE'], `${home}/.npm`)];
    case 'yarn':
      // yarn v1 keeps root's cache under /usr/local/share in the official node images
      return [pick(env, ['YARN_CACHE_FOLDER'], user.root ? '/usr/local/share/.cache/yarn' : `${xdgCache(env, user)}/yarn`)];
    case 'pnpm': {
      const pnpmHome = env.get('PNPM_HOME');
      const data = env.get('XDG_DATA_HOME') ?? `${home}/.local/share`;
      return [pick(env, ['npm_config_store_dir', 'NPM_CONFIG_STORE_DIR'], pnpmHome ? `${pnpmHome}/store` : `${data}/pnpm/store`)];
    }
    case 'go': {
      const gopath = env.get('GOPATH') ?? (user.root ? '/go' : `${home}/go`);
      const mod = pick(env, ['GOMODCACHE'], `${gopath}/pkg/mod`);
      if (action === 'build') return [mod, pick(env, ['GOCACHE'], `${xdgCache(env, user)}/go-build`)];
      return [mod];
    }
    case 'cargo': {
      const cargoHome = env.get('CARGO_HOME') ?? '/usr/local/cargo';
      return [{ target: normalisePath(`${cargoHome}/registry`), fromEnv: env.get('CARGO_HOME') ? 'CARGO_HOME' : undefined }];
    }
    case 'maven':
      return [{ target: normalisePath(`${home}/.m2`) }];
    case 'gradle':
      return [pick(env, ['GRADLE_USER_HOME'], `${home}/.gradle`)];
    case 'bundler': {
      const gemHome = env.get('GEM_HOME') ?? env.get('BUNDLE_PATH') ?? '/usr/local/bundle';
      return [{ target: normalisePath(`${gemHome}/cache`), fromEnv: env.get('GEM_HOME') ? 'GEM_HOME' : env.get('BUNDLE_PATH') ? 'BUNDLE_PATH' : undefined }];
    }
    case 'gem':
      return [{ target: normalisePath(`${home}/.gem`) }];
    case 'composer': {
      const composerHome = env.get('COMPOSER_HOME');
      return [pick(env, ['COMPOSER_CACHE_DIR'], composerHome ? `${composerHome}/cache` : '/tmp/cache')];
    }
    case 'nuget':
      return [pick(env, ['NUGET_PACKAGES'], `${home}/.nuget/packages`)];
    case 'conda':
      return [pick(env, ['CONDA_PKGS_DIRS'], '/opt/conda/pkgs')];
    case 'apt':
      return [{ target: '/var/cache/apt', sharing: 'locked' }, { target: '/var/lib/apt', sharing: 'locked' }];
    case 'apk':
      return [{ target: '/var/cache/apk', sharing: 'locked' }];
  }
}

/** The `--mount=type=cache,…` flag text for a target, with uid/gid for a non-root user when known. */
export function mountFlag(t: CacheTarget, user: UserFact): string {
  let s = `--mount=type=cache,target=${t.target}`;
  if (t.sharing) s += `,sharing=${t.sharing}`;
  if (!user.root && user.uid !== undefined) {
    s += `,uid=${user.uid}`;
    if (user.gid !== undefined) s += `,gid=${user.gid}`;
  }
  return s;
}
