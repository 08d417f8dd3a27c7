import { type ShellCommand, type ShellWord, unwrapCommand } from './shell';

/** The package managers the rules know about. */
export type Manager =
  | 'pip' | 'uv' | 'poetry' | 'pipenv' | 'npm' | 'yarn' | 'pnpm' | 'go' | 'cargo' | 'maven' | 'gradle'
  | 'bundler' | 'gem' | 'composer' | 'nuget' | 'conda' | 'mix' | 'lein' | 'bun' | 'sbt' | 'apt' | 'apk' | 'dnf';

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
  /** True for OS package managers (apt, apk, dnf/yum). */
  readonly os: boolean;
  /**
   * True when the command itself says it downloads nothing: local wheels (`pip install --no-index`),
   * `--offline`, vendored modules (`go build -mod=vendor`), `dotnet publish --no-restore` …
   */
  readonly offline: boolean;
  /**
   * A cache directory given on the command line (`pip --cache-dir`, `yarn --cache-folder`, `npm --cache`,
   * `pnpm --store-dir`), as written; null when one is given but its value is not known (`--cache-dir $X`).
   */
  readonly cacheDirOption?: string | null;
  /**
   * True when the install takes what an earlier install left in the image's store before fetching
   * (`pnpm install --prefer-offline` after `pnpm fetch`): with such a step above it, it downloads nothing.
   */
  readonly primedInstall?: boolean;
}

type Recognised = Omit<PackageInvocation, 'command' | 'words' | 'os' | 'optionalManifests' | 'noCacheWords' | 'needsSource' | 'offline'> &
  Partial<Pick<PackageInvocation, 'optionalManifests' | 'noCacheWords' | 'needsSource' | 'offline'>>;

/**
 * The program a word names, without its directory. `$VENV/bin/pip` and `"${HOME}/.local/bin/poetry"`
 * name a known program even though their directory is an expansion.
 */
