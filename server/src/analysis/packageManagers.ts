import { type ShellCommand, type ShellWord, unwrapCommand } from './shell';

/** The package managers the rules know about. */
export type Manager =
  | 'pip' | 'uv' | 'poetry' | 'pipenv' | 'npm' | 'yarn' | 'pnpm' | 'go' | 'cargo' | 'maven' | 'gradle'
  | 'bundler' | 'gem' | 'composer' | 'nuget' | 'conda' | 'apt' | 'apk';

/** What a recognised invocation does to the dependency cache. */
export type Action =
  /** downloads and installs dependencies (pip install, npm ci, go mod download, cargo fetch …) */
  | 'install'
  /** compiles the project and downloads what it still lacks (go build, cargo build, mvn package …) */
  | 'build'
  /** refreshes package indexes only (apt-get update, apk update) */
  | 'update'
  /** removes the cache (npm cache clean, apt-get clean …) */
  | 'clean';

/** A package-manager command found in a RUN, with what the caching rules need to know about it. */
export interface PackageInvocation {
  readonly manager: Manager;
  readonly action: Action;
  readonly command: ShellCommand;
  /** The command's words after wrappers (sudo, env …); `words[0]` is the tool. */
  readonly words: readonly ShellWord[];
  /** Files that define the dependencies, as written (relative to the RUN's working directory). */
  readonly manifests: readonly string[];
  /** Manifests that may legitimately be absent (lockfiles); copied only when they exist. */
  readonly optionalManifests: readonly string[];
  /** True when the command needs the project's source, not only its manifests. */
  readonly needsSource: boolean;
  /** A deps-only command to run before copying the source, when the install needs the source. */
  readonly depsOnlyHint?: string;
  /** Flags in this command that throw the download cache away (`--no-cache-dir`, `--no-cache`). */
  readonly noCacheWords: readonly ShellWord[];
  /** True for OS package managers (apt, apk). */
  readonly os: boolean;
}

type Recognised = Omit<PackageInvocation, 'command' | 'words' | 'os' | 'optionalManifests' | 'noCacheWords' | 'needsSource'> &
  Partial<Pick<PackageInvocation, 'optionalManifests' | 'noCacheWords' | 'needsSource'>>;

const base = (w: ShellWord | undefined) => (w?.value ?? '').replace(/^.*\//, '');
const vals = (ws: readonly ShellWord[]) => ws.map(w => w.value ?? '');

/** Values of an option in any of its spellings: `-r x`, `-rx`, `--requirement x`, `--requirement=x`. */
function optionValues(ws: readonly ShellWord[], short: string | undefined, long: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const v = ws[i].value;
    if (v === undefined) continue;
    for (const l of long) {
      if (v === l && ws[i + 1]?.value !== undefined) out.push(ws[i + 1].value!);
      else if (v.startsWith(l + '=')) out.push(v.slice(l.length + 1));
    }
    if (short) {
      if (v === short && ws[i + 1]?.value !== undefined) out.push(ws[i + 1].value!);
      else if (v.startsWith(short) && v.length > short.length && !v.startsWith('--')) out.push(v.slice(short.length));
    }
  }
  return out;
}

