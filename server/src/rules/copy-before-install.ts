import * as path from 'path';
import type { TextEdit } from 'vscode-languageserver-types';
import { cacheTargets } from '../../../common/analysis/cacheTargets';
import type { CopyFact, CopySource, DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { covers, normalisePath, resolvePath } from '../../../common/analysis/mounts';
import { conventionalInput, downloadsNothing, installReads, irrelevantToOsInstall, isManifestName, otherCommandPaths, prefetchesDependencies, toolCommandIsHarmless, type InstallInput } from '../../../common/analysis/installInputs';
import { fetchesPackages, type PackageInvocation } from '../../../common/analysis/packageManagers';
import { unwrapCommand } from '../../../common/analysis/shell';
import { copyProvides } from './copyProvides';
import { commandText, lineNo, snippet } from './describe';
import { dockerArg, insertBefore, instructionText, lineSpan, rangeOf } from './edits';
import { docsFor, type Fix, type Rule, type RuleFinding, type WorkspaceFacts } from './types';
import { trimTrailingSlashes, lastSegment, beforeWildcardSegment } from '../../../common/analysis/text';

const id = 'copy-before-install';

/** Commands that may sit in an install RUN without reading the project's source. */
const BENIGN = new Set([
  'set', 'echo', 'printf', 'rm', 'mkdir', 'ln', 'true', 'false', 'export', 'cd', 'test', '[', 'which', 'command', 'type',
  'apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper', 'useradd', 'groupadd', 'adduser', 'addgroup', 'usermod',
  'curl', 'wget', 'tar', 'unzip', 'gpg', 'update-ca-certificates', 'ldconfig', 'locale-gen', 'dpkg', 'dpkg-reconfigure',
  'corepack', 'npm', 'yarn', 'pnpm', 'pip', 'pip3', 'uv', 'poetry', 'pipenv', 'gem', 'bundle', 'composer', 'go', 'cargo',
  'rustup', 'conda', 'mamba', 'micromamba', 'dotnet', 'mvn', 'gradle', 'sh', 'bash', 'python', 'python3',
]);

interface InstallStep {
  readonly fact: InstructionFact;
  readonly invocations: readonly PackageInvocation[];
  /** Every command is a dependency install or harmless, so the broad COPY may move below it. */
  readonly movable: boolean;
}

/** Needs the project's source, unless it only fetches dependencies (`mvn $OPTS dependency:go-offline`, `cargo chef cook`). */
const needsSource = (inv: PackageInvocation) => inv.needsSource && !prefetchesDependencies(inv);

function installStep(fact: InstructionFact, ws: WorkspaceFacts): InstallStep | undefined {
  // offline and vendored installs download nothing: a COPY above them costs no download
  const invocations = (fact.run?.invocations ?? []).filter(i => fetchesPackages(i) && !downloadsNothing(i, fact, ws));
  if (invocations.length === 0) return undefined;
  const movable =
    invocations.every(i => !needsSource(i)) &&
    fact.run!.script.commands.every(c => {
      if (invocations.some(i => i.command === c) || fact.run!.invocations.some(i => i.command === c)) return true;
      const words = unwrapCommand(c.words);
      const name = words[0]?.value?.replace(/^.*\//, '');
      // python/sh are only harmless as carriers of `-m pip` / `-c '…'`, which were recognised above;
      // `npm run build`, `bundle exec rake …` read the project
      return name !== undefined && BENIGN.has(name) && !['sh', 'bash', 'python', 'python3'].includes(name) && toolCommandIsHarmless(words);
    });
  return { fact, invocations, movable };
}

/** Context-relative path of a file the install reads, when the broad COPY is what puts it there. */
function contextPathFor(copy: CopyFact, absFile: string): string | undefined {
  if (!copy.destAbs) return undefined;
  const dest = copy.destAbs.replace(/\/$/, '') || '/';
  for (const src of copy.sources) {
    if (src.kind === 'context' && covers(dest, absFile)) return path.posix.relative(dest, absFile);
    if (src.kind === 'directory' && covers(dest, absFile)) {
      const dir = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
      return path.posix.join(dir, path.posix.relative(dest, absFile));
    }
    // `COPY requirements.txt src/ /app/`: a named file lands under its own name
    if ((src.kind === 'manifest' || src.kind === 'file' || src.kind === 'source-file') && !/[*?[]/.test(src.value)) {
      const v = src.value.replace(/^\.\//, '');
      const many = copy.destAbs.endsWith('/') || copy.sources.length > 1;
      if (normalisePath(many ? `${dest}/${v.replace(/^.*\//, '')}` : dest) === normalisePath(absFile)) return v;
    }
  }
  return undefined;
}

function exists(ws: WorkspaceFacts, rel: string): boolean | undefined {
  if (!ws.contextFiles) return undefined;
  if (/[*?[]/.test(rel)) return true;
  return ws.contextFiles.has(rel);
}

interface ManifestCopies {
  /** Destination folder (absolute) → context files to copy there. */
  readonly byDir: Map<string, string[]>;
  /** The first install that needs one of them. */
  readonly first?: InstructionFact;
  /** The image paths the narrow COPY puts in place. */
  readonly added: ReadonlySet<string>;
  /** The broad COPY's flags that the narrow COPY keeps (`--chown`, `--chmod`, `--link`). */
  readonly flags: readonly string[];
}

/** The manifests (and carried config) that let the installs run before the source is copied. */
function manifestCopies(broad: InstructionFact, installs: readonly InstallStep[], ws: WorkspaceFacts, alreadyCopied: Set<string>, carry: ReadonlyMap<PackageInvocation, readonly string[]>): ManifestCopies | undefined {
  const copy = broad.copy!;
  const byDir = new Map<string, string[]>();
  const added = new Set<string>();
  let first: InstructionFact | undefined;
  for (const step of installs) {
    for (const inv of step.invocations) {
      const wanted: Array<{ file: string; optional: boolean }> = [
        ...inv.manifests.map(file => ({ file, optional: false })),
        ...inv.optionalManifests.map(file => ({ file, optional: true })),
        // configuration the install reads (.npmrc …) travels with the manifests
        ...(carry.get(inv) ?? []).map(file => ({ file, optional: true })),
      ];
      // without a view of the context, npm's usual `package*.json` picks up whichever lockfile exists
      if (inv.manager === 'npm' && !ws.contextFiles && wanted.some(w => w.file === 'package.json')) {
        wanted.splice(0, wanted.length, { file: 'package*.json', optional: false });
      }
      // `RUN --mount=type=bind,source=requirements.txt,target=…` already gives the install its manifests
      const bound = (step.fact.run?.mounts ?? []).filter(m => m.type === 'bind' && !m.from && m.target).map(m => resolvePath(step.fact.workdir, m.target!));
      for (const w of wanted) {
        const abs = resolvePath(step.fact.workdir, w.file);
        if (alreadyCopied.has(abs) || bound.some(t => covers(t, abs))) continue;
        const rel = contextPathFor(copy, abs);
        // a file this COPY does not provide comes from elsewhere (an earlier COPY, the base image)
        if (rel === undefined || rel === '' || rel.startsWith('..')) continue;
        const present = exists(ws, rel);
        if (present === false) {
          if (w.optional) continue;
          return undefined; // the manifest is not in the context: a narrow COPY would fail the build
        }
        // an optional lockfile whose presence is unknown: a wildcard copies it when it exists and never fails
        const source = present === undefined && w.optional ? `${rel}*` : rel;
        const dir = path.posix.dirname(abs);
        const list = byDir.get(dir) ?? [];
        if (!list.includes(source)) list.push(source);
        byDir.set(dir, list);
        alreadyCopied.add(abs);
        added.add(abs);
        first ??= step.fact;
      }
    }
  }
  const flags = copy.flags.filter(f => !['from', 'parents', 'exclude'].includes(f.getName().toLowerCase())).map(f => f.toString());
  return { byDir, first, added, flags };
}

/** The narrow `COPY <manifests> <dir>/` lines, written for an instruction whose working directory is `workdir`. */
function manifestCopyLines(copies: ManifestCopies, workdir: string, prefix: string): string[] {
  const lines: string[] = [];
  for (const [dir, files] of copies.byDir) {
    const dest = normalisePath(dir) === normalisePath(workdir) ? './' : `${dir.replace(/\/$/, '')}/`;
    // a wildcard-only source list would fail when nothing matches; keep at least one real file first
    files.sort((a, b) => Number(a.endsWith('*') && !a.includes('package')) - Number(b.endsWith('*') && !b.includes('package')));
    lines.push([prefix + 'COPY', ...copies.flags, ...files.map(dockerArg), dest].join(' '));
  }
  return lines;
}

/** A variable `text` names whose value differs between the scopes of `a` and `b` (an ARG or ENV between them). */
function changedVariable(text: string, a: InstructionFact, b: InstructionFact): string | undefined {
  const names = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]);
  return names.find(n => a.env.has(n) !== b.env.has(n) || a.env.get(n) !== b.env.get(n));
}

/** Instructions a narrow COPY may move below without changing what it copies or what they see. */
const CROSSABLE = new Set(['RUN', 'WORKDIR', 'ARG', 'ENV', 'USER', 'LABEL', 'EXPOSE', 'SHELL', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'STOPSIGNAL', 'MAINTAINER']);

/**
 * Whether the narrow COPY can sit directly above `target` (the first install that needs it) instead of
 * where the broad COPY was, so that the instructions between (an `apt-get install`, say) stay cached
 * when only a manifest changes. The RUNs between were proven (`proveMove`) not to use what the broad
 * COPY provides; this checks what moving the narrow COPY itself could change.
 */
function narrowMayMoveDown(broad: InstructionFact, target: InstructionFact, crossed: readonly InstructionFact[], copies: ManifestCopies, prefix: string): boolean {
  if (crossed.length === 0 || prefix !== '' || broad.copy!.heredoc || broad.copy!.from !== undefined) return false;
  // variables in the kept flags (`--chown=$APP_USER`) must expand the same way below an ARG or ENV
  if (changedVariable(copies.flags.join(' '), broad, target)) return false;
  return crossed.every(f => {
    if (!CROSSABLE.has(f.keyword) || f.stage !== broad.stage || f.onbuild) return false;
    // a WORKDIR the analysis could not resolve leaves the destination unknown
    if (f.keyword === 'WORKDIR' && /\$/.test(f.node.getArgumentsContent() ?? '')) return false;
    // an install that reads a manifest the narrow COPY provides must stay below it
    const reads = (f.run?.invocations ?? []).filter(fetchesPackages).flatMap(inv => [...inv.manifests, ...inv.optionalManifests].map(m => resolvePath(f.workdir, m)));
    return !reads.some(r => copies.added.has(r));
  });
}

/** The broad COPY's text with a relative destination made absolute, for when it moves below a WORKDIR. */
function relocatedCopyText(model: DockerfileModel, broad: InstructionFact, crossesWorkdir: boolean): string {
  const text = instructionText(model, broad);
  const dest = broad.copy!.dest;
  if (!crossesWorkdir || !dest || dest.value.startsWith('/') || !broad.copy!.destAbs) return text;
  const span = lineSpan(model, broad);
  const s = model.document.offsetAt(dest.range.start) - span.start;
  const e = model.document.offsetAt(dest.range.end) - span.start;
  const abs = broad.copy!.destAbs;
  return text.slice(0, s) + (text[s] === '"' ? JSON.stringify(abs) : dockerArg(abs)) + text.slice(e);
}

function buildFix(model: DockerfileModel, list: readonly InstructionFact[], broad: InstructionFact, installs: readonly InstallStep[], last: InstructionFact, crossesWorkdir: boolean, ws: WorkspaceFacts, alreadyCopied: Set<string>, prefix: string, carry: ReadonlyMap<PackageInvocation, readonly string[]>): Fix | undefined {
  const copies = manifestCopies(broad, installs, ws, alreadyCopied, carry);
  if (!copies) return undefined;
  const span = lineSpan(model, broad);
  // directly above the first install that needs the manifests, so the steps between stay cached
  const target = copies.first;
  const down = target !== undefined && narrowMayMoveDown(broad, target, list.slice(list.indexOf(broad) + 1, list.indexOf(target)), copies, prefix);
  const narrow = manifestCopyLines(copies, down ? target.workdir : broad.workdir, prefix);
  const narrowText = narrow.map(l => l + model.eol).join('');
  const edits: TextEdit[] = down
    ? [{ range: rangeOf(model, span.start, span.end), newText: '' }, insertBefore(model, target, narrowText)]
    : [{ range: rangeOf(model, span.start, span.end), newText: narrowText }];
  const end = lineSpan(model, last, false).end;
  const moved = relocatedCopyText(model, broad, crossesWorkdir);
  const atEof = end === model.text.length && !/\n$/.test(model.text);
  edits.push({ range: rangeOf(model, end, end), newText: atEof ? model.eol + moved.replace(/\r?\n$/, '') : moved });
  const what = narrow.length ? `copy ${narrow.map(l => l.split(' ').slice(1, -1).filter(a => !a.startsWith('--')).join(' ')).join(', ')} first` : 'install first';
  return { title: `Move \`${snippet(broad, 30)}\` below the install (${what})`, preferred: true, edits };
}

/** The context folder an install's working directory comes from, as far as the COPYs above it tell. */
function installDir(list: readonly InstructionFact[], broad: InstructionFact, fact: InstructionFact): string | undefined {
  const wd = normalisePath(fact.workdir);
  const via = (copy: CopyFact | undefined): string | undefined => {
    if (!copy?.destAbs || copy.from !== undefined || copy.heredoc) return undefined;
    const dest = normalisePath(copy.destAbs);
    for (const src of copy.sources) {
      const v = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
      if (src.kind === 'context' && covers(dest, wd)) return path.posix.relative(dest, wd);
      if (src.kind === 'directory' && covers(dest, wd)) return path.posix.join(v, path.posix.relative(dest, wd));
      if ((src.kind === 'manifest' || src.kind === 'file') && !/[*?[]/.test(v)) {
        // `COPY web/package.json ./` puts web/'s manifest in the working directory
        const into = copy.destAbs.endsWith('/') || copy.sources.length > 1 ? dest : path.posix.dirname(dest);
        if (into === wd) return path.posix.dirname(v) === '.' ? '' : path.posix.dirname(v);
      }
    }
    return undefined;
  };
  const direct = via(broad.copy);
  if (direct !== undefined) return direct;
  for (let k = list.indexOf(fact) - 1; k >= 0; k--) {
    const d = list[k] === broad ? undefined : via(list[k].copy);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Where in the context a file the install names (`-r /reqs/prod.txt`) came from, by the COPYs above it. */
function locator(list: readonly InstructionFact[], broad: InstructionFact, fact: InstructionFact): (written: string) => string | undefined {
  const copies = [broad, ...list.slice(0, list.indexOf(fact)).reverse()].filter(f => f.copy && f.copy.from === undefined && !f.copy.heredoc);
  return written => {
    const abs = resolvePath(fact.workdir, written);
    for (const c of copies) {
      const rel = contextPathFor(c.copy!, abs);
      if (rel !== undefined && !rel.startsWith('..')) return rel;
    }
    return undefined;
  };
}

/** True when the RUN mounts a cache over the manager's download cache (`--mount=type=cache,target=/go/pkg/mod`). */
function downloadsCached(inv: PackageInvocation, fact: InstructionFact): boolean {
  const mounts = (fact.run?.mounts ?? []).filter(m => m.type === 'cache' && m.target).map(m => resolvePath(fact.workdir, m.target!));
  return mounts.length > 0 && cacheTargets(inv.manager, inv.action, fact.env, fact.user).some(t => mounts.some(m => covers(m, t.target)));
}

/** b is a or lies inside a ('' is the whole context). */
const within = (a: string, b: string) => a === '' || a === b || b.startsWith(a + '/');

/** True when the COPY puts (part of) the context path `rel` in the image. */
function copyIncludes(copy: CopyFact, rel: string): boolean {
  return copy.sources.some(src => {
    const v = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
    if (src.kind === 'context') return true;
    const dir = src.kind === 'glob' ? beforeWildcardSegment(v) : v;
    return within(dir, rel) || within(rel, dir);
  });
}

/** Package files an install names (`x/app-*.whl`, `./pkg.deb`), by file name. */
const PACKAGE_FILE = /\.(whl|deb|rpm|apk|gem|tgz|tar\.gz|nupkg)$/;

/** A COPY source that is itself an input of the install: a wheel folder, patches, a vendored tarball. */
function sourceIsInput(src: CopySource, inv: PackageInvocation, inputs: readonly InstallInput[]): boolean {
  if (src.kind === 'context') return false;
  const v = trimTrailingSlashes(src.value.replace(/^\.\//, ''));
  // `COPY app-* dir/` for `pip install dir/app-*.whl`: the copied files are the packages it installs
  const stem = lastSegment(v).split(/[*?[]/)[0];
  if (src.kind === 'glob' && stem.length > 0 && inv.words.some(w => PACKAGE_FILE.test(w.value ?? w.text) && lastSegment(w.value ?? w.text).startsWith(stem))) return true;
  return conventionalInput(inv.manager, v) || inputs.some(i => !i.stub && i.path !== undefined && i.path !== '' && (within(v, i.path) || within(i.path, v)));
}

interface Proof {
  /** Why the move cannot be proven safe; undefined when it can. */
  readonly why?: string;
  /** Configuration files to carry in the narrow COPY, per install. */
  readonly carry: Map<PackageInvocation, string[]>;
}

/**
 * Whether moving `broad` below every RUN in `between` keeps each RUN's inputs: no install reads
 * anything the COPY provides (beyond manifests and small config files the narrow COPY carries), and
 * no other command there reads, enters or writes into a copied path.
 */
function proveMove(list: readonly InstructionFact[], broad: InstructionFact, between: readonly InstructionFact[], ws: WorkspaceFacts): Proof {
  const copy = broad.copy!;
  const carry = new Map<PackageInvocation, string[]>();
  for (const fact of between) {
    for (const inv of fact.run?.invocations ?? []) {
      if (!fetchesPackages(inv)) continue;
      const dir = installDir(list, broad, fact);
      const reads = installReads(inv, dir, ws, locator(list, broad, fact));
      if (reads.unknown) return { why: reads.unknown, carry };
      for (const input of reads.inputs) {
        if (input.abs !== undefined) {
          if (copyProvides(copy, input.abs, ws)) return { why: `\`${commandText(inv, 30)}\` reads ${input.abs} (${input.why}), which this COPY provides`, carry };
          continue;
        }
        // an input the context lacks is not the COPY's either, but the install would fail anyway: no fix then
        const rel = input.path!;
        if (!copyIncludes(copy, rel)) continue;
        if (input.carry && dir !== undefined) {
          const list = carry.get(inv) ?? [];
          list.push(path.posix.relative(dir, rel));
          carry.set(inv, list);
          continue;
        }
        return { why: `the install reads ${rel === '' ? 'the whole folder' : rel} (${input.why}), which this COPY provides`, carry };
      }
    }
    for (const p of otherCommandPaths(fact)) {
      const target = p.parentOnly ? path.posix.dirname(p.abs) : p.abs;
      // the working directory and its parents exist whatever is copied
      if (covers(target, fact.workdir)) continue;
      if (copyProvides(copy, target, ws)) return { why: `\`${p.what}\` on line ${lineNo(fact)} uses ${target}, which this COPY provides`, carry };
    }
  }
  return { carry };
}

/** What to suggest as a deps-only step; pip in a pyproject-only project cannot install dependencies alone. */
function depsOnlyHint(inv: PackageInvocation, ws: WorkspaceFacts): string {
  const files = ws.contextFiles;
  if (inv.manager === 'pip' && files?.has('pyproject.toml') && ![...files].some(f => /^requirements[\w.-]*\.txt$/.test(f))) {
    return files.has('uv.lock')
      ? 'copy pyproject.toml and uv.lock first and run `uv sync --no-install-project`, then copy the source and install the project with `pip install --no-deps .`'
      : 'copy pyproject.toml first and install only its dependencies (`uv pip install -r pyproject.toml`, or `uv sync --no-install-project` with a uv.lock), then copy the source and run `pip install --no-deps .`';
  }
  return inv.depsOnlyHint ?? 'copy the manifests first and install the dependencies alone';
}

/** A broad COPY/ADD above a dependency install: any source change re-runs the install. */
export const copyBeforeInstall: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'Copying the whole context or source before installing dependencies re-runs the install on every code change.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    const findings: RuleFinding[] = [];
    // each stage's instructions, and separately its ONBUILD triggers (they run in that order in child images)
    const lists: Array<{ list: readonly InstructionFact[]; prefix: string }> = model.stages.flatMap(stage => [
      { list: stage.instructions, prefix: '' },
      { list: model.instructions.filter(i => i.onbuild && i.stage === stage), prefix: 'ONBUILD ' },
    ]);
    for (const { list, prefix } of lists) {
      if (list.length < 2) continue;
      // what was installed, and from which copied manifests, above the current instruction (grows as we go)
      const copiedBefore = new Set<string>();
      const installedBefore = new Set<string>(); // managers that ran a deps install
      let broadSeen = false;
      const record = (prev: InstructionFact) => {
        if (prev.copy && !prev.copy.from && prev.copy.destAbs) {
          if (isBroad(prev.copy)) broadSeen = true;
          for (const s of prev.copy.sources) {
            if (!isManifest(s)) continue;
            const base = lastSegment(trimTrailingSlashes(s.value));
            copiedBefore.add(prev.copy.destAbs.endsWith('/') ? normalisePath(prev.copy.destAbs + base) : normalisePath(prev.copy.destAbs));
          }
        }
        for (const inv of prev.run?.invocations ?? []) {
          if (!fetchesPackages(inv)) continue;
          // a deps-only step, or a build run while only manifests were copied (the dummy `main.rs` trick)
          if (!needsSource(inv) || prefetchesDependencies(inv) || !broadSeen) installedBefore.add(inv.manager);
        }
      };
      // files the stage's installs read are manifests whatever their names (`pip install -r deps`)
      const manifestNames = new Set(list.flatMap(f => (f.run?.invocations ?? []).flatMap(inv => [...inv.manifests, ...inv.optionalManifests].map(m => m.replace(/^.*\//, '')))));
      const isManifestFile = (rel: string) => isManifestName(rel) || manifestNames.has(rel.replace(/^.*\//, ''));
      // a folder that holds only manifests (`COPY requirements/ …`), as the context listing shows
      const manifestFolder = (s: CopySource) => {
        if (s.kind !== 'directory' || !workspace.contextFiles) return false;
        const dir = trimTrailingSlashes(s.value.replace(/^\.\//, ''));
        const under = [...workspace.contextFiles].filter(f => f.startsWith(dir + '/'));
        return under.length > 0 && under.every(isManifestFile);
      };
      const isManifest = (s: CopySource) => s.kind === 'manifest' || manifestNames.has(lastSegment(trimTrailingSlashes(s.value))) || manifestFolder(s);
      const isBroad = (c: CopyFact | undefined) => !!c?.broad && !c.sources.every(isManifest);
      list.forEach((broad, i) => {
        if (i > 0) record(list[i - 1]);
        if (!isBroad(broad.copy)) return;
        // `pnpm install --prefer-offline` after `pnpm fetch` installs from the store the fetch filled
        const alreadyInstalled = (inv: PackageInvocation, fact: InstructionFact) =>
          installedBefore.has(inv.manager) &&
          (needsSource(inv) || inv.primedInstall === true || (inv.manifests.length > 0 && inv.manifests.every(m => copiedBefore.has(resolvePath(fact.workdir, m)))));
        // the COPY's sources that are not inputs of the RUN's installs (a wheel folder, patches: those belong above it)
        const notInputs = (fact: InstructionFact) => {
          const invs = (fact.run?.invocations ?? []).filter(fetchesPackages);
          const inputs = new Map(invs.map(inv => [inv, installReads(inv, installDir(seq, broad, fact), workspace, locator(seq, broad, fact)).inputs]));
          return broad.copy!.sources.filter(s => !isManifest(s) && !invs.some(inv => sourceIsInput(s, inv, inputs.get(inv)!)));
        };
        // an OS package install is only busted by the context or a source folder, not by a LICENSE or a scripts/ folder
        const busts = (inv: PackageInvocation, sources: readonly CopySource[]) => sources.some(s => !(inv.os && irrelevantToOsInstall(s.value, s.kind)));

        // walk down the stage: the installs this COPY busts, and how far it could move
        const busted: InstallStep[] = [];
        const sourceOnly: InstallStep[] = [];
        const runs: InstructionFact[] = [];
        let last: InstructionFact | undefined;
        let blocked: InstructionFact | undefined;
        let crossesWorkdir = false;
        // stages built on this one run after it too: their dependency installs are busted as well (no fix across stages)
        const children = prefix === '' ? model.stages.filter(st => st.parent !== undefined && st.parent === broad.stage?.index) : [];
        const following = [...list.slice(i + 1), ...children.flatMap(st => [st.from, ...st.instructions])];
        const seq = [...list.slice(0, i + 1), ...following];
        let otherStage: InstructionFact | undefined;
        let skipping = false;
        // manifests a stage built on this one copies itself: its install follows the deps-first pattern there
        let childManifests = new Set<string>();
        for (const fact of following) {
          if (fact.keyword === 'FROM') {
            otherStage = fact;
            skipping = false;
            childManifests = new Set();
            if (!blocked) blocked = fact;
            continue;
          }
          if (skipping) continue;
          // installs below the next broad COPY are that COPY's finding; once it is fixed, this one shows
          if (isBroad(fact.copy)) {
            if (!otherStage) break;
            skipping = true;
            continue;
          }
          if (fact.copy) {
            if (otherStage && fact.copy.destAbs && fact.copy.from === undefined) {
              const c = fact.copy;
              // the manifest names of this stage's installs do not cover the child's (`-r requirements/dev.txt`): any single file counts
              for (const src of c.sources.filter(x => x.kind === 'file' || x.kind === 'manifest' || isManifest(x))) {
                childManifests.add(c.destAbs!.endsWith('/') || c.sources.length > 1 ? normalisePath(`${c.destAbs}/${lastSegment(trimTrailingSlashes(src.value))}`) : normalisePath(c.destAbs!));
              }
            }
            const harmless = !isBroad(fact.copy) && (fact.copy.from !== undefined || fact.copy.sources.every(isManifest));
            if (!harmless && !blocked) blocked = fact;
            continue;
          }
          if (fact.keyword === 'WORKDIR') { crossesWorkdir = true; continue; }
          if (!fact.run) continue;
          if (!blocked) runs.push(fact);
          const step = installStep(fact, workspace);
          if (!step) {
            if (!blocked) blocked = fact;
            continue;
          }
          const foreign = notInputs(fact);
          const relevant = step.invocations.filter(inv => !alreadyInstalled(inv, fact) && busts(inv, foreign) && (!otherStage || (!inv.os && inv.manifests.length > 0 && !inv.manifests.every(m => childManifests.has(resolvePath(fact.workdir, m))))));
          if (relevant.length === 0) {
            // an install that builds from the copied source cannot run above it
            if (!blocked && !step.movable) blocked = fact;
            continue;
          }
          if (relevant.every(inv => needsSource(inv))) {
            // a build whose downloads come from a cache mount re-downloads nothing when the source changes
            if (!relevant.every(inv => downloadsCached(inv, fact))) sourceOnly.push(step);
            if (!blocked) blocked = fact;
            continue;
          }
          busted.push(step);
          if (!blocked && step.movable) last = fact;
          else if (!blocked) blocked = fact;
        }
        const copyText = `\`${snippet(broad, 40)}\``;
        if (busted.length > 0) {
          // name the dependency install, not the `apk add` that happens to come first
          const all = busted.flatMap(b => b.invocations.filter(x => !needsSource(x)).map(inv => ({ inv, fact: b.fact })));
          const named = all.find(x => !x.inv.os) ?? all[0] ?? { inv: busted[0].invocations[0], fact: busted[0].fact };
          let why: string | undefined;
          let fix: Fix | undefined;
          if (last && busted.every(b => b.fact.index <= last!.index)) {
            const proof = proveMove(list, broad, runs.filter(r => r.index <= last!.index), workspace);
            // `COPY --chown=$APP_USER` moved below `ARG APP_USER=node` would copy as another owner
            const changed = changedVariable(instructionText(model, broad, false), broad, last);
            why = proof.why ?? (changed ? `$${changed} in the COPY is set again between it and the install` : undefined);
            if (!why) fix = buildFix(model, list, broad, busted, last, crossesWorkdir, workspace, new Set(copiedBefore), prefix, proof.carry);
          } else if (blocked?.keyword === 'FROM' || busted.every(b => b.fact.stage !== broad.stage)) {
            const from = busted[0].fact.stage?.from ?? blocked!;
            why = `the install is in stage \`${from.stage?.name ?? from.stage?.index}\` (line ${lineNo(from)}), which builds on this one`;
          } else if (blocked) {
            why = `\`${snippet(blocked, 30)}\` on line ${lineNo(blocked)} may need the copied files`;
          }
          const manifests = [...new Set(busted.flatMap(b => b.invocations.flatMap(x => x.manifests)))];
          findings.push({
            range: broad.range,
            message:
              `${copyText} copies ${broad.copy!.sources.some(s => s.kind === 'context') ? 'the whole build context' : 'source files'} before \`${commandText(named.inv)}\` (line ${lineNo(named.fact)}): ` +
              `any change to any copied file re-runs the install. ` +
              (manifests.length ? `Copy only ${manifests.join(', ')} first, install, then copy the rest.` : 'Install first, then copy the source.') +
              (!fix && why ? ` (No automatic fix: ${why}.)` : ''),
            related: busted.map(b => ({ range: b.fact.range, message: `this install re-runs whenever the files copied on line ${lineNo(broad)} change` })),
            fixes: fix ? [fix] : [],
          });
        } else if (sourceOnly.length > 0) {
          const step = sourceOnly[0];
          const inv = step.invocations.find(x => needsSource(x))!;
          const oneFile = broad.copy!.sources.length === 1 && broad.copy!.sources[0].kind === 'source-file';
          findings.push({
            range: broad.range,
            message:
              `${copyText} comes before \`${commandText(inv)}\` (line ${lineNo(step.fact)}), which ${oneFile ? 'builds from the copied file' : 'needs the whole source'}, so every ${oneFile ? 'change to it' : 'code change'} re-installs all dependencies. ` +
              `Add a deps-only step above the COPY: ${depsOnlyHint(inv, workspace)}.`,
            related: [{ range: step.fact.range, message: 'installs the project and all of its dependencies' }],
            fixes: [],
          });
        }
      });
    }
    return findings;
  },
};