function toolName(w: ShellWord | undefined): string {
  if (!w) return '';
  if (w.value !== undefined) return w.value.replace(/^.*\//, '');
  const m = /\/([\w.+-]+)["']?$/.exec(w.text);
  return m ? m[1] : '';
}
const base = toolName;
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

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const isLocalPath = (v: string) => v === '.' || v.startsWith('./') || v.startsWith('../') || v.startsWith('/') || /^\.\[/.test(v) || /^[\w.-]*\/$/.test(v);

const PIP_VALUE_OPTS = ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '-i', '--index-url',
  '--extra-index-url', '-f', '--find-links', '--prefix', '--root', '--platform', '--python-version', '--only-binary', '--no-binary',
  '--progress-bar', '--trusted-host', '--cache-dir', '--src', '--upgrade-strategy', '-C', '--config-settings', '--python'];

/** Options that take a value, for finding the subcommand after them (`yarn --network-timeout 600000 install`). */
const VALUE_OPTS = new Set(['--network-timeout', '--cache-folder', '--modules-folder', '--cwd', '--mutex', '--registry', '--network-concurrency',
  '--child-concurrency', '--global-folder', '--link-folder', '--preferred-cache-folder', '--use-yarnrc', '--proxy', '--https-proxy', '--otp',
  '--cache-dir', '--log', '--timeout', '--retries', '--prefix', '--cache', '--loglevel', '-w', '--workspace', '--filter', '-F', '--dir', '-C',
  '--store-dir', '--directory', '--project', '--working-dir', '-d']);

/**
 * pip's option parser accepts any unambiguous prefix of a long option: `--no-cache` and `--no-ca` are
 * `--no-cache-dir` (`--no-c` is not: `--no-color`, `--no-compile`, `--no-clean`).
 */
const isPipNoCache = (v: string | undefined) => {
  const name = (v ?? '').split('=')[0];
  return name.length >= '--no-ca'.length && '--no-cache-dir'.startsWith(name);
};

/** The value of the first of `names` in the command (`--x v`, `--x=v`); null when written but not known. */
function optionDir(ws: readonly ShellWord[], names: readonly string[]): string | null | undefined {
  for (let i = 0; i < ws.length; i++) {
    const v = ws[i].value;
    for (const n of names) {
      if (v === n) return ws[i + 1] ? ws[i + 1].value ?? null : undefined;
      if (v?.startsWith(n + '=')) return v.slice(n.length + 1);
      if (v === undefined && ws[i].text.startsWith(n + '=')) return null;
    }
  }
  return undefined;
}

function pipInstall(manager: 'pip' | 'uv', args: readonly ShellWord[], all: readonly ShellWord[]): Recognised {
  const manifests = [
    ...optionValues(args, '-r', ['--requirement']),
    ...optionValues(args, '-c', ['--constraint']),
  ];
  const editables = optionValues(args, '-e', ['--editable']);
  // a requirement specifier holds no `/` unless it is a URL: `dist/*.whl` and `pkgs/app.tar.gz` are local files
  const locals = positionals(args, PIP_VALUE_OPTS).filter(w => w.value !== undefined && !URL_RE.test(w.value) && !/\s@\s|^[\w.-]+ ?@/.test(w.value)
    && (isLocalPath(w.value) || w.value.includes('/') || /\.(whl|tar\.gz|zip)$/.test(w.value)));
  const needsSource = editables.some(isLocalPath) || locals.length > 0;
  // --no-index: everything comes from --find-links or local paths; there is no download to cache
  // built wheels installed with --no-deps: nothing to resolve, nothing to build, nothing to fetch
  const pkgs = positionals(args, PIP_VALUE_OPTS);
  const wheelsOnly = manifests.length === 0 && editables.length === 0 && pkgs.length > 0 && all.some(w => w.value === '--no-deps')
    && pkgs.every(w => /\.whl$/.test(w.value ?? w.text) && !URL_RE.test(w.value ?? w.text));
  const offline = wheelsOnly || all.some(w => w.value === '--no-index' || (manager === 'uv' && w.value === '--offline'));
  const noCacheWords = offline ? [] : all.filter(w => (manager === 'pip' ? isPipNoCache(w.value) : w.value === '--no-cache' || w.value === '-n'));
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
    offline,
    cacheDirOption: optionDir(all, ['--cache-dir']),
  };
}

const NODE_MANIFESTS = { npm: ['package-lock.json', 'npm-shrinkwrap.json'], yarn: ['yarn.lock', '.yarnrc.yml'], pnpm: ['pnpm-lock.yaml', 'pnpm-workspace.yaml'], bun: ['bun.lockb', 'bun.lock'] };

/**
 * The tools `recognise` has a case for (the pip/php/python spellings are matched by MAYBE_TOOL): every
 * other command (echo, mkdir, rm …, most of a RUN) is turned away before its words are looked at.
 * A tool added to the switch below must be added here too (packageManagers.test.ts checks each case).
 */
export const TOOLS: ReadonlySet<string> = new Set(['pipx', 'uv', 'poetry', 'pipenv', 'npm', 'yarn', 'pnpm', 'bun', 'go', 'cargo', 'mvn', 'mvnw', 'gradle', 'gradlew', 'lein', 'sbt', 'mix', 'bundle', 'bundler', 'gem', 'composer', 'composer.phar', 'dotnet', 'conda', 'mamba', 'micromamba', 'apt-get', 'apt', 'aptitude', 'apk', 'dnf', 'dnf5', 'yum']);
const MAYBE_TOOL = /^(pip|php|python)(\d+(\.\d+)?)?$/;

function recognise(words: readonly ShellWord[]): Recognised | undefined {
  const tool = base(words[0]);
  if (!TOOLS.has(tool) && !MAYBE_TOOL.test(tool)) return undefined;
  const v = vals(words);
  // `php composer.phar install`, `php /usr/bin/composer install`: composer run by the PHP interpreter
  if (/^php(\d+(\.\d+)?)?$/.test(tool) && /^composer(\.phar)?$/.test(base(words[1]))) return recognise(words.slice(1));
  // python -m pip / python3.12 -m pip / $VENV/bin/python -m pipx
  if (/^python(\d+(\.\d+)?)?$/.test(tool)) {
    const m = v.indexOf('-m');
    if (m > 0 && ['pip', 'pip3', 'pipx', 'uv'].includes(v[m + 1])) return recognise(words.slice(m + 1));
    return undefined;
  }
  const sub = (from = 1) => {
    for (let i = from; i < words.length; i++) {
      const x = words[i].value ?? '';
      if (!x.startsWith('-')) return i;
      if (VALUE_OPTS.has(x)) i++;
    }
    return -1;
  };
  const s = sub();
  const verb = s > 0 ? v[s] : '';
  const rest = s > 0 ? words.slice(s + 1) : [];
  const next = s > 0 ? v[sub(s + 1)] : undefined;
  const has = (...flags: string[]) => v.some(x => flags.includes(x));
  switch (true) {
    case /^pip(\d+(\.\d+)?)?$/.test(tool):
      if (verb === 'install' || verb === 'download' || verb === 'wheel') return pipInstall('pip', rest, words);
      return undefined;
    case tool === 'pipx':
      // pipx runs pip in its own environments, with pip's usual cache
      if (verb === 'install' || verb === 'inject' || verb === 'upgrade') return { manager: 'pip', action: 'install', manifests: [], offline: has('--no-index') };
      return undefined;
    case tool === 'uv': {
      if (verb === 'pip' && (next === 'install' || next === 'sync')) return pipInstall('uv', words.slice(sub(s + 1) + 1), words);
      const noCacheWords = words.filter(w => w.value === '--no-cache' || w.value === '-n');
      const offline = has('--offline');
      const cacheDirOption = optionDir(words, ['--cache-dir']);
      if (verb === 'sync') {
        const depsOnly = v.includes('--no-install-project') || v.includes('--no-install-workspace');
        return { manager: 'uv', action: 'install', manifests: ['pyproject.toml'], optionalManifests: ['uv.lock'], needsSource: !depsOnly,
          depsOnlyHint: depsOnly ? undefined : 'copy pyproject.toml and uv.lock first and run `uv sync --no-install-project`, then copy the source and run `uv sync`', noCacheWords, offline, cacheDirOption };
      }
      if (verb === 'tool' && next === 'install') return { manager: 'uv', action: 'install', manifests: [], noCacheWords, offline, cacheDirOption };
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
      const offline = has('--offline');
      const cacheDirOption = optionDir(words, ['--cache']);
      // `npm ci --prefix ./assets` installs the project in ./assets
      const prefix = optionDir(words, ['--prefix']);
      const at = (files: readonly string[]) => (typeof prefix === 'string' && prefix !== '.' && prefix !== './' ? files.map(f => `${prefix.replace(/\/+$/, '')}/${f}`) : [...files]);
      if (verb === 'ci' || verb === 'clean-install') return { manager: 'npm', action: 'install', manifests: at(['package.json']), optionalManifests: at(NODE_MANIFESTS.npm), offline, cacheDirOption };
      if (['install', 'i', 'add', 'isntall'].includes(verb)) {
        const global = v.includes('-g') || v.includes('--global') || v.includes('--location=global');
        // `npm install --prefix ./assets`: an option's value is not a package
        const pkgs = positionals(rest, [...VALUE_OPTS]);
        if (global) return { manager: 'npm', action: 'install', manifests: [], needsSource: pkgs.some(w => isLocalPath(w.value ?? '')), offline, cacheDirOption };
        return { manager: 'npm', action: 'install', manifests: at(['package.json']), optionalManifests: at(NODE_MANIFESTS.npm),
          needsSource: pkgs.some(w => isLocalPath(w.value ?? '')), offline, cacheDirOption };
      }
      if (verb === 'cache' && (next === 'clean' || next === 'clear')) return { manager: 'npm', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'yarn': {
      const offline = has('--offline');
      const cacheDirOption = optionDir(words, ['--cache-folder']);
      // `yarn`, `yarn --frozen-lockfile`, `yarn --network-timeout 600000`: a bare yarn installs
      if (s < 0 || verb === 'install' || verb === 'add' || (verb === 'workspaces' && next === 'focus')) {
        return { manager: 'yarn', action: 'install', manifests: ['package.json'], optionalManifests: NODE_MANIFESTS.yarn, offline, cacheDirOption };
      }
      if (verb === 'global' && next === 'add') return { manager: 'yarn', action: 'install', manifests: [], offline, cacheDirOption };
      if (verb === 'cache' && next === 'clean') return { manager: 'yarn', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'pnpm': {
      const offline = has('--offline');
      const cacheDirOption = optionDir(words, ['--store-dir']);
      if (['install', 'i', 'add'].includes(verb)) return { manager: 'pnpm', action: 'install', manifests: ['package.json'], optionalManifests: NODE_MANIFESTS.pnpm, offline, cacheDirOption,
        primedInstall: has('--prefer-offline') };
      if (verb === 'fetch') return { manager: 'pnpm', action: 'install', manifests: ['pnpm-lock.yaml'], optionalManifests: ['pnpm-workspace.yaml'], offline, cacheDirOption };
      if (verb === 'dlx') return { manager: 'pnpm', action: 'install', manifests: [], offline, cacheDirOption };
      return undefined;
    }
    case tool === 'bun':
      if (['install', 'i', 'add'].includes(verb)) return { manager: 'bun', action: 'install', manifests: ['package.json'], optionalManifests: NODE_MANIFESTS.bun, offline: has('--offline') };
      return undefined;
    case tool === 'go': {
      const vendored = v.includes('-mod=vendor') || v.some((x, i) => x === '-mod' && v[i + 1] === 'vendor');
      if (verb === 'mod' && next === 'download') return { manager: 'go', action: 'install', manifests: ['go.mod'], optionalManifests: ['go.sum'] };
      // tidy and vendor look at the imports of the source to decide what to download
      if (verb === 'mod' && (next === 'tidy' || next === 'vendor')) return { manager: 'go', action: 'install', manifests: ['go.mod'], optionalManifests: ['go.sum'], needsSource: true,
        depsOnlyHint: 'copy go.mod and go.sum first and run `go mod download`, then copy the source' };
      if (verb === 'get') {
        const local = positionals(rest, []).some(w => isLocalPath(w.value ?? '') || (w.value ?? '').startsWith('./'));
        return { manager: 'go', action: 'install', manifests: ['go.mod'], optionalManifests: ['go.sum'], needsSource: local,
          depsOnlyHint: local ? 'copy go.mod and go.sum first and run `go mod download`, then copy the source' : undefined };
      }
      if (['build', 'install', 'test', 'vet', 'generate', 'run'].includes(verb)) {
        // `go install pkg@version` fetches a tool and needs no source
        const remote = verb === 'install' && rest.some(w => (w.value ?? '').includes('@'));
        return { manager: 'go', action: 'build', manifests: remote ? [] : ['go.mod'], optionalManifests: remote ? [] : ['go.sum'], needsSource: !remote,
          depsOnlyHint: remote ? undefined : 'copy go.mod and go.sum first and run `go mod download`, then copy the source and build', offline: vendored };
      }
      return undefined;
    }
    case tool === 'cargo': {
      // --frozen is --locked plus --offline
      const offline = has('--offline', '--frozen');
      if (verb === 'fetch') return { manager: 'cargo', action: 'install', manifests: ['Cargo.toml'], optionalManifests: ['Cargo.lock'], offline };
      if (verb === 'install' && !v.includes('--path')) return { manager: 'cargo', action: 'install', manifests: [], offline };
      // cargo-chef: `prepare` only reads the source into a recipe; `cook` fetches and builds the recipe's dependencies
      if (verb === 'chef' && next === 'prepare') return undefined;
      if (verb === 'chef' && next === 'cook') return { manager: 'cargo', action: 'install', manifests: optionValues(words, undefined, ['--recipe-path']).slice(0, 1), offline };
      if (['build', 'install', 'test', 'chef'].includes(verb)) return { manager: 'cargo', action: 'build', manifests: ['Cargo.toml'], optionalManifests: ['Cargo.lock'],
        needsSource: true, depsOnlyHint: 'copy Cargo.toml and Cargo.lock first and run `cargo fetch` (or cargo-chef), then copy the source and build', offline };
      return undefined;
    }
    case tool === 'mvn' || tool === 'mvnw': {
      const goals = v.slice(1).filter(x => !x.startsWith('-'));
      if (goals.length === 0) return undefined;
      const depsOnly = goals.every(g => g.startsWith('dependency:'));
      return { manager: 'maven', action: depsOnly ? 'install' : 'build', manifests: ['pom.xml'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy pom.xml first and run `mvn dependency:go-offline`, then copy the source and package',
        offline: has('-o', '--offline'), cacheDirOption: optionDir(words, ['-Dmaven.repo.local']) };
    }
    case tool === 'gradle' || tool === 'gradlew': {
      const tasks = positionals(words.slice(1), ['-p', '--project-dir', '-b', '--build-file', '-g', '--gradle-user-home', '-c', '--settings-file', '-x', '--exclude-task']).map(w => w.value ?? '');
      if (tasks.length === 0) return undefined;
      const depsOnly = tasks.every(t => t === 'dependencies' || t === 'dependencyInsight' || t === 'resolveDependencies');
      return { manager: 'gradle', action: depsOnly ? 'install' : 'build', manifests: [],
        optionalManifests: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle.properties'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy the build scripts first and run `gradle dependencies`, then copy the source and build',
        offline: has('--offline'), cacheDirOption: optionDir(words, ['-g', '--gradle-user-home']) };
    }
    case tool === 'lein': {
      const tasks = v.slice(1).filter(x => !x.startsWith('-'));
      if (tasks.length === 0) return undefined;
      const depsOnly = tasks.every(t => t === 'deps');
      return { manager: 'lein', action: depsOnly ? 'install' : 'build', manifests: ['project.clj'], needsSource: !depsOnly,
        depsOnlyHint: depsOnly ? undefined : 'copy project.clj first and run `lein deps`, then copy the source and build', offline: has('-o') };
    }
    case tool === 'sbt': {
      const tasks = v.slice(1).filter(x => !x.startsWith('-'));
      if (tasks.length === 0) return undefined;
      const depsOnly = tasks.every(t => t === 'update' || t === 'updateClassifiers');
      return { manager: 'sbt', action: depsOnly ? 'install' : 'build', manifests: ['build.sbt'], optionalManifests: ['project/build.properties', 'project/plugins.sbt'],
        needsSource: !depsOnly, depsOnlyHint: depsOnly ? undefined : 'copy build.sbt and project/ first and run `sbt update`, then copy the source and build' };
    }
    case tool === 'mix':
      // `mix do deps.get, compile` / `mix do deps.get + compile` run several tasks
      if (verb === 'deps.get' || (verb === 'do' && rest.some(w => /^deps\.get,?$/.test(w.value ?? '')))) return { manager: 'mix', action: 'install', manifests: ['mix.exs'], optionalManifests: ['mix.lock'] };
      return undefined;
    case tool === 'bundle' || tool === 'bundler':
      if (s < 0 || verb === 'install') return { manager: 'bundler', action: 'install', manifests: ['Gemfile'], optionalManifests: ['Gemfile.lock'], offline: has('--local') };
      return undefined;
    case tool === 'gem':
      // `gem update --system` downloads the rubygems-update gem, `gem update` every outdated gem
      if (verb === 'install' || verb === 'update') return { manager: 'gem', action: 'install', manifests: [], offline: has('--local', '-l') };
      return undefined;
    case tool === 'composer' || tool === 'composer.phar':
      if (verb === 'install' || verb === 'update') return { manager: 'composer', action: 'install', manifests: ['composer.json'], optionalManifests: ['composer.lock'] };
      return undefined;
    case tool === 'dotnet': {
      if (verb === 'restore') {
        const proj = positionals(rest, ['-s', '--source', '-r', '--runtime', '--packages', '--configfile']).map(w => w.value ?? '').filter(x => /\.(csproj|fsproj|vbproj|sln|slnx)$/.test(x));
        return { manager: 'nuget', action: 'install', manifests: proj.length ? proj : ['*.csproj'] };
      }
      // `dotnet tool install -g dotnet-ef` downloads the tool's NuGet package
      if (verb === 'tool' && (next === 'install' || next === 'update')) return { manager: 'nuget', action: 'install', manifests: [] };
      if (verb === 'tool' && next === 'restore') return { manager: 'nuget', action: 'install', manifests: ['.config/dotnet-tools.json'] };
      if (['build', 'publish', 'test', 'pack'].includes(verb)) return { manager: 'nuget', action: 'build', manifests: ['*.csproj'], needsSource: true,
        depsOnlyHint: 'copy the project files first and run `dotnet restore`, then copy the source and publish', offline: has('--no-restore') };
      return undefined;
    }
    case ['conda', 'mamba', 'micromamba'].includes(tool): {
      const files = optionValues(words, '-f', ['--file']);
      const offline = has('--offline');
      if (verb === 'env' && (next === 'create' || next === 'update')) return { manager: 'conda', action: 'install', manifests: files.length ? files : ['environment.yml'], offline };
      if (verb === 'install' || verb === 'create' || verb === 'update') return { manager: 'conda', action: 'install', manifests: files, offline };
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
      if (verb === 'add' || verb === 'upgrade') return { manager: 'apk', action: 'install', manifests: [], noCacheWords, offline: has('--no-network') };
      if (verb === 'update') return { manager: 'apk', action: 'update', manifests: [] };
      if (verb === 'cache' && next === 'clean') return { manager: 'apk', action: 'clean', manifests: [] };
      return undefined;
    }
    case tool === 'dnf' || tool === 'dnf5' || tool === 'yum': {
      // -C / --cacheonly installs from what is cached and downloads nothing
      const offline = has('-C', '--cacheonly');
      if (['install', 'update', 'upgrade', 'groupinstall', 'reinstall', 'builddep', 'distro-sync'].includes(verb) || (verb === 'group' && next === 'install')) {
        return { manager: 'dnf', action: 'install', manifests: [], offline };
      }
      if (verb === 'makecache') return { manager: 'dnf', action: 'update', manifests: [] };
      if (verb === 'clean') return { manager: 'dnf', action: 'clean', manifests: [] };
      return undefined;
    }
    default:
      return undefined;
  }
}

const truthy = (x: string | undefined) => x !== undefined && /^(1|true|yes|on)$/i.test(x.trim());

/**
 * Environment that makes a manager work offline: `GOFLAGS=-mod=vendor`, `GOPROXY=off`, `CARGO_NET_OFFLINE=true`,
 * `PIP_NO_INDEX=1`, `npm_config_offline=true`, `COMPOSER_DISABLE_NETWORK=1`.
 */
export function offlineByEnv(manager: Manager, env: ReadonlyMap<string, string | undefined>): boolean {
  switch (manager) {
    case 'go': return /(^|\s)-mod=vendor(\s|$)/.test(env.get('GOFLAGS') ?? '') || env.get('GOPROXY') === 'off';
    case 'cargo': return truthy(env.get('CARGO_NET_OFFLINE'));
    case 'pip': return truthy(env.get('PIP_NO_INDEX'));
    case 'uv': return truthy(env.get('UV_OFFLINE')) || truthy(env.get('UV_NO_INDEX'));
    case 'npm': case 'pnpm': return truthy(env.get('npm_config_offline') ?? env.get('NPM_CONFIG_OFFLINE'));
    case 'composer': return truthy(env.get('COMPOSER_DISABLE_NETWORK'));
    default: return false;
  }
}

/** Recognise a package-manager invocation in one simple command. */
export function recogniseInvocation(command: ShellCommand): PackageInvocation | undefined {
  const words = unwrapCommand(command.words);
  if (words.length === 0 || !base(words[0])) return undefined;
  const r = recognise(words);
  if (!r) return undefined;
  // `env GOFLAGS=-mod=vendor go build` and `GOFLAGS=-mod=vendor go build` count like ENV
  const inline = new Map<string, string | undefined>(command.assigns.map(a => [a.name, a.value]));
  for (const w of command.words.slice(0, command.words.indexOf(words[0]))) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.value ?? '');
    if (m) inline.set(m[1], m[2]);
  }
  const offline = (r.offline ?? false) || offlineByEnv(r.manager, inline);
  return {
    optionalManifests: [],
    noCacheWords: [],
    needsSource: false,
    ...r,
    offline,
    command,
    words,
    os: r.manager === 'apt' || r.manager === 'apk' || r.manager === 'dnf',
  };
}

/** True for invocations that download dependencies and so benefit from a cache mount. */
export const fetchesPackages = (inv: PackageInvocation) => (inv.action === 'install' || inv.action === 'build') && !inv.offline;
