import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import type { PackageInvocation } from '../../../common/analysis/packageManagers';
import { targetLabel } from '../../../common/analysis/cacheTargets';
import { commandText, lineNo } from './describe';
import { rangeOf } from './edits';
import { inImageOf, needsCacheMount, uncoveredTargets, wrongTargetMounts } from '../../../common/analysis/cacheMountFacts';
import { planMountFix, type SetupSoFar } from './mountFixes';
import { docsFor, type Rule, type RuleFinding } from './types';
import type { TextEdit } from 'vscode-languageserver-types';

const id = 'missing-cache-mount';

const unmountedDeps = new WeakMap<DockerfileModel, InstructionFact[]>();

/** RUNs with a deps-only install that downloads into the image (no mount over its cache), found once per model. */
function depsInImage(model: DockerfileModel): InstructionFact[] {
  let list = unmountedDeps.get(model);
  if (!list) {
    list = model.instructions.filter(r => r.run?.invocations.some(e => e.action === 'install' && needsCacheMount(r, e) && uncoveredTargets(r, e).length > 0));
    unmountedDeps.set(model, list);
  }
  return list;
}

/**
 * A build whose dependencies an earlier deps-only step (`go mod download`, `dotnet restore`, `cargo fetch`,
 * `cargo chef cook`) already put into the image, without a mount — or an install that prefers that store
 * (`pnpm install --prefer-offline` after `pnpm fetch`): it downloads nothing, and a mount on its cache
 * would hide what the image holds. The earlier step carries the finding.
 */
function primedByImage(model: DockerfileModel, fact: InstructionFact, inv: PackageInvocation): boolean {
  if (inv.action !== 'build' && !inv.primedInstall) return false;
  return depsInImage(model).some(r => inImageOf(model, fact, r) && r.run!.invocations.some(e => e.manager === inv.manager && e.action === 'install' && needsCacheMount(r, e) && uncoveredTargets(r, e).length > 0));
}

/** The invocations of one RUN that want a cache mount they do not have, by package manager. */
function uncoveredByManager(model: DockerfileModel, fact: InstructionFact): Map<string, PackageInvocation[]> {
  const byManager = new Map<string, PackageInvocation[]>();
  // a mount meant for this cache but placed wrongly is cache-mount-wrong-target's finding, not a missing one
  const misplaced = wrongTargetMounts(fact).filter(w => w.problem === 'target');
  for (const inv of fact.run?.invocations ?? []) {
    if (!needsCacheMount(fact, inv) || uncoveredTargets(fact, inv).length === 0 || primedByImage(model, fact, inv)) continue;
    if (misplaced.some(w => w.invocation.manager === inv.manager)) continue;
    const list = byManager.get(inv.manager) ?? [];
    list.push(inv);
    byManager.set(inv.manager, list);
  }
  return byManager;
}

const targetsOf = (fact: InstructionFact, invs: readonly PackageInvocation[]) => [...new Set(invs.flatMap(i => uncoveredTargets(fact, i).map(targetLabel)))];

