/** Cache-mount facts and fixes shared by the rules that add BuildKit cache mounts. */
import type { TextEdit } from 'vscode-languageserver-types';
import { cacheTargets, mountFlag, type CacheTarget } from '../analysis/cacheTargets';
import type { DockerfileModel, InstructionFact } from '../analysis/model';
import { covers } from '../analysis/mounts';
import { fetchesPackages, type PackageInvocation } from '../analysis/packageManagers';
import { insertFlags, removeWord } from './edits';

/** The cache directories an invocation writes, for the RUN's user and environment. */
export function targetsFor(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
  // inline assignments (`PIP_CACHE_DIR=/x pip install`) count like ENV
  let env = fact.env;
  if (inv.command.assigns.length) {
    const m = new Map(env);
    for (const a of inv.command.assigns) m.set(a.name, a.value);
    env = m;
  }
  return cacheTargets(inv.manager, inv.action, env, fact.user);
}

/** Targets of the invocation that no `type=cache` mount of the RUN covers. */
export function uncoveredTargets(fact: InstructionFact, inv: PackageInvocation): CacheTarget[] {
  const mounts = (fact.run?.mounts ?? []).filter(m => m.type === 'cache' && m.target);
  return targetsFor(fact, inv).filter(t => !mounts.some(m => covers(m.target!, t.target)));
}

const APT_KEEP = `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && `;
const APK_LINK = 'ln -sf /var/cache/apk /etc/apk/cache && ';

const firstDockerClean = new WeakMap<DockerfileModel, number>();

/** Whether any RUN up to and including `fact` already disabled Debian's docker-clean hook. */
function dockerCleanDisabled(model: DockerfileModel, fact: InstructionFact): boolean {
  let first = firstDockerClean.get(model);
  if (first === undefined) {
    const hit = model.instructions.find(i => i.run && model.text.slice(model.document.offsetAt(i.range.start), model.document.offsetAt(i.range.end)).includes('docker-clean'));
    first = hit ? hit.index : Infinity;
    firstDockerClean.set(model, first);
  }
  return first <= fact.index;
}

export interface MountFixPlan {
  readonly edits: TextEdit[];
  readonly flags: string[];
  /** Why no safe fix could be built, when it could not. */
  readonly blocker?: string;
}

/**
 * Edits that give a RUN cache mounts for the given invocations, drop their now-pointless no-cache
 * flags and, for apt/apk, keep the downloaded packages. One insertion for all flags keeps fixes
 * composable: a RUN that already has the mounts gets no second copy.
 */
export function planMountFix(model: DockerfileModel, fact: InstructionFact, invocations: readonly PackageInvocation[]): MountFixPlan {
  const run = fact.run;
  if (!run) return { edits: [], flags: [], blocker: 'not a RUN' };
  const fetching = invocations.filter(fetchesPackages);
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
  const heredocOrExec = run.form === 'exec' || model.text.startsWith('<<', run.commandStart);
  if (!heredocOrExec && flags.length) {
    if (fetching.some(i => i.manager === 'apt') && !dockerCleanDisabled(model, fact)) prefix += APT_KEEP;
    if (fetching.some(i => i.manager === 'apk') && !/\/etc\/apk\/cache/.test(model.text.slice(run.commandStart, model.document.offsetAt(fact.range.end)))) prefix += APK_LINK;
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
  return { edits, flags };
}
