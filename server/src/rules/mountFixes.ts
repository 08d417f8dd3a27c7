/** The cache-mount fix shared by the rules that add BuildKit cache mounts (the facts are in common/analysis/cacheMountFacts). */
import type { TextEdit } from 'vscode-languageserver-types';
import { mountFlag, targetLabel } from '../../../common/analysis/cacheTargets';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import type { PackageInvocation } from '../../../common/analysis/packageManagers';
import { alreadyDone, needsCacheMount, uncoveredTargets } from '../../../common/analysis/cacheMountFacts';
import { dockerCleanHandled, KEEP_APT_DOWNLOADS } from '../../../common/analysis/noCache';
import { insertFlags, removeWord } from './edits';

const APK_LINK = 'ln -sf /var/cache/apk /etc/apk/cache && ';

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
  let aptKept = before.aptKept || dockerCleanHandled(model, fact);
  let apkLinked = before.apkLinked || alreadyDone(model, fact, '/etc/apk/cache');
  const heredocOrExec = run.form === 'exec' || model.text.startsWith('<<', run.commandStart);
  if (!heredocOrExec && flags.length) {
    if (fetching.some(i => i.manager === 'apt') && !aptKept) { prefix += KEEP_APT_DOWNLOADS; aptKept = true; }
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
