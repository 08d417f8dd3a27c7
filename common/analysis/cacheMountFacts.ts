/**
 * What a RUN's cache mounts cover and miss: where each package-manager invocation writes its cache
 * (ENV/ARG, `<tool> config set`, inline assignments, `--cache-dir`), whether it downloads at all, the
 * RUN's resolved `type=cache` mounts, the targets left uncovered, mounts aimed at the wrong place or
 * unwritable by the RUN's user, and what earlier RUNs of the same image already did. Facts only: the
 * rules build their findings and fixes on them.
 */
import { cacheTargets, mountCovers, type CacheTarget } from './cacheTargets';
import type { DockerfileModel, InstructionFact, StageFact } from './model';
import { expandVars } from './analyze';
import { resolvePath, type MountFact } from './mounts';
import { fetchesPackages, offlineByEnv, type Manager, type PackageInvocation } from './packageManagers';
import { unwrapCommand, type ShellWord } from './shell';

/** `<tool> config set <key> <value>` keys that move a cache or an install path, as the variable that does the same. */
const CONFIG_KEYS: Partial<Record<Manager, { tool: RegExp; keys: Readonly<Record<string, string>> }>> = {
  bundler: { tool: /^bundler?$/, keys: { path: 'BUNDLE_PATH', deployment: 'BUNDLE_DEPLOYMENT' } },
  yarn: { tool: /^yarn$/, keys: { 'cache-folder': 'YARN_CACHE_FOLDER', cacheFolder: 'YARN_CACHE_FOLDER' } },
  npm: { tool: /^npm$/, keys: { cache: 'npm_config_cache' } },
  pnpm: { tool: /^pnpm$/, keys: { 'store-dir': 'npm_config_store_dir' } },
  pip: { tool: /^pip(\d+(\.\d+)?)?$/, keys: { 'global.cache-dir': 'PIP_CACHE_DIR', 'install.cache-dir': 'PIP_CACHE_DIR' } },
};

interface ConfigSetting { readonly index: number; readonly start: number; readonly manager: Manager; readonly name: string; readonly value: string | undefined }

/** A `<tool> config [set] [--global|--local …] key value` (or `key=value`) command, as the variable it amounts to. */
function configSetting(words: readonly ShellWord[]): { manager: Manager; name: string; value: string | undefined } | undefined {
  if (words[1]?.value !== 'config') return undefined;
  const tool = words[0]?.value?.replace(/^.*\//, '') ?? '';
  const entry = (Object.entries(CONFIG_KEYS) as Array<[Manager, { tool: RegExp; keys: Readonly<Record<string, string>> }]>).find(([, c]) => c.tool.test(tool));
  if (!entry) return undefined;
  let i = 2;
  const skipFlags = () => { while (words[i]?.value?.startsWith('-')) i++; };
  skipFlags();
  if (words[i]?.value === 'set') i++;
  skipFlags();
  const key = words[i]?.value;
  if (key === undefined) return undefined;
  const eq = key.indexOf('=');
  const name = entry[1].keys[eq < 0 ? key : key.slice(0, eq)];
  // a value with an expansion is not known: undefined makes the target unknown rather than wrong
  return name ? { manager: entry[0], name, value: eq < 0 ? (words[i + 1] ? words[i + 1].value : '') : key.slice(eq + 1) } : undefined;
}

const stageConfig = new WeakMap<StageFact, ConfigSetting[]>();

/** The config commands of a stage, found once: later lookups stay linear in a long file. */
function configOf(stage: StageFact): ConfigSetting[] {
  let list = stageConfig.get(stage);
  if (!list) {
    list = [];
    for (const f of stage.instructions) {
      for (const c of f.run?.script.commands ?? []) {
        const set = configSetting(unwrapCommand(c.words));
        if (set) list.push({ ...set, index: f.index, start: c.start });
      }
    }
    list.sort((a, b) => a.index - b.index || a.start - b.start);
    stageConfig.set(stage, list);
  }
  return list;
}

/** The settings of the stage that `inv` sees: the last of each name written before it. */
function settingsBefore(fact: InstructionFact, inv: PackageInvocation): ConfigSetting[] {
  if (!fact.stage || !CONFIG_KEYS[inv.manager]) return [];
  const list = configOf(fact.stage);
  const before = (e: ConfigSetting) => e.index < fact.index || (e.index === fact.index && e.start < inv.command.start);
  // the list is in document order: find the last setting before the invocation, then walk back
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid])) lo = mid + 1;
    else hi = mid;
  }
  const wanted = new Set(Object.values(CONFIG_KEYS[inv.manager]!.keys));
  const out: ConfigSetting[] = [];
  for (let i = lo - 1; i >= 0 && wanted.size > 0; i--) {
    if (list[i].manager !== inv.manager || !wanted.has(list[i].name)) continue;
    wanted.delete(list[i].name);
    out.push(list[i]);
  }
  return out;
}

