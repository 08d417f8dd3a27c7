/** Cache-mount facts and fixes shared by the rules that add BuildKit cache mounts. */
import type { TextEdit } from 'vscode-languageserver-types';
import { cacheTargets, mountCovers, mountFlag, targetLabel, type CacheTarget } from '../../../common/analysis/cacheTargets';
import type { DockerfileModel, InstructionFact, StageFact } from '../../../common/analysis/model';
import { expandVars } from '../../../common/analysis/analyze';
import { resolvePath, type MountFact } from '../../../common/analysis/mounts';
import { fetchesPackages, offlineByEnv, type Manager, type PackageInvocation } from '../../../common/analysis/packageManagers';
import { unwrapCommand, type ShellWord } from '../../../common/analysis/shell';
import { insertFlags, removeWord } from './edits';

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

const envCache = new WeakMap<PackageInvocation, ReadonlyMap<string, string | undefined>>();

/**
 * The environment an invocation sees: ENV/ARG in scope, settings written by `<tool> config set` earlier
 * in the stage or the RUN (they persist in the image's config files and move the cache like ENV would),
 * Bundler's own `--path`/`--deployment`/`--system`, and inline assignments (`PIP_CACHE_DIR=/x pip install`).
 */
function envFor(fact: InstructionFact, inv: PackageInvocation): ReadonlyMap<string, string | undefined> {
  const hit = envCache.get(inv);
  if (hit) return hit;
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
  envCache.set(inv, env);
  return env;
}

/** The cache directories an invocation writes, for the RUN's user and environment. */
export function targetsFor(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
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
export function uncoveredTargets(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
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

const APT_KEEP = `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && `;
const APK_LINK = 'ln -sf /var/cache/apk /etc/apk/cache && ';

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

export interface MountFixPlan {
  readonly edits: TextEdit[];
  readonly flags: string[];
  /** Why no safe fix could be built, when it could not. */
  readonly blocker?: string;
  /** The fix disables docker-clean / links /etc/apk/cache (or an earlier RUN of the image already does). */
  readonly aptKept?: boolean;
  readonly apkLinked?: boolean;
}

/** What earlier edits of the same fix already set up in the image. */
export interface SetupSoFar {
  readonly aptKept?: boolean;
  readonly apkLinked?: boolean;
}

/**
 * Edits that give a RUN cache mounts for the given invocations, drop their now-pointless no-cache
 * flags and, for apt/apk, keep the downloaded packages. One insertion for all flags keeps fixes
 * composable: a RUN that already has the mounts gets no second copy.
 */
export function planMountFix(model: DockerfileModel, fact: InstructionFact, invocations: readonly PackageInvocation[], before: SetupSoFar = {}): MountFixPlan {
  const run = fact.run;
  if (!run) return { edits: [], flags: [], blocker: 'not a RUN' };
  const fetching = invocations.filter(i => needsCacheMount(fact, i));
  if (!fact.user.root && fact.user.uid === undefined) {
    return { edits: [], flags: [], blocker: `the uid of USER ${fact.user.name} is not known from this Dockerfile, and a cache mount is owned by root unless uid= is given` };
  }
  const other = fetching.find(i => i.command.runAs !== undefined);
  if (other) {
    const who = other.command.runAs === '?' ? 'another user' : other.command.runAs;
    return { edits: [], flags: [], blocker: `\`${other.words[0].value ?? other.words[0].text}\` runs as ${who} through su, whose cache directory and uid are not known here` };
  }
  const seen = new Set<string>();
  const flags: string[] = [];
  for (const inv of fetching) {
    for (const t of uncoveredTargets(fact, inv)) {
      if (t.unknown) {
        if (t.optional) continue;
        return { edits: [], flags: [], blocker: `where the cache is (${targetLabel(t)}) is not known from this Dockerfile` };
      }
      // a --mount value is split on commas and whitespace: such a path cannot be written into one
      if (!/^\/[\w.@+~:/-]*$/.test(t.target)) return { edits: [], flags: [], blocker: `the cache directory ${JSON.stringify(t.target)} cannot be written into a --mount flag` };
      if (seen.has(t.target)) continue;
      seen.add(t.target);
      flags.push(mountFlag(t, fact.user));
    }
  }
  const edits: TextEdit[] = [];
  const removed = new Set<number>();
  for (const inv of invocations) {
    for (const w of inv.noCacheWords) {
      if (removed.has(w.start)) continue;
      removed.add(w.start);
      edits.push(removeWord(model, fact, w));
    }
  }
  let prefix = '';
  let aptKept = before.aptKept || alreadyDone(model, fact, 'docker-clean');
  let apkLinked = before.apkLinked || alreadyDone(model, fact, '/etc/apk/cache');
  const heredocOrExec = run.form === 'exec' || model.text.startsWith('<<', run.commandStart);
  if (!heredocOrExec && flags.length) {
    if (fetching.some(i => i.manager === 'apt') && !aptKept) { prefix += APT_KEEP; aptKept = true; }
    if (fetching.some(i => i.manager === 'apk') && !apkLinked) { prefix += APK_LINK; apkLinked = true; }
  }
  if (flags.length) {
    const flagEdit = insertFlags(model, fact, flags);
    const at = model.document.offsetAt(flagEdit.range.start);
    if (prefix && at === run.commandStart) edits.push({ range: flagEdit.range, newText: flagEdit.newText + prefix });
    else {
      edits.push(flagEdit);
      if (prefix) edits.push({ range: { start: model.document.positionAt(run.commandStart), end: model.document.positionAt(run.commandStart) }, newText: prefix });
    }
  }
  return { edits, flags, aptKept, apkLinked };
}
