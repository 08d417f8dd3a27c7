/**
 * What a dependency install reads besides its manifests, and which installs download nothing. A fix
 * that moves a COPY below an install is only safe when the COPY provides none of these inputs:
 * workspaces, patches, `file:`/`link:`/tarball dependencies, `-e ./lib`, path dependencies, package
 * manager configuration, lifecycle scripts, vendored caches, local wheel folders …
 */
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import type { WorkspaceFacts } from './workspace';
import type { InstructionFact } from './model';
import { covers, normalisePath, resolvePath } from './mounts';
import type { Manager, PackageInvocation } from './packageManagers';
import { unwrapCommand, type ShellWord } from './shell';
import { trimTrailingSlashes } from './text';

/** Something an install reads that is not one of its manifests. */
export interface InstallInput {
  /** Context-relative posix path of a file or folder ('' is the whole manifest folder) … */
  readonly path?: string;
  /** … or an absolute container path, when the Dockerfile names it (`--find-links /wheels`). */
  readonly abs?: string;
  /** For messages: "pnpm patches", "a `file:` dependency". */
  readonly why: string;
  /** A single small file the narrow manifest COPY can carry along (`.npmrc`). */
  readonly carry?: boolean;
  /** Needed for the tool to read the manifest at all (Cargo's src/main.rs), not a dependency: a COPY of it still busts the install. */
  readonly stub?: boolean;
}

export interface InstallReads {
  readonly inputs: readonly InstallInput[];
  /** Set when what the install reads cannot be known; a short clause for messages. */
  readonly unknown?: string;
}

type Ecosystem = 'node' | 'python' | 'ruby' | 'go' | 'rust' | 'maven' | 'gradle' | 'php' | 'dotnet' | 'conda' | 'os' | 'elixir' | 'clojure' | 'scala';

const ECOSYSTEM: Record<Manager, Ecosystem> = {
  npm: 'node', yarn: 'node', pnpm: 'node', pip: 'python', uv: 'python', poetry: 'python', pipenv: 'python', conda: 'conda',
  bundler: 'ruby', gem: 'ruby', go: 'go', cargo: 'rust', maven: 'maven', gradle: 'gradle', composer: 'php', nuget: 'dotnet', apt: 'os', apk: 'os', dnf: 'os',
  bun: 'node', mix: 'elixir', lein: 'clojure', sbt: 'scala',
};

/** Single configuration files an install reads from its project folder. */
const CARRY: Partial<Record<Ecosystem, string[]>> = {
  node: ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs', 'pnpm-workspace.yaml'],
  python: ['pip.conf', 'poetry.toml', 'uv.toml', '.python-version'],
  conda: ['.condarc'],
  ruby: ['.ruby-version'],
  rust: ['rust-toolchain', 'rust-toolchain.toml'],
  php: ['auth.json'],
  dotnet: ['NuGet.config', 'nuget.config', 'NuGet.Config', 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'global.json'],
};

/** Folders an install reads from its project folder when they exist. */
const FOLDERS: Partial<Record<Ecosystem, Array<[string, string]>>> = {
  node: [['patches', 'patches applied at install'], ['.yarn', 'Yarn’s .yarn/ folder (releases, plugins, patches)']],
  ruby: [['vendor/cache', 'bundler’s vendor/cache'], ['.bundle', 'bundler’s .bundle/ configuration']],
  rust: [['.cargo', 'Cargo’s .cargo/ configuration'], ['src', 'the crate’s targets (src/main.rs, src/lib.rs), which Cargo needs to read the manifest']],
  maven: [['.mvn', 'Maven’s .mvn/ configuration']],
  gradle: [['gradle', 'the Gradle wrapper and version catalogs'], ['buildSrc', 'buildSrc']],
};

const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare', 'prepublish', 'dependencies'];
const COMPOSER_SCRIPTS = ['pre-install-cmd', 'post-install-cmd', 'pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'];

const INSTALL_FILE = /(^|\/)(package\.json|pnpm-workspace\.yaml|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|requirements[\w.-]*\.(txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|uv\.lock|poetry\.lock|Pipfile|Pipfile\.lock|environment\.ya?ml|Gemfile|go\.mod|go\.work|Cargo\.toml|pom\.xml|settings\.gradle(\.kts)?|composer\.json|[^/]+\.(csproj|fsproj|vbproj|sln))$/;
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|uv\.lock|poetry\.lock|Pipfile\.lock)$/;
/** The lockfile lines that can name a local path. */
const LOCAL_LINE = /file:|link:|portal:|patch:|"resolved":\s*"(?![a-z+]+:\/\/)|\.tgz|\.tar\.gz|"link":\s*true|"path":|\b(path|editable|directory|virtual)\s*=|type\s*=\s*"(directory|file)"|^\s*url\s*=\s*"(?![a-z+]+:\/\/)/;

