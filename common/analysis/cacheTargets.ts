import type { Manager, PackageInvocation } from './packageManagers';
import type { UserFact } from './users';
import { covers, normalisePath } from './mounts';

/** Where a package manager keeps its download cache, for a given user and environment. */
export interface CacheTarget {
  readonly target: string;
  /** `locked` for managers that cannot share their cache between concurrent builds (apt). */
  readonly sharing?: 'locked';
  /** The environment variable that decided the path, when one did. */
  readonly fromEnv?: string;
  /** Worth caching but not required: a RUN that mounts only the required targets is right (apt's lists). */
  readonly optional?: boolean;
  /**
   * Other places the same cache may be, depending on the tool's version or on the base image's
   * environment (yarn berry, GOPATH outside the golang image): a mount on any of them counts.
   */
  readonly alternatives?: readonly string[];
  /** The path depends on a value this Dockerfile does not give (`ENV PIP_CACHE_DIR=$DIR` with DIR unset): `target` is empty. */
  readonly unknown?: boolean;
  /** For an unknown target, what it is in words (`$PIP_CACHE_DIR`, `~/.npm of USER 1000`). */
  readonly describe?: string;
}

/** A target for messages: its path, or what decides it when the path is not known. */
export const targetLabel = (t: CacheTarget) => (t.unknown ? t.describe ?? 'a directory not known from this Dockerfile' : t.target);

export type EnvScope = ReadonlyMap<string, string | undefined>;

function xdgCache(env: EnvScope, user: UserFact): string {
  return env.get('XDG_CACHE_HOME') ?? `${user.home}/.cache`;
}

function pick(env: EnvScope, names: string[], fallback: string): CacheTarget {
  for (const n of names) {
    const v = env.get(n);
    if (v) return { target: normalisePath(v), fromEnv: n };
    // declared with a value we cannot know (`ARG PIP_CACHE_DIR`, `ENV X=$UNSET`)
    if (env.has(n) && v === undefined) return { target: '', fromEnv: n, unknown: true, describe: `$${n}` };
  }
  return { target: normalisePath(fallback) };
}

/** Where the same cache may also be, when no variable of the Dockerfile decided it. */
const orElse = (t: CacheTarget, alternatives: string[]): CacheTarget =>
  t.fromEnv ? t : { ...t, alternatives: [...new Set(alternatives.map(normalisePath))].filter(a => a !== t.target) };

const imageIs = (image: string | undefined, name: string) => new RegExp(`(^|/)${name}(:|@|$)`).test(image ?? '');

/** Cache directories of one manager. `build` also names compile caches (go build cache). */
export function cacheTargets(manager: Manager, action: PackageInvocation['action'], env: EnvScope, user: UserFact,
  where: { readonly image?: string; readonly workdir?: string } = {}): CacheTarget[] {
  const targets = targetsIn(manager, action, env, user, where);
  if (!user.homeUnknown) return targets;
  // the home is a guess: a target that moves with it is not known
  const probe = targetsIn(manager, action, env, { ...user, home: HOME_PROBE }, where);
  return targets.map((t, i) => (!t.unknown && probe[i]?.target !== t.target
    ? { ...t, target: '', unknown: true, alternatives: undefined, describe: `${probe[i]?.target.replace(HOME_PROBE, '~')} of USER ${user.name}` }
    : t));
}

const HOME_PROBE = '/\u0000home';