/**
 * envFor's answers, by instruction fact and invocation. Keyed by the fact (made anew for every version),
 * not by the invocation alone: a RUN an edit did not touch keeps its invocations from one version to the
 * next (analyze.ts), while the ENV and ARG above it may have changed.
 */
const envCache = new WeakMap<InstructionFact, Map<PackageInvocation, ReadonlyMap<string, string | undefined>>>();

/**
 * The environment an invocation sees: ENV/ARG in scope, settings written by `<tool> config set` earlier
 * in the stage or the RUN (they persist in the image's config files and move the cache like ENV would),
 * Bundler's own `--path`/`--deployment`/`--system`, and inline assignments (`PIP_CACHE_DIR=/x pip install`).
 */
function envFor(fact: InstructionFact, inv: PackageInvocation): ReadonlyMap<string, string | undefined> {
  return perFact(envCache, fact, inv, () => findEnv(fact, inv));
}

function findEnv(fact: InstructionFact, inv: PackageInvocation): ReadonlyMap<string, string | undefined> {
  const settings = settingsBefore(fact, inv);
  const v = inv.manager === 'bundler' ? inv.words.map(w => w.value) : [];
  const flags = v.includes('--path') || v.includes('--deployment') || v.includes('--system');
  let env: ReadonlyMap<string, string | undefined> = fact.env;
  if (inv.command.assigns.length > 0 || settings.length > 0 || flags) {
    const m = new Map(fact.env);
    for (const e of settings) m.set(e.name, e.value);
    const p = v.indexOf('--path');
    if (p > 0) m.set('BUNDLE_PATH', inv.words[p + 1]?.value);
    if (v.includes('--deployment')) m.set('BUNDLE_DEPLOYMENT', 'true');
    if (v.includes('--system')) { m.delete('BUNDLE_PATH'); m.delete('BUNDLE_DEPLOYMENT'); }
    for (const a of inv.command.assigns) m.set(a.name, a.value);
    env = m;
  }
  return env;
}

/** An answer by instruction fact and invocation, worked out once per version (several rules ask for each RUN). */
function perFact<T>(cache: WeakMap<InstructionFact, Map<PackageInvocation, T>>, fact: InstructionFact, inv: PackageInvocation, make: () => T): T {
  let ofFact = cache.get(fact);
  if (!ofFact) cache.set(fact, (ofFact = new Map()));
  let v = ofFact.get(inv);
  if (v === undefined) ofFact.set(inv, (v = make()));
  return v;
}
const targetsCache = new WeakMap<InstructionFact, Map<PackageInvocation, readonly CacheTarget[]>>();
const uncoveredCache = new WeakMap<InstructionFact, Map<PackageInvocation, readonly CacheTarget[]>>();

/** The cache directories an invocation writes, for the RUN's user and environment. */
export function targetsFor(fact: InstructionFact, inv: PackageInvocation): readonly CacheTarget[] {
  return perFact(targetsCache, fact, inv, () => Object.freeze(findTargets(fact, inv)));
}