/** Files a `pip install -r <name>` may name: requirements go by any name (`-r deps`, `-r req/base.in`). */
const MAYBE_REQUIREMENTS = /(^|\/)[^/.]+$|\.(txt|in)$/;

/** True for the context files `readInstallFiles` reads. */
export const isInstallFile = (rel: string) => (INSTALL_FILE.test(rel) || (MAYBE_REQUIREMENTS.test(rel) && rel.split('/').length <= 3)) && !rel.split('/').includes('node_modules');
export const isLockfile = (rel: string) => LOCKFILE.test(rel);
export const isManifestName = (rel: string) => INSTALL_FILE.test(rel);
/** A lockfile reduced to the lines that may name local paths (lockfiles are large; the rest never matters here). */
export const reduceLockfile = (text: string) => text.split(/\r?\n/).filter(l => LOCAL_LINE.test(l)).join('\n');

const isUrl = (v: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^git@/.test(v);
/** A written path as context-relative posix, undefined when it leaves the context or is not a path. */
function joinRel(dir: string, p: string): string | undefined {
  const clean = p.replace(/\\/g, '/').replace(/^~\//, '');
  if (clean === '' || isUrl(clean) || clean.startsWith('/')) return undefined;
  const j = trimTrailingSlashes(path.posix.normalize(path.posix.join(dir || '.', clean)));
  if (j === '..' || j.startsWith('../')) return undefined;
  return j === '.' ? '' : j;
}
/** The folder a glob such as `packages/*` or `apps/**` starts from. */
const staticPrefix = (glob: string) => glob.replace(/^!/, '').replace(/\/?[^/]*[*?[{].*$/, '');

/** A dependency value naming something on disk: `file:`, `link:`, `portal:`, `patch:…#path`, `./x`, a tarball. */
function localRef(v: string): string | undefined {
  const m = /^(?:file|link|portal):(.+)$/.exec(v);
  if (m) return m[1].replace(/^\/\/(?=\.)/, '');
  const patch = /^patch:.*#(?:~\/)?([^:]+?)(?:::.*)?$/.exec(v);
  if (patch) return decodeURIComponent(patch[1]);
  if (/^\.{1,2}\//.test(v)) return v;
  if (/\.(tgz|tar\.gz)$/.test(v) && !isUrl(v)) return v;
  return undefined;
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach(x => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach(x => strings(x, out));
  return out;
}

class Collector {
  readonly inputs: InstallInput[] = [];
  unknown?: string;
  constructor(readonly ws: WorkspaceFacts) {}
  has(rel: string): boolean {
    return this.ws.contextFiles?.has(rel) ?? false;
  }
  /** A folder the listing holds (not the context root). */
  hasDirStrict(rel: string): boolean {
    return rel !== '' && this.hasDir(rel);
  }
  hasDir(rel: string): boolean {
    if (rel === '') return true;
    if (this.ws.contextDirs?.has(rel)) return true;
    for (const f of this.ws.contextFiles ?? []) if (f.startsWith(rel + '/')) return true;
    return false;
  }
  /** The text of a listed file; marks the answer unknown when the file is listed but was not read. */
  text(rel: string): string | undefined {
    if (!this.has(rel)) return undefined;
    const t = this.ws.installFiles?.[rel];
    if (t === undefined) this.unknown ??= `${rel} could not be read`;
    return t;
  }
  add(dir: string, p: string, why: string, carry = false, stub = false): void {
    const rel = joinRel(dir, p);
    if (rel === undefined) return;
    if (!this.inputs.some(i => i.path === rel)) this.inputs.push({ path: rel, why, carry, stub });
  }
  addAbs(abs: string, why: string): void {
    if (!this.inputs.some(i => i.abs === abs)) this.inputs.push({ abs, why });
  }
}

function node(c: Collector, inv: PackageInvocation, dir: string): void {
  const words = inv.words.map(w => w.value ?? '');
  const pj = c.text(joinRel(dir, 'package.json')!);
  if (pj !== undefined) {
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(pj) as Record<string, unknown>;
    } catch {
      c.unknown ??= 'package.json does not parse';
    }
    if (json && typeof json === 'object') {
      const ws = json.workspaces as unknown;
      const globs = Array.isArray(ws) ? ws : (ws as { packages?: unknown } | undefined)?.packages;
      for (const g of strings(globs)) c.add(dir, staticPrefix(g), 'a workspace package folder');
      for (const key of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'resolutions', 'overrides', 'pnpm']) {
        for (const v of strings(json[key])) {
          const ref = localRef(v);
          if (ref) c.add(dir, ref, /\.patch$/.test(ref) ? 'a patch applied at install' : 'a local (`file:`/`link:`/tarball) dependency');
        }
      }
      const scripts = json.scripts as Record<string, unknown> | undefined;
      const ignoreScripts = words.includes('--ignore-scripts') || (inv.manager === 'yarn' && words.includes('--skip-builds'));
      const script = scripts && typeof scripts === 'object' ? LIFECYCLE.find(k => typeof scripts[k] === 'string') : undefined;
      if (script && !ignoreScripts) {
        // what the scripts name that the context holds (`node scripts/setup.js`, `prisma generate` with prisma/) is theirs
        for (const k of LIFECYCLE) {
          if (typeof scripts![k] !== 'string') continue;
          for (const token of (scripts![k] as string).split(/[\s;&|()=]+/)) {
            const rel = /^[\w@.][\w@./-]*$/.test(token) && !/^\.+$/.test(token) ? joinRel(dir, token) : undefined;
            if (rel && (c.has(rel) || c.hasDirStrict(rel))) c.add(dir, token, `named by the \`${k}\` script`);
          }
        }
        c.unknown ??= `package.json's \`${script}\` script may read the copied files`;
      }
    }
  }
  const pw = c.text(joinRel(dir, 'pnpm-workspace.yaml')!);
  if (pw !== undefined) {
    try {
      const y = parseYaml(pw) as { packages?: unknown; patchedDependencies?: unknown } | null;
      for (const g of strings(y?.packages)) c.add(dir, staticPrefix(g), 'a pnpm workspace package folder');
      for (const p of strings(y?.patchedDependencies)) c.add(dir, p, 'a patch applied at install');
    } catch {
      c.unknown ??= 'pnpm-workspace.yaml does not parse';
    }
  }
  for (const lock of ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']) {
    const t = c.text(joinRel(dir, lock)!);
    if (t !== undefined) lockRefs(c, dir, t);
  }
  // `npm ci --prefix web`, `yarn --cwd web`, `pnpm -C web`: the project is elsewhere
  const at = optionValues(inv.words, ['--prefix', '--cwd', '-C', '--dir']);
  for (const v of at) c.add(dir, v, 'the project folder the install runs in');
}

/** Local paths named in a (reduced) lockfile. */
function lockRefs(c: Collector, dir: string, text: string): void {
  const add = (p: string) => { if (p && p !== '.' && !isUrl(p)) c.add(dir, p, 'a local dependency named in the lockfile'); };
  for (const m of text.matchAll(/(?:file|link|portal):([^"'\s,#)@]+(?:@[^"'\s,#)]+)?)/g)) add(m[1].replace(/^\/\/(?=\.)/, ''));
  for (const m of text.matchAll(/"resolved":\s*"([^"]+)"/g)) add(m[1]);
  for (const m of text.matchAll(/"path":\s*"([^"]+)"/g)) add(m[1]);
  for (const m of text.matchAll(/#(?:~\/)([^":\s]+\.patch)/g)) add(decodeURIComponent(m[1]));
  for (const m of text.matchAll(/\b(?:path|editable|directory|virtual)\s*=\s*"([^"]+)"/g)) add(m[1]);
  for (const m of text.matchAll(/^\s*url\s*=\s*"([^"]+)"/gm)) add(m[1]);
  for (const m of text.matchAll(/(?:^|[\s"'(])((?:\.{1,2}\/)?[\w@./-]+\.(?:tgz|tar\.gz))\b/g)) add(m[1]);
}

/** Values of an option in any spelling (`--x v`, `--x=v`, `-fv`). */
function optionValues(ws: readonly ShellWord[], names: string[]): string[] {
  const out: string[] = [];
  ws.forEach((w, i) => {
    const v = w.value;
    if (v === undefined) return;
    for (const n of names) {
      if (v === n && ws[i + 1]?.value !== undefined) out.push(ws[i + 1].value!);
      else if (n.startsWith('--') && v.startsWith(n + '=')) out.push(v.slice(n.length + 1));
      else if (!n.startsWith('--') && v.startsWith(n) && v.length > n.length && !v.startsWith('--')) out.push(v.slice(n.length));
    }
  });
  return out;
}

function requirements(c: Collector, rel: string, depth = 0): void {
  const text = c.text(rel);
  if (text === undefined || depth > 5) return;
  const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const opt = /^(-r|--requirement|-c|--constraint|-e|--editable|-f|--find-links)(?:\s*=\s*|\s+)(\S+)/.exec(line);
    if (opt) {
      const [, flag, value] = opt;
      if (isUrl(value)) continue;
      if (/^-(r|c)$|^--(requirement|constraint)$/.test(flag)) {
        c.add(dir, value, 'a requirements file it includes');
        const nested = joinRel(dir, value);
        if (nested !== undefined) requirements(c, nested, depth + 1);
      } else c.add(dir, value.replace(/^file:(\/\/)?/, '').replace(/\[.*$/, ''), flag.includes('f') ? 'a local wheel folder' : 'a local package installed in editable mode');
      continue;
    }
    if (line.startsWith('-')) continue;
    const at = /@\s*file:(?:\/\/)?(\S+)/.exec(line);
    if (at) { c.add(dir, at[1], 'a local package'); continue; }
    if (/^\.{1,2}(\/|$)/.test(line) || (/\.(whl|tar\.gz|zip)$/.test(line) && !isUrl(line))) c.add(dir, line.replace(/\[.*$/, ''), 'a local package or wheel');
  }
}

function python(c: Collector, inv: PackageInvocation, dir: string, locate?: Locate): void {
  for (const m of inv.manifests) {
    const rel = locate?.(m) ?? joinRel(dir, m);
    if (rel !== undefined && inv.manager !== 'poetry' && !/\.(toml|lock)$|(^|\/)Pipfile$/.test(rel)) requirements(c, rel);
  }
  for (const v of optionValues(inv.words, ['--find-links', '-f'])) {
    if (isUrl(v)) continue;
    if (v.startsWith('/')) {
      c.addAbs(v, 'a local wheel folder');
      const rel = locate?.(v);
      if (rel !== undefined) c.add('', rel, 'a local wheel folder');
    }
    else c.add(dir, v, 'a local wheel folder');
  }
  for (const file of ['pyproject.toml', 'Pipfile']) {
    const t = c.text(joinRel(dir, file)!);
    if (t === undefined) continue;
    for (const m of t.matchAll(/\bpath\s*=\s*["']([^"']+)["']/g)) c.add(dir, m[1], `a path dependency in ${file}`);
    for (const m of t.matchAll(/\bmembers\s*=\s*\[([^\]]*)\]/g)) for (const s of m[1].matchAll(/["']([^"']+)["']/g)) c.add(dir, staticPrefix(s[1]), 'a workspace member');
  }
  for (const lock of ['uv.lock', 'poetry.lock', 'Pipfile.lock']) {
    const t = c.text(joinRel(dir, lock)!);
    if (t !== undefined) lockRefs(c, dir, t);
  }
  // a pip.conf anywhere in the context may be what PIP_CONFIG_FILE names
  for (const f of c.ws.contextFiles ?? []) if (/(^|\/)pip\.conf$/.test(f) && path.posix.dirname(f) !== (dir || '.')) c.add('', f, 'pip configuration');
}

function conda(c: Collector, inv: PackageInvocation, dir: string): void {
  for (const m of inv.manifests) {
    const rel = joinRel(dir, m);
    const t = rel === undefined ? undefined : c.text(rel);
    if (t === undefined || rel === undefined) continue;
    const envDir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    for (const mm of t.matchAll(/^\s*-\s+(?:(-[er])\s+)?(\S+)\s*$/gm)) {
      const [, flag, value] = mm;
      if (flag === '-r') { c.add(envDir, value, 'a requirements file the environment includes'); const n = joinRel(envDir, value); if (n) requirements(c, n); }
      else if (flag === '-e' || /^\.{1,2}(\/|$)|^file:/.test(value)) c.add(envDir, value.replace(/^file:(\/\/)?/, ''), 'a local package in the environment');
    }
  }
  for (const f of c.ws.contextFiles ?? []) if (/(^|\/)\.condarc$/.test(f) && path.posix.dirname(f) !== (dir || '.')) c.add('', f, 'conda configuration');
}

function ruby(c: Collector, dir: string): void {
  const t = c.text(joinRel(dir, 'Gemfile')!);
  if (t === undefined) return;
  for (const m of t.matchAll(/(?:\bpath:\s*|:path\s*=>\s*|^\s*path\s*\(?\s*)["']([^"']+)["']/gm)) c.add(dir, m[1], 'a path gem');
  for (const m of t.matchAll(/^\s*eval_gemfile\s*\(?\s*["']([^"']+)["']/gm)) c.add(dir, m[1], 'a Gemfile it includes');
  if (/^\s*gemspec\b/m.test(t)) c.add(dir, '', 'the gemspec (which usually reads lib/)');
}

function go(c: Collector, dir: string): void {
  const mod = c.text(joinRel(dir, 'go.mod')!);
  if (mod !== undefined) for (const m of mod.matchAll(/=>\s*(\.{1,2}\/[^\s)]*|\.{1,2})(?=\s|$)/gm)) c.add(dir, m[1], 'a `replace … => ./…` module');
  const work = c.text(joinRel(dir, 'go.work')!);
  if (work !== undefined) for (const m of work.matchAll(/(?:^|\s)(\.{1,2}(?:\/[^\s)]*)?)(?=\s|\)|$)/gm)) c.add(dir, m[1], 'a go.work module');
}

function rust(c: Collector, dir: string): void {
  const t = c.text(joinRel(dir, 'Cargo.toml')!);
  if (t === undefined) return;
  for (const m of t.matchAll(/\bpath\s*=\s*"([^"]+)"/g)) c.add(dir, m[1], 'a path crate or target');
  for (const m of t.matchAll(/\bmembers\s*=\s*\[([^\]]*)\]/g)) for (const s of m[1].matchAll(/"([^"]+)"/g)) c.add(dir, staticPrefix(s[1]), 'a workspace member');
  if (/^\s*build\s*=\s*"/m.test(t) || c.has(joinRel(dir, 'build.rs')!)) c.add(dir, 'build.rs', 'the build script');
}

function maven(c: Collector, dir: string): void {
  const t = c.text(joinRel(dir, 'pom.xml')!);
  if (t === undefined) return;
  for (const m of t.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)) c.add(dir, m[1], 'a Maven module');
  for (const m of t.matchAll(/<relativePath>\s*([^<\s]+)\s*<\/relativePath>/g)) c.add(dir, m[1], 'a parent POM');
  for (const m of t.matchAll(/<systemPath>\s*\$\{(?:project\.)?basedir\}\/([^<\s]+)\s*<\/systemPath>/g)) c.add(dir, m[1], 'a system-scoped jar');
}

function gradle(c: Collector, dir: string): void {
  for (const f of ['settings.gradle', 'settings.gradle.kts']) {
    const t = c.text(joinRel(dir, f)!);
    if (t === undefined) continue;
    for (const m of t.matchAll(/\binclude(Build)?\s*\(?([^\n)]*)/g)) {
      for (const s of m[2].matchAll(/["']([^"']+)["']/g)) c.add(dir, m[1] ? s[1] : s[1].replace(/^:/, '').replace(/:/g, '/'), 'a Gradle subproject');
    }
  }
}

function php(c: Collector, inv: PackageInvocation, dir: string): void {
  const t = c.text(joinRel(dir, 'composer.json')!);
  if (t === undefined) return;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(t) as Record<string, unknown>;
  } catch {
    c.unknown ??= 'composer.json does not parse';
    return;
  }
  const words = inv.words.map(w => w.value ?? '');
  for (const r of (Array.isArray(json.repositories) ? json.repositories : Object.values((json.repositories as object) ?? {})) as Array<{ type?: string; url?: string }>) {
    if (r?.type === 'path' && typeof r.url === 'string') c.add(dir, staticPrefix(r.url), 'a path repository');
  }
  const scripts = json.scripts as Record<string, unknown> | undefined;
  const script = scripts && typeof scripts === 'object' ? COMPOSER_SCRIPTS.find(k => k in scripts) : undefined;
  if (script && !words.includes('--no-scripts')) c.unknown ??= `composer.json's \`${script}\` script may read the copied files`;
  if (!words.includes('--no-autoloader')) {
    const autoload = json.autoload as { classmap?: unknown; files?: unknown } | undefined;
    for (const p of [...strings(autoload?.classmap), ...strings(autoload?.files)]) c.add(dir, p, 'a file the autoloader reads');
  }
}

function dotnet(c: Collector, dir: string): void {
  for (const f of c.ws.contextFiles ?? []) {
    const fdir = path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f);
    if (!/\.(csproj|fsproj|vbproj|sln)$/.test(f)) {
      // Directory.Build.props and NuGet.config in a parent folder apply too, and a narrow COPY cannot carry them
      if ((CARRY.dotnet ?? []).includes(path.posix.basename(f)) && fdir !== dir && (fdir === '' || dir.startsWith(fdir + '/'))) c.add('', f, 'MSBuild/NuGet configuration from a parent folder');
      continue;
    }
    if (fdir !== dir) continue;
    const t = c.text(f);
    if (t === undefined) continue;
    for (const m of t.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) c.add(fdir, m[1], 'a referenced project');
    for (const m of t.matchAll(/^Project\([^)]*\)\s*=\s*"[^"]*",\s*"([^"]+)"/gm)) c.add(fdir, m[1], 'a project of the solution');
  }
}

/**
 * What `inv` reads besides its manifests, for an install whose manifests sit in the context folder `dir`
 * (undefined: not known, then every folder holding a manifest of its ecosystem is considered).
 */
/** Maps a path as an install names it (relative to its WORKDIR, or absolute) to the context path it was copied from. */
export type Locate = (written: string) => string | undefined;

export function installReads(inv: PackageInvocation, dir: string | undefined, ws: WorkspaceFacts, locate?: Locate): InstallReads {
  const c = new Collector(ws);
  const eco = ECOSYSTEM[inv.manager];
  // the tool itself copied from the context (`./mvnw`, `./gradlew`)
  const tool = inv.words[0]?.value ?? '';
  if (tool.includes('/')) {
    if (tool.startsWith('/')) c.addAbs(tool, 'the tool it runs');
    else c.add(dir ?? '', tool, 'the tool it runs');
  }
  if (!ws.contextFiles) return { inputs: c.inputs, unknown: 'the build context could not be read to check what the install reads' };
  const dirs = dir !== undefined ? [dir] : manifestDirs(ws, inv);
  for (const d of dirs) {
    for (const f of CARRY[eco] ?? []) {
      const rel = joinRel(d, f)!;
      if (c.has(rel)) c.add(d, f, `${f}, which configures the install`, true);
    }
    for (const [f, why] of FOLDERS[eco] ?? []) if (c.hasDir(joinRel(d, f)!)) c.add(d, f, why, false, eco === 'rust' && f === 'src');
    switch (eco) {
      case 'node': node(c, inv, d); break;
      case 'python': python(c, inv, d, locate); break;
      case 'conda': conda(c, inv, d); break;
      case 'ruby': ruby(c, d); break;
      case 'go': go(c, d); break;
      case 'rust': rust(c, d); break;
      case 'maven': maven(c, d); break;
      case 'gradle': gradle(c, d); break;
      case 'php': php(c, inv, d); break;
      case 'dotnet': dotnet(c, d); break;
      // no model of what these read besides their manifests (mix's config/, sbt's project/ …): no reorder
      case 'elixir': case 'clojure': case 'scala': c.unknown ??= `what ${inv.manager} reads besides its manifests is not known`; break;
      default: break;
    }
  }
  // a local file handed to the tool (`apt-get install ./x.deb`, `gem install ./x.gem`)
  const named = new Set([...inv.manifests, ...inv.optionalManifests]);
  for (const w of inv.words.slice(1)) {
    const v = w.value ?? '';
    if (named.has(v) || named.has(v.replace(/^[^=]*=/, ''))) continue; // `-r ./requirements.txt` is a manifest
    if (/^\.{1,2}\//.test(v)) c.add(dir ?? '', v, 'a local file it installs');
    else if (v.startsWith('/') && /\.(deb|rpm|apk|whl|gem|tgz|tar\.gz|zip|nupkg)$/.test(v)) c.addAbs(v, 'a local file it installs');
  }
  return { inputs: c.inputs, unknown: c.unknown };
}

const MANIFEST_OF: Record<Ecosystem, RegExp> = {
  node: /(^|\/)package\.json$/, python: /(^|\/)(pyproject\.toml|Pipfile|requirements[\w.-]*\.txt)$/, conda: /(^|\/)environment\.ya?ml$/,
  ruby: /(^|\/)Gemfile$/, go: /(^|\/)go\.mod$/, rust: /(^|\/)Cargo\.toml$/, maven: /(^|\/)pom\.xml$/, gradle: /(^|\/)(settings|build)\.gradle(\.kts)?$/,
  php: /(^|\/)composer\.json$/, dotnet: /\.(csproj|fsproj|vbproj|sln)$/, os: /^$/,
  elixir: /(^|\/)mix\.exs$/, clojure: /(^|\/)project\.clj$/, scala: /(^|\/)build\.sbt$/,
};
function manifestDirs(ws: WorkspaceFacts, inv: PackageInvocation): string[] {
  const re = MANIFEST_OF[ECOSYSTEM[inv.manager]];
  const dirs = new Set<string>(['']);
  for (const f of ws.contextFiles ?? []) if (re.test(f)) dirs.add(path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f));
  return [...dirs];
}

/** Folder names that, copied on their own above an install, are that install's inputs by convention. */
const CONVENTIONAL: Partial<Record<Ecosystem, RegExp>> = {
  // bin/ and scripts/ hold what lifecycle scripts (`postinstall`) run
  node: /^(patches|\.yarn|\.yarn\/(patches|releases|plugins|cache)|vendor|prisma|bin|scripts|\.npmrc|\.yarnrc(\.yml)?)$/,
  // mix.exs reads config/ (`import Config`) when mix resolves dependencies
  elixir: /^(config)$/,
  python: /^(wheels?|wheelhouse|dist|vendor|pip\.conf|requirements(\.d)?|reqs|deps|constraints)$/,
  conda: /^(\.condarc)$/,
  ruby: /^(vendor\/cache|\.bundle)$/,
  go: /^vendor$/,
  rust: /^(\.cargo)$/,
  maven: /^(\.mvn)$/,
  gradle: /^(gradle|buildSrc)$/,
  php: /^(auth\.json)$/,
};

/** True when a COPY source such as `patches/` or `wheels` is by its name an input of installs of `manager`. */
export function conventionalInput(manager: Manager, source: string): boolean {
  const rel = trimTrailingSlashes(source.replace(/^\.\//, ''));
  const re = CONVENTIONAL[ECOSYSTEM[manager]];
  if (re === undefined) return false;
  // `ui/patches` is the patches folder of the ui/ project; generic names (`frontend/dist`, `web/config`) are not
  const last = rel.replace(/^.*\//, '');
  return re.test(rel) || (SUBPROJECT_INPUT.test(last) && re.test(last));
}

/** Input folder names specific enough to count inside a subproject folder too. */
const SUBPROJECT_INPUT = /^(patches|\.yarn|prisma|bin|scripts|wheels?|wheelhouse)$/;

/** Folders that by convention hold no application source: tooling, configuration, docs, install inputs of any ecosystem. */
const NON_SOURCE = /^(patches|scripts?|bin|config|conf|etc|docs?|hack|tools|licenses?|certs?|\.github|\.yarn|\.cargo|\.mvn|\.bundle|prisma|wheels?|wheelhouse|vendor|requirements(\.d)?|deps|docker|deploy)$/;

/**
 * True when a COPY source cannot change what an OS package install (apt, apk, dnf) does or costs beyond
 * any other small file: a single file, or a folder of tooling, configuration or docs. Only the context or
 * a source folder copied above such an install is worth moving.
 */
export function irrelevantToOsInstall(source: string, kind: string): boolean {
  if (kind === 'file' || kind === 'manifest') return true;
  if (kind !== 'directory') return false;
  return NON_SOURCE.test(trimTrailingSlashes(source.replace(/^\.\//, '')).replace(/^.*\//, ''));
}

/** True when a COPY above `fact` in its stage put a `vendor` folder from the context into the working directory. */
function copiesVendorInto(fact: InstructionFact): boolean {
  const list = fact.stage?.instructions ?? [];
  const wd = normalisePath(fact.workdir);
  return list.slice(0, Math.max(0, list.indexOf(fact))).some(f => {
    const c = f.copy;
    if (!c || c.from !== undefined || !c.destAbs) return false;
    return c.sources.some(src => {
      const v = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
      if (v !== 'vendor') return false;
      const dest = normalisePath(c.destAbs!);
      // `COPY vendor vendor` / `COPY vendor ./vendor` or `COPY vendor/ <wd>/vendor/`
      return dest === normalisePath(`${wd}/vendor`) || (c.destAbs!.endsWith('/') && c.sources.length > 1 && dest === wd);
    });
  });
}

/**
 * True when the invocation downloads nothing: an offline or vendored install or build, which the
 * cache of a deps-first step (or a vendor folder) already serves.
 */
export function downloadsNothing(inv: PackageInvocation, fact: InstructionFact, ws: WorkspaceFacts): boolean {
  const v = inv.words.map(w => w.value ?? '');
  const env = (name: string) => inv.command.assigns.find(a => a.name === name)?.value ?? fact.env.get(name);
  switch (inv.manager) {
    case 'npm': case 'yarn': case 'pnpm':
      return v.includes('--offline');
    case 'pip': case 'uv':
      return v.includes('--no-index') || v.includes('--offline');
    case 'go': {
      if (v.some(x => x === '-mod=vendor') || /-mod=vendor/.test(env('GOFLAGS') ?? '')) return true;
      if (inv.action !== 'build') return false;
      // go ≥1.14 builds from vendor/ by default when vendor/modules.txt is there — in the context, or
      // copied into the working directory above the build (`COPY vendor vendor`)
      const vendored = ws.contextFiles?.has('vendor/modules.txt') === true || copiesVendorInto(fact);
      if (vendored && !v.some(x => /^-mod=(mod|readonly)$/.test(x))) return true;
      // a module without requirements has nothing to download
      const mods = [...(ws.contextFiles ?? [])].filter(f => /(^|\/)go\.mod$/.test(f));
      return mods.length > 0 && mods.every(f => ws.installFiles?.[f] !== undefined && !/^\s*require\b/m.test(ws.installFiles[f]));
    }
    case 'cargo':
      // `cargo chef prepare` only writes a recipe
      return v.includes('--offline') || v.includes('--frozen') || (v[1] === 'chef' && v[2] === 'prepare');
    case 'maven':
      return v.includes('-o') || v.includes('--offline');
    case 'gradle':
      return v.includes('--offline');
    case 'nuget':
      return v.includes('--no-restore');
    case 'bundler':
      return v.includes('--local');
    default:
      return false;
  }
}

/**
 * True when the invocation only fetches dependencies (a deps-first step) even though the shared
 * recogniser calls it a build: `mvn … dependency:go-offline` with flags and `$VARS` in between,
 * `cargo chef cook`, `gradle … dependencies`.
 */
export function prefetchesDependencies(inv: PackageInvocation): boolean {
  const v = inv.words.map(w => w.value ?? w.text);
  switch (inv.manager) {
    case 'maven':
      return v.some(x => /^dependency:(go-offline|resolve|resolve-plugins|copy-dependencies)$|go-offline|:resolve-dependencies$/.test(x));
    case 'cargo':
      return v[1] === 'chef' && v[2] === 'cook';
    case 'gradle':
      return v.some(x => x === 'dependencies' || x === 'resolveDependencies' || x === 'downloadDependencies');
    default:
      return !inv.needsSource && inv.action === 'install';
  }
}

/** Absolute paths the other commands of an install RUN read or write into (`cd web`, `wget -O models/x`, `sh ./setup.sh`). */
export function otherCommandPaths(fact: InstructionFact): Array<{ abs: string; parentOnly: boolean; what: string }> {
  const out: Array<{ abs: string; parentOnly: boolean; what: string }> = [];
  for (const c of fact.run?.script.commands ?? []) {
    const words = unwrapCommand(c.words);
    // recognised package-manager commands are judged by what they read (installReads)
    if (words.length === 0 || fact.run!.invocations.some(i => i.command === c)) continue;
    const tool = (words[0].value ?? '').replace(/^.*\//, '');
    const text = words.map(w => w.text).join(' ').slice(0, 40);
    words.forEach((w, i) => {
      let v = w.value;
      if (v === undefined || v.includes('$') || isUrl(v)) return;
      const prev = words[i - 1]?.value ?? '';
      // an output file only needs its folder to exist
      const output = ['-O', '-o', '--output', '--output-document', '-P', '--directory-prefix'].includes(prev) && ['wget', 'curl'].includes(tool);
      if (v.startsWith('-')) {
        const eq = v.indexOf('=');
        if (eq < 0) return;
        v = v.slice(eq + 1);
      }
      if (i === 0 && !v.includes('/')) return;
      const looksLikePath = i > 0 && (tool === 'cd' || v === '.' || v.includes('/') || /^[\w@+-][\w.@+-]*\.[A-Za-z]\w{0,9}$/.test(v));
      if (!looksLikePath && i > 0) return;
      if (['echo', 'printf', 'export', 'set', 'true', 'false'].includes(tool)) return;
      const abs = resolvePath(fact.workdir, v);
      // `cd /app` into the working directory needs nothing copied
      if (tool === 'cd' && covers(abs, fact.workdir)) return;
      // `-P dir` names the folder itself; `-O dir/file` needs only the folder to exist
      out.push({ abs, parentOnly: output && prev !== '-P' && prev !== '--directory-prefix', what: text });
    });
  }
  return out;
}

/** Package-manager and toolchain commands: harmless in an install RUN only in the forms below. */
const TOOLS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'pip', 'pip3', 'uv', 'poetry', 'pipenv', 'gem', 'bundle', 'bundler', 'composer', 'go', 'cargo', 'rustup',
  'conda', 'mamba', 'micromamba', 'dotnet', 'mvn', 'gradle', 'corepack']);
/** Subcommands that configure the tool or fetch the tool itself, and read nothing of the project. */
const HARMLESS_SUB = new Set(['config', 'cache', 'enable', 'prepare', 'env', 'toolchain', 'component', 'target', 'default', 'self']);

/**
 * For a command of an install RUN that is not itself a recognised install: false when it is a
 * package-manager or toolchain command that may read the project (`npm run build`, `yarn build`,
 * `bundle exec rake`, `composer dump-autoload`), so the copied files cannot move below it.
 */
export function toolCommandIsHarmless(words: readonly ShellWord[]): boolean {
  const tool = (words[0]?.value ?? '').replace(/^.*\//, '');
  if (!TOOLS.has(tool)) return true;
  const sub = words.slice(1).find(w => !(w.value ?? w.text).startsWith('-'));
  // `npm -v`, `node --version`: flags only
  if (!sub) return words.slice(1).every(w => /^--?(v|version|help)$/.test(w.value ?? ''));
  return HARMLESS_SUB.has(sub.value ?? '');
}