function targetsIn(manager: Manager, action: PackageInvocation['action'], env: EnvScope, user: UserFact,
  where: { readonly image?: string; readonly workdir?: string }): CacheTarget[] {
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
      // yarn v1 keeps root's cache under /usr/local/share; yarn 2+ in ~/.yarn/berry/cache or the project's .yarn/cache
      return [orElse(pick(env, ['YARN_CACHE_FOLDER'], user.root ? '/usr/local/share/.cache/yarn' : `${xdgCache(env, user)}/yarn`),
        ['/usr/local/share/.cache/yarn', `${xdgCache(env, user)}/yarn`, `${home}/.yarn/berry/cache`, ...(where.workdir ? [`${where.workdir}/.yarn/cache`] : [])])];
    case 'pnpm': {
      const pnpmHome = env.get('PNPM_HOME');
      const data = env.get('XDG_DATA_HOME') ?? `${home}/.local/share`;
      return [pick(env, ['npm_config_store_dir', 'NPM_CONFIG_STORE_DIR'], pnpmHome ? `${pnpmHome}/store` : `${data}/pnpm/store`)];
    }
    case 'go': {
      // the golang images set GOPATH=/go for every user; elsewhere it is ~/go
      const gopath = env.get('GOPATH') ?? (user.root || imageIs(where.image, 'golang') ? '/go' : `${home}/go`);
      const mod = env.has('GOPATH') ? pick(env, ['GOMODCACHE'], `${gopath}/pkg/mod`) : orElse(pick(env, ['GOMODCACHE'], `${gopath}/pkg/mod`), ['/go/pkg/mod', `${home}/go/pkg/mod`]);
      // the build cache saves compile time, not downloads: worth a mount, not required
      if (action === 'build') return [mod, { ...pick(env, ['GOCACHE'], `${xdgCache(env, user)}/go-build`), optional: true }];
      return [mod];
    }
    case 'cargo': {
      // the rust images set CARGO_HOME=/usr/local/cargo; rustup elsewhere installs into ~/.cargo
      if (env.has('CARGO_HOME')) return [{ ...pick(env, ['CARGO_HOME'], ''), target: normalisePath(`${env.get('CARGO_HOME') ?? ''}/registry`) }];
      return [orElse({ target: '/usr/local/cargo/registry' }, [`${home}/.cargo/registry`])];
    }
    case 'maven':
      // the repository only: ~/.m2 also holds settings.xml, which a mount there would hide
      return [{ target: normalisePath(`${home}/.m2/repository`) }];
    case 'gradle': {
      // the caches only: GRADLE_USER_HOME also holds gradle.properties and init scripts
      const gradleHome = pick(env, ['GRADLE_USER_HOME'], `${home}/.gradle`);
      return [gradleHome.unknown ? gradleHome : { ...gradleHome, target: normalisePath(`${gradleHome.target}/caches`) }];
    }
    case 'bundler': {
      if (env.has('BUNDLE_PATH') && env.get('BUNDLE_PATH') === undefined) return [{ target: '', fromEnv: 'BUNDLE_PATH', unknown: true, describe: '$BUNDLE_PATH/ruby/<ABI>/cache' }];
      const deployment = /^(1|true|yes)$/i.test(env.get('BUNDLE_DEPLOYMENT') ?? '');
      const path = env.get('BUNDLE_PATH') || (deployment ? 'vendor/bundle' : undefined);
      if (!path) {
        const gemHome = env.get('GEM_HOME') || '/usr/local/bundle';
        return [{ target: normalisePath(`${gemHome}/cache`), fromEnv: env.get('GEM_HOME') ? 'GEM_HOME' : undefined }];
      }
      // an explicit path gets the gems under <path>/ruby/<ABI>/: only the image tag tells the ABI
      const fromEnv = env.get('BUNDLE_PATH') ? 'BUNDLE_PATH' : 'BUNDLE_DEPLOYMENT';
      const abi = /(^|\/)ruby:(\d+)\.(\d+)/.exec(where.image ?? '');
      if (!abi || (!path.startsWith('/') && where.workdir === undefined)) return [{ target: '', fromEnv, unknown: true, describe: `${path}/ruby/<ABI>/cache` }];
      const dir = path.startsWith('/') ? path : `${where.workdir}/${path}`;
      return [{ target: normalisePath(`${dir}/ruby/${abi[2]}.${abi[3]}.0/cache`), fromEnv }];
    }
    case 'gem':
      return [{ target: normalisePath(`${home}/.gem`) }];
    case 'composer': {
      const composerHome = env.get('COMPOSER_HOME');
      const t = pick(env, ['COMPOSER_CACHE_DIR'], composerHome ? `${composerHome}/cache` : '/tmp/cache');
      // COMPOSER_HOME=/tmp is the composer image's; a composer binary copied elsewhere uses ~/.cache/composer or ~/.composer/cache
      return [composerHome !== undefined ? t : orElse(t, ['/tmp/cache', `${xdgCache(env, user)}/composer`, `${home}/.composer/cache`])];
    }
    case 'nuget':
      return [pick(env, ['NUGET_PACKAGES'], `${home}/.nuget/packages`)];
    case 'conda':
      return [pick(env, ['CONDA_PKGS_DIRS'], '/opt/conda/pkgs')];
    case 'mix': {
      const hex = pick(env, ['HEX_HOME'], `${home}/.hex`);
      return [hex.unknown ? hex : { ...hex, target: normalisePath(`${hex.target}/packages`) }];
    }
    case 'lein':
      return [{ target: normalisePath(`${home}/.m2`) }];
    case 'bun': {
      const bunInstall = env.get('BUN_INSTALL');
      return [pick(env, ['BUN_INSTALL_CACHE_DIR'], bunInstall ? `${bunInstall}/install/cache` : `${home}/.bun/install/cache`)];
    }
    case 'sbt':
      return [pick(env, ['COURSIER_CACHE'], `${xdgCache(env, user)}/coursier`)];
    case 'apt':
      // the downloaded .debs are what a mount must keep; the lists are refreshed by every `apt-get update` anyway
      return [{ target: '/var/cache/apt', sharing: 'locked', alternatives: ['/var/cache/apt/archives'] }, { target: '/var/lib/apt/lists', sharing: 'locked', optional: true }];
    case 'apk':
      // apk reads its cache through /etc/apk/cache: a mount there works without the usual link
      return [{ target: '/var/cache/apk', sharing: 'locked', alternatives: ['/etc/apk/cache'] }];
    case 'dnf': {
      // yum before dnf (CentOS 7, Amazon Linux 2) keeps /var/cache/yum; dnf, and yum as its alias, /var/cache/dnf
      const yum = /(^|\/)(centos:7|oraclelinux:7|amazonlinux:2($|[.-]))/.test(where.image ?? '');
      const [target, other] = yum ? ['/var/cache/yum', '/var/cache/dnf'] : ['/var/cache/dnf', '/var/cache/yum'];
      return [{ target, sharing: 'locked', alternatives: [other] }];
    }
  }
}

/** True when a cache mount on `mountTarget` keeps this cache. */
export const mountCovers = (mountTarget: string, t: CacheTarget) => !t.unknown && [t.target, ...(t.alternatives ?? [])].some(p => covers(mountTarget, p));

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