/** An install RUN with no BuildKit cache mount over its package manager's cache directory. */
export const missingCacheMount: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'An install step has no `RUN --mount=type=cache` over the package manager cache, so every rebuild downloads everything again.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    // OS package installs (apt, apk) are gathered per stage: one finding, one fix for all of them
    const osSteps = new Map<string, Array<{ fact: InstructionFact; manager: string; invs: PackageInvocation[] }>>();
    for (const fact of model.instructions) {
      if (!fact.run) continue;
      for (const [manager, invs] of uncoveredByManager(model, fact)) {
        const first = invs[0];
        if (first.os) {
          const key = `${fact.stage?.index ?? -1}:${fact.onbuild}`;
          const list = osSteps.get(key) ?? [];
          list.push({ fact, manager, invs });
          osSteps.set(key, list);
          continue;
        }
        const targets = targetsOf(fact, invs);
        const plan = planMountFix(model, fact, invs);
        const who = fact.user.root ? '' : ` for USER ${fact.user.name}`;
        findings.push({
          range: rangeOf(model, first.words[0].start, first.command.end),
          message:
            `\`${commandText(first)}\` has no cache mount for ${manager}'s cache (${targets.join(', ')})${who}: ` +
            `every rebuild of this step downloads everything again. Add ${plan.flags.length ? plan.flags.join(' ') : targets.map(t => `--mount=type=cache,target=${t}`).join(' ')} to the RUN.` +
            (plan.blocker ? ` No automatic fix: ${plan.blocker}.` : ''),
          fixes: plan.blocker || plan.flags.length === 0 ? [] : [{ title: `Add a cache mount for ${manager} (${targets.join(', ')})`, preferred: true, edits: plan.edits }],
        });
      }
    }
    for (const steps of osSteps.values()) findings.push(osFinding(steps));
    return findings;

    function osFinding(steps: Array<{ fact: InstructionFact; manager: string; invs: PackageInvocation[] }>): RuleFinding {
      const [head, ...rest] = steps;
      const first = head.invs[0];
      const managers = [...new Set(steps.map(s => s.manager))].join('/');
      const targets = [...new Set(steps.flatMap(s => targetsOf(s.fact, s.invs)))];
      const edits: TextEdit[] = [];
      let setup: SetupSoFar = {};
      let blocker: string | undefined;
      let flags: string[] = [];
      // RUNs appear once each, managers of one RUN together: one insertion per RUN
      const byRun = new Map<InstructionFact, PackageInvocation[]>();
      for (const s of steps) byRun.set(s.fact, [...(byRun.get(s.fact) ?? []), ...s.invs]);
      for (const [fact, invs] of byRun) {
        const plan = planMountFix(model, fact, invs, setup);
        blocker ??= plan.blocker && `line ${lineNo(fact)}: ${plan.blocker}`;
        if (fact === head.fact) flags = plan.flags;
        edits.push(...plan.edits);
        setup = { aptKept: plan.aptKept, apkLinked: plan.apkLinked };
      }
      const others = [...byRun.keys()].filter(f => f !== head.fact);
      return {
        range: rangeOf(model, first.words[0].start, first.command.end),
        message:
          `\`${commandText(first)}\` has no cache mount for ${managers}'s cache (${targets.join(', ')})` +
          (others.length ? `, and neither ${others.length === 1 ? 'does 1 more RUN' : `do ${others.length} more RUNs`} of this stage (line${others.length > 1 ? 's' : ''} ${others.map(lineNo).join(', ')})` : '') +
          `: every rebuild downloads the packages again. Add ${flags.length ? flags.join(' ') : targets.map(t => `--mount=type=cache,target=${t}`).join(' ')} to ${others.length ? 'each of these RUNs' : 'the RUN'} ` +
          // dnf and yum delete downloaded packages after installing unless keepcache is set: only the metadata stays
          (steps.some(s => s.manager === 'dnf')
            ? '(the repository metadata then survives between builds without growing the image; with keepcache=True in dnf.conf, or keepcache=1 in yum.conf, the packages do too).'
            : '(the downloaded packages then survive between builds without growing the image).') +
          (blocker ? ` No automatic fix: ${blocker}.` : ''),
        severity: 'information',
        related: rest.filter((s, i) => rest.findIndex(x => x.fact === s.fact) === i && s.fact !== head.fact)
          .map(s => ({ range: s.fact.range, message: `also installs ${s.manager} packages without a cache mount` })),
        fixes: blocker || edits.length === 0 ? [] : [{
          title: others.length ? `Add cache mounts for ${managers} to the ${others.length + 1} RUNs of this stage` : `Add a cache mount for ${managers} (${targets.join(', ')})`,
          preferred: true,
          edits,
        }],
      };
    }
  },
};