function findTargets(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
  const targets = cacheTargets(inv.manager, inv.action, envFor(fact, inv), fact.user, { image: fact.stage?.image, workdir: fact.workdir });
  // `--cache-dir /x` on the command line wins over every variable
  if (inv.cacheDirOption === null) return [{ target: '', unknown: true, describe: 'the directory its cache option names' }, ...targets.slice(1)];
  if (inv.cacheDirOption !== undefined) {
    // gradle's --gradle-user-home names the home; its caches live below it
    const dir = resolvePath(fact.workdir, inv.cacheDirOption) + (inv.manager === 'gradle' ? '/caches' : '');
    return [{ ...targets[0], target: dir, fromEnv: undefined, alternatives: undefined }, ...targets.slice(1)];
  }
  return targets;
}

/** True when the invocation downloads and so wants a cache mount: not offline by flag or by environment. */
export const needsCacheMount = (fact: InstructionFact, inv: PackageInvocation) => fetchesPackages(inv) && !offlineByEnv(inv.manager, envFor(fact, inv));

/**
 * The RUN's `type=cache` mounts with their targets expanded from ARG/ENV in scope and resolved against
 * WORKDIR; `unresolved` when a target uses a variable whose value is not known.
 */
export function cacheMountsOf(fact: InstructionFact): { mounts: MountFact[]; unresolved: boolean } {
  const mounts: MountFact[] = [];
  let unresolved = false;
  for (const m of fact.run?.mounts ?? []) {
    if (m.type !== 'cache' || !m.target) continue;
    // a variable this Dockerfile does not declare may come from the base image's ENV (GOPATH in golang): unknown
    const names = [...m.target.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(x => x[1]);
    if (names.some(n => !fact.env.has(n))) { unresolved = true; continue; }
    const t = names.length ? expandVars(m.target, fact.env) : m.target;
    if (t === undefined || t === '' || t.includes('$')) { unresolved = true; continue; }
    mounts.push(t === m.target && t.startsWith('/') ? m : { ...m, target: resolvePath(fact.workdir, t) });
  }
  return { mounts, unresolved };
}

/**
 * Targets of the invocation that no `type=cache` mount of the RUN covers. Empty when the RUN is right
 * as far as can be told: every required target covered, or a mount or target that cannot be resolved.
 */
export function uncoveredTargets(fact: InstructionFact, inv: PackageInvocation): readonly CacheTarget[] {
  return perFact(uncoveredCache, fact, inv, () => Object.freeze(findUncovered(fact, inv)));
}

function findUncovered(fact: InstructionFact, inv: PackageInvocation): readonly CacheTarget[] {
  const { mounts, unresolved } = cacheMountsOf(fact);
  // a mount whose target we cannot resolve may well be the right one: claim nothing
  if (unresolved) return [];
  const targets = targetsFor(fact, inv);
  // with no cache mount at all every cache is uncovered, wherever it is
  if (mounts.length === 0) return targets;
  if (targets.some(t => t.unknown && !t.optional)) return [];
  const open = targets.filter(t => !t.unknown && !mounts.some(m => mountCovers(m.target!, t)));
  return open.some(t => !t.optional) ? open : [];
}

/** True when `other` is in the image `fact` runs in: an instruction of its stage or of a stage it builds on, not after it. */
export function inImageOf(model: DockerfileModel, fact: InstructionFact, other: InstructionFact, inclusive = false): boolean {
  if (other.onbuild || !(other.index < fact.index || (inclusive && other === fact))) return false;
  for (let s = fact.stage; s; s = s.parent !== undefined ? model.stages[s.parent] : undefined) if (s === other.stage) return true;
  return false;
}

const mentions = new WeakMap<DockerfileModel, Map<string, InstructionFact[]>>();

/** RUNs whose text contains `needle`, found once per model: long files stay linear. */
function runsMentioning(model: DockerfileModel, needle: string): InstructionFact[] {
  let byNeedle = mentions.get(model);
  if (!byNeedle) mentions.set(model, (byNeedle = new Map()));
  let list = byNeedle.get(needle);
  if (!list) {
    list = model.instructions.filter(i => i.run && model.text.slice(model.document.offsetAt(i.range.start), model.document.offsetAt(i.range.end)).includes(needle));
    byNeedle.set(needle, list);
  }
  return list;
}

/** Whether a RUN up to and including `fact`, in this image, mentions `needle` (disabled docker-clean, linked /etc/apk/cache). */
export function alreadyDone(model: DockerfileModel, fact: InstructionFact, needle: string): boolean {
  return runsMentioning(model, needle).some(i => inImageOf(model, fact, i, true));
}

/** Mount targets that were evidently meant for a manager's cache (by the names people give them). */
const MEANT_FOR: Partial<Record<Manager, RegExp>> = {
  pip: /pip/, pipenv: /pip/, uv: /(^|\/)uv([-_/]|$)/, poetry: /poetry/, npm: /npm|_cacache/, yarn: /yarn/, pnpm: /pnpm/,
  cargo: /cargo|\/registry$/, maven: /\.m2|maven/, gradle: /gradle/, bundler: /bundle|gem/, gem: /gem/, composer: /composer/,
  nuget: /nuget/, conda: /conda|\/pkgs$/,
};
/** Go has two caches; tell them apart by name. */
const GO_KIND = (target: string) => (/go-build|gocache|go\/cache|build-cache/i.test(target) ? 'build' : /pkg\/mod|gomod|go-mod|modcache/i.test(target) ? 'mod' : undefined);

/** A mode that lets any user write (`mode=0777`, `1777`). */
const worldWritable = (m: MountFact) => m.mode !== undefined && /^0?[0-7]?7[0-7]7$/.test(m.mode) && (parseInt(m.mode, 8) & 0o002) !== 0;

export interface WrongTarget {
  readonly mount: MountFact;
  readonly invocation: PackageInvocation;
  /** Where the tool really keeps its cache. */
  readonly expected: CacheTarget;
  /** `target`: mounted elsewhere; `owner`: right place, but root-owned while a non-root USER runs the tool. */
  readonly problem: 'target' | 'owner';
}

/** Cache mounts of a RUN that miss their tool's cache directory, or that its non-root user cannot write. */
export function wrongTargetMounts(fact: InstructionFact): WrongTarget[] {
  const run = fact.run;
  if (!run) return [];
  // a mount whose target cannot be resolved may be the right one: judge none of them
  const { mounts: caches, unresolved } = cacheMountsOf(fact);
  if (caches.length === 0 || unresolved) return [];
  // `sudo pip …` runs as root whatever USER says: leave it alone
  const invs = run.invocations.filter(i => needsCacheMount(fact, i) && !i.os && i.command.words[0]?.value !== 'sudo');
  const expected = invs.flatMap(inv => targetsFor(fact, inv).filter(t => !t.unknown).map(t => ({ inv, t })));
  if (invs.some(inv => targetsFor(fact, inv).some(t => t.unknown))) return [];
  const out: WrongTarget[] = [];
  const used = new Set<MountFact>();
  for (const { inv, t } of expected) {
    const covering = caches.find(m => mountCovers(m.target!, t));
    if (covering) {
      if (!fact.user.root && covering.uid === undefined && !worldWritable(covering) && !used.has(covering)) {
        used.add(covering);
        out.push({ mount: covering, invocation: inv, expected: t, problem: 'owner' });
      }
      continue;
    }
    const re = MEANT_FOR[inv.manager];
    const candidate = caches.find(m => {
      if (used.has(m) || expected.some(e => mountCovers(m.target!, e.t))) return false;
      if (inv.manager === 'go') return GO_KIND(m.target!) !== undefined && GO_KIND(m.target!) === GO_KIND(t.target);
      return re !== undefined && re.test(m.target!.toLowerCase());
    });
    if (candidate) {
      used.add(candidate);
      out.push({ mount: candidate, invocation: inv, expected: t, problem: 'target' });
    }
  }
  return out;
}
