/** Cache-mount facts and fixes shared by the rules that add BuildKit cache mounts. */
import type { TextEdit } from 'vscode-languageserver-types';
import { cacheTargets, mountCovers, mountFlag, type CacheTarget } from '../analysis/cacheTargets';
import type { DockerfileModel, InstructionFact } from '../analysis/model';
import { expandVars } from '../analysis/analyze';
import { resolvePath, type MountFact } from '../analysis/mounts';
import { fetchesPackages, offlineByEnv, type PackageInvocation } from '../analysis/packageManagers';
import { unwrapCommand, type ShellWord } from '../analysis/shell';
import { insertFlags, removeWord } from './edits';

const isBundler = (w: ShellWord | undefined) => w?.value === 'bundle' || w?.value === 'bundler' || /\/bundler?$/.test(w?.value ?? '');

/**
 * Bundler settings that move where gems go: `bundle config [set] [--local|--global] path|deployment …`
 * earlier in the stage or the RUN, and the install's own `--path`/`--deployment`/`--system`.
 */
function bundlerSettings(fact: InstructionFact, inv: PackageInvocation, env: Map<string, string | undefined>): void {
  const apply = (words: readonly ShellWord[]) => {
    let i = words[0]?.value === 'set' ? 1 : 0;
    while (words[i]?.value?.startsWith('--')) i++;
    const key = words[i]?.value;
    const value = words[i + 1] ? words[i + 1].value : '';
    if (key === 'path') env.set('BUNDLE_PATH', value);
    if (key === 'deployment') env.set('BUNDLE_DEPLOYMENT', value);
  };
  const commands = [
    ...(fact.stage?.instructions ?? []).filter(i => i.index < fact.index).flatMap(i => i.run?.script.commands ?? []),
    ...(fact.run?.script.commands ?? []).filter(c => c.start < inv.command.start),
  ];
  for (const c of commands) {
    const words = unwrapCommand(c.words);
    if (isBundler(words[0]) && words[1]?.value === 'config') apply(words.slice(2));
  }
  const v = inv.words.map(w => w.value);
  const p = v.indexOf('--path');
  if (p > 0) env.set('BUNDLE_PATH', inv.words[p + 1]?.value);
  if (v.includes('--deployment')) env.set('BUNDLE_DEPLOYMENT', 'true');
  if (v.includes('--system')) { env.delete('BUNDLE_PATH'); env.delete('BUNDLE_DEPLOYMENT'); }
}

/** The environment an invocation sees: ENV/ARG in scope plus its inline assignments (`PIP_CACHE_DIR=/x pip install`). */
function envFor(fact: InstructionFact, inv: PackageInvocation): ReadonlyMap<string, string | undefined> {
  if (inv.command.assigns.length === 0 && inv.manager !== 'bundler') return fact.env;
  const m = new Map(fact.env);
  for (const a of inv.command.assigns) m.set(a.name, a.value);
  if (inv.manager === 'bundler') bundlerSettings(fact, inv, m);
  return m;
}

/** The cache directories an invocation writes, for the RUN's user and environment. */
export function targetsFor(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
  const targets = cacheTargets(inv.manager, inv.action, envFor(fact, inv), fact.user, { image: fact.stage?.image, workdir: fact.workdir });
  // `--cache-dir /x` on the command line wins over every variable
  if (inv.cacheDirOption === null) return [{ target: '', unknown: true }, ...targets.slice(1)];
  if (inv.cacheDirOption !== undefined) return [{ ...targets[0], target: resolvePath(fact.workdir, inv.cacheDirOption), fromEnv: undefined }, ...targets.slice(1)];
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
    const t = m.target.includes('$') ? expandVars(m.target, fact.env) : m.target;
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
  if (targets.some(t => t.unknown && !t.optional)) return [];
  const open = targets.filter(t => !t.unknown && !mounts.some(m => mountCovers(m.target!, t)));
  return open.some(t => !t.optional) ? open : [];
}

const APT_KEEP = `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && `;
const APK_LINK = 'ln -sf /var/cache/apk /etc/apk/cache && ';

/** RUNs before `fact` (and `fact` itself when `inclusive`) in its stage and the stages it builds on: what is already in its image. */
export function runsBefore(model: DockerfileModel, fact: InstructionFact, inclusive = false): InstructionFact[] {
  const out: InstructionFact[] = [];
  for (let s = fact.stage; s; s = s.parent !== undefined ? model.stages[s.parent] : undefined) {
    out.push(...s.instructions.filter(i => i.run && (i.index < fact.index || (inclusive && i === fact))));
  }
  return out;
}

/** Whether a RUN up to and including `fact`, in this image, mentions `needle` (disabled docker-clean, linked /etc/apk/cache). */
function alreadyDone(model: DockerfileModel, fact: InstructionFact, needle: string): boolean {
  return runsBefore(model, fact, true).some(i => model.text.slice(model.document.offsetAt(i.range.start), model.document.offsetAt(i.range.end)).includes(needle));
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
  const seen = new Set<string>();
  const flags: string[] = [];
  for (const inv of fetching) {
    for (const t of uncoveredTargets(fact, inv)) {
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