/** Positional arguments after the subcommand, skipping options and the values of the listed options. */
function positionals(ws: readonly ShellWord[], withValue: string[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (let i = 0; i < ws.length; i++) {
    const v = ws[i].value ?? ws[i].text;
    if (v.startsWith('-')) {
      if (withValue.includes(v)) i++;
      continue;
    }
    out.push(ws[i]);
  }
  return out;
}

const isLocalPath = (v: string) => v === '.' || v.startsWith('./') || v.startsWith('../') || v.startsWith('/') || /^\.\[/.test(v) || /^[\w.-]*\/$/.test(v);

const PIP_VALUE_OPTS = ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '-i', '--index-url',
  '--extra-index-url', '-f', '--find-links', '--prefix', '--root', '--platform', '--python-version', '--only-binary', '--no-binary',
  '--progress-bar', '--trusted-host', '--cache-dir', '--src', '--upgrade-strategy', '-C', '--config-settings', '--python'];

function pipInstall(manager: 'pip' | 'uv', args: readonly ShellWord[]): Recognised {
  const manifests = [
    ...optionValues(args, '-r', ['--requirement']),
    ...optionValues(args, '-c', ['--constraint']),
  ];
  const editables = optionValues(args, '-e', ['--editable']);
  const locals = positionals(args, PIP_VALUE_OPTS).filter(w => w.value !== undefined && isLocalPath(w.value));
  const needsSource = editables.some(isLocalPath) || locals.length > 0;
  const noCacheWords = args.filter(w => w.value === '--no-cache-dir' || w.value?.startsWith('--no-cache-dir=') || (manager === 'uv' && (w.value === '--no-cache' || w.value === '-n')));
  return {
    manager,
    action: 'install',
    manifests,
    needsSource,
    depsOnlyHint: needsSource
      ? manager === 'uv'
        ? 'copy pyproject.toml and uv.lock first and run `uv sync --no-install-project` (or `uv pip install -r requirements.txt`)'
        : 'copy requirements.txt (or pyproject.toml) first and install the dependencies alone, e.g. `pip install -r requirements.txt`'
      : undefined,
    noCacheWords,
  };
}

function recognise(words: readonly ShellWord[]): Recognised | undefined {
  const tool = base(words[0]);
  const v = vals(words);
  // python -m pip / python3.12 -m pip
  if (/^python(\d+(\.\d+)?)?$/.test(tool)) {
    const m = v.indexOf('-m');
    if (m > 0 && (v[m + 1] === 'pip' || v[m + 1] === 'pip3')) return recognise(words.slice(m + 1));
    return undefined;
  }
  const sub = (from = 1) => {
    for (let i = from; i < words.length; i++) if (!(words[i].value ?? '').startsWith('-')) return i;
    return -1;
  };
  const s = sub();
  const verb = s > 0 ? v[s] : '';
  const rest = s > 0 ? words.slice(s + 1) : [];
  switch (true) {
    case /^pip(\d+(\.\d+)?)?$/.test(tool):
      if (verb === 'install' || verb === 'download' || verb === 'wheel') return pipInstall('pip', rest);
      return undefined;
    case tool === 'uv': {
      if (verb === 'pip' && v[s + 1] === 'install') return pipInstall('uv', words.slice(s + 2));
      const noCacheWords = words.filter(w => w.value === '--no-cache' || w.value === '-n');
      if (verb === 'sync') {
        const depsOnly = v.includes('--no-install-project') || v.includes('--no-install-workspace');
        return { manager: 'uv', action: 'install', manifests: ['pyproject.toml'], optionalManifests: ['uv.lock'], needsSource: !depsOnly,
          depsOnlyHint: depsOnly ? undefined : 'copy pyproject.toml and uv.lock first and run `uv sync --no-install-project`, then copy the source and run `uv sync`', noCacheWords };
      }
      if (verb === 'tool' && v[s + 1] === 'install') return { manager: 'uv', action: 'install', manifests: [], noCacheWords };
      return undefined;
    }
    case tool === 'poetry': {
      if (verb !== 'install') return undefined;
      const depsOnly = v.includes('--no-root') || v.some(x => x.startsWith('--only=') || x === '--only');
      return { manager: 'poetry', action: 'install', manifests: ['pyproject.toml'], optionalManifests: ['poetry.lock'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy pyproject.toml and poetry.lock first and run `poetry install --no-root`, then copy the source' };
    }
    case tool === 'pipenv':
      if (verb === 'install' || verb === 'sync') return { manager: 'pipenv', action: 'install', manifests: ['Pipfile'], optionalManifests: ['Pipfile.lock'] };
      return undefined;
    case tool === 'npm': {
      if (verb === 'ci' || verb === 'clean-install') return { manager: 'npm', action: 'install', manifests: ['package.json'], optionalManifests: ['package-lock.json', 'npm-shrinkwrap.json'] };
      if (['install', 'i', 'add', 'isntall'].includes(verb)) {
        const global = v.includes('-g') || v.includes('--global') || v.includes('--location=global');
        const pkgs = positionals(rest, []);
        if (global) return { manager: 'npm', action: 'install', manifests: [], needsSource: pkgs.some(w => isLocalPath(w.value ?? '')) };
        return { manager: 'npm', action: 'install', manifests: ['package.json'], optionalManifests: ['package-lock.json', 'npm-shrinkwrap.json'],
          needsSource: pkgs.some(w => isLocalPath(w.value ?? '')) };
      }
      if (verb === 'cache' && (v[s + 1] === 'clean' || v[s + 1] === 'clear')) return { manager: 'npm', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'yarn': {
      if (s < 0 || verb === 'install') return { manager: 'yarn', action: 'install', manifests: ['package.json'], optionalManifests: ['yarn.lock', '.yarnrc.yml'] };
      if (verb === 'global' && v[s + 1] === 'add') return { manager: 'yarn', action: 'install', manifests: [] };
      if (verb === 'cache' && v[s + 1] === 'clean') return { manager: 'yarn', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'pnpm': {
      if (['install', 'i'].includes(verb)) return { manager: 'pnpm', action: 'install', manifests: ['package.json'], optionalManifests: ['pnpm-lock.yaml', 'pnpm-workspace.yaml'] };
      if (verb === 'fetch') return { manager: 'pnpm', action: 'install', manifests: ['pnpm-lock.yaml'], optionalManifests: ['pnpm-workspace.yaml'] };
      return undefined;
    }
    case tool === 'go': {
      if (verb === 'mod' && v[s + 1] === 'download') return { manager: 'go', action: 'install', manifests: ['go.mod'], optionalManifests: ['go.sum'] };
      if (['build', 'install', 'test', 'vet', 'generate'].includes(verb)) {
        // `go install pkg@version` fetches a tool and needs no source
        const remote = verb === 'install' && rest.some(w => (w.value ?? '').includes('@'));
        return { manager: 'go', action: 'build', manifests: remote ? [] : ['go.mod'], optionalManifests: remote ? [] : ['go.sum'], needsSource: !remote,
          depsOnlyHint: remote ? undefined : 'copy go.mod and go.sum first and run `go mod download`, then copy the source and build' };
      }
      return undefined;
    }
    case tool === 'cargo': {
      if (verb === 'fetch') return { manager: 'cargo', action: 'install', manifests: ['Cargo.toml'], optionalManifests: ['Cargo.lock'] };
      if (verb === 'install' && !v.includes('--path')) return { manager: 'cargo', action: 'install', manifests: [] };
      if (['build', 'install', 'test', 'chef'].includes(verb)) return { manager: 'cargo', action: 'build', manifests: ['Cargo.toml'], optionalManifests: ['Cargo.lock'],
        needsSource: true, depsOnlyHint: 'copy Cargo.toml and Cargo.lock first and run `cargo fetch` (or cargo-chef), then copy the source and build' };
      return undefined;
    }
    case tool === 'mvn' || tool === 'mvnw': {
      const goals = v.slice(1).filter(x => !x.startsWith('-'));
      if (goals.length === 0) return undefined;
      const depsOnly = goals.every(g => g.startsWith('dependency:'));
      return { manager: 'maven', action: depsOnly ? 'install' : 'build', manifests: ['pom.xml'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy pom.xml first and run `mvn dependency:go-offline`, then copy the source and package' };
    }
    case tool === 'gradle' || tool === 'gradlew': {
      const tasks = v.slice(1).filter(x => !x.startsWith('-'));
      if (tasks.length === 0) return undefined;
      const depsOnly = tasks.every(t => t === 'dependencies' || t === 'dependencyInsight' || t === 'resolveDependencies');
      return { manager: 'gradle', action: depsOnly ? 'install' : 'build', manifests: [],
        optionalManifests: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle.properties'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy the build scripts first and run `gradle dependencies`, then copy the source and build' };
    }
    case tool === 'bundle' || tool === 'bundler':
      if (s < 0 || verb === 'install') return { manager: 'bundler', action: 'install', manifests: ['Gemfile'], optionalManifests: ['Gemfile.lock'] };
      return undefined;
    case tool === 'gem':
      if (verb === 'install') return { manager: 'gem', action: 'install', manifests: [] };
      return undefined;
    case tool === 'composer' || tool === 'composer.phar':
      if (verb === 'install' || verb === 'update') return { manager: 'composer', action: 'install', manifests: ['composer.json'], optionalManifests: ['composer.lock'] };
      return undefined;
    case tool === 'dotnet': {
      if (verb === 'restore') {
        const proj = positionals(rest, ['-s', '--source', '-r', '--runtime', '--packages', '--configfile']).map(w => w.value ?? '').filter(x => /\.(csproj|fsproj|vbproj|sln|slnx)$/.test(x));
        return { manager: 'nuget', action: 'install', manifests: proj.length ? proj : ['*.csproj'] };
      }
      if (['build', 'publish', 'test', 'pack'].includes(verb)) return { manager: 'nuget', action: 'build', manifests: ['*.csproj'], needsSource: true,
        depsOnlyHint: 'copy the project files first and run `dotnet restore`, then copy the source and publish' };
      return undefined;
    }
    case ['conda', 'mamba', 'micromamba'].includes(tool): {
      const files = optionValues(words, '-f', ['--file']);
      if (verb === 'env' && (v[s + 1] === 'create' || v[s + 1] === 'update')) return { manager: 'conda', action: 'install', manifests: files.length ? files : ['environment.yml'] };
      if (verb === 'install' || verb === 'create' || verb === 'update') return { manager: 'conda', action: 'install', manifests: files };
      if (verb === 'clean') return { manager: 'conda', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'apt-get' || tool === 'apt' || tool === 'aptitude': {
      if (verb === 'install' || verb === 'upgrade' || verb === 'dist-upgrade' || verb === 'build-dep') return { manager: 'apt', action: 'install', manifests: [] };
      if (verb === 'update') return { manager: 'apt', action: 'update', manifests: [] };
      if (verb === 'clean' || verb === 'autoclean') return { manager: 'apt', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'apk': {
      const noCacheWords = words.filter(w => w.value === '--no-cache');
      if (verb === 'add' || verb === 'upgrade') return { manager: 'apk', action: 'install', manifests: [], noCacheWords };
      if (verb === 'update') return { manager: 'apk', action: 'update', manifests: [] };
      if (verb === 'cache' && v[s + 1] === 'clean') return { manager: 'apk', action: 'clean', manifests: [] };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Recognise a package-manager invocation in one simple command. */
export function recogniseInvocation(command: ShellCommand): PackageInvocation | undefined {
  const words = unwrapCommand(command.words);
  if (words.length === 0 || words[0].value === undefined) return undefined;
  const r = recognise(words);
  if (!r) return undefined;
  return {
    optionalManifests: [],
    noCacheWords: [],
    needsSource: false,
    ...r,
    command,
    words,
    os: r.manager === 'apt' || r.manager === 'apk',
  };
}

/** True for invocations that download dependencies and so benefit from a cache mount. */
export const fetchesPackages = (inv: PackageInvocation) => inv.action === 'install' || inv.action === 'build';
