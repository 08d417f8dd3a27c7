import { fetchesPackages, type PackageInvocation } from '../analysis/packageManagers';
import { commandText } from './describe';
import { rangeOf } from './edits';
import { wrongTargetMounts } from './cache-mount-wrong-target';
import { planMountFix, uncoveredTargets } from './mountFixes';
import { docsFor, type Rule, type RuleFinding } from './types';

const id = 'missing-cache-mount';

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
    for (const fact of model.instructions) {
      if (!fact.run) continue;
      // one finding per package manager per RUN
      const byManager = new Map<string, PackageInvocation[]>();
      // a mount meant for this cache but placed wrongly is cache-mount-wrong-target's finding, not a missing one
      const misplaced = wrongTargetMounts(fact).filter(w => w.problem === 'target');
      for (const inv of fact.run.invocations) {
        if (!fetchesPackages(inv) || uncoveredTargets(fact, inv).length === 0) continue;
        if (misplaced.some(w => w.invocation.manager === inv.manager)) continue;
        const list = byManager.get(inv.manager) ?? [];
        list.push(inv);
        byManager.set(inv.manager, list);
      }
      for (const [manager, invs] of byManager) {
        const first = invs[0];
        const targets = [...new Set(invs.flatMap(i => uncoveredTargets(fact, i).map(t => t.target)))];
        const plan = planMountFix(model, fact, invs);
        const who = fact.user.root ? '' : ` for USER ${fact.user.name}`;
        const message =
          `\`${commandText(first)}\` has no cache mount for ${manager}'s cache (${targets.join(', ')})${who}: ` +
          `every rebuild of this step downloads everything again. Add ${plan.flags.length ? plan.flags.join(' ') : targets.map(t => `--mount=type=cache,target=${t}`).join(' ')} to the RUN` +
          (first.os ? ' (the downloaded packages then survive between builds without growing the image).' : '.') +
          (plan.blocker ? ` No automatic fix: ${plan.blocker}.` : '');
        findings.push({
          range: rangeOf(model, first.words[0].start, first.command.end),
          message,
          severity: first.os ? 'information' : undefined,
          fixes: plan.blocker || plan.flags.length === 0 ? [] : [{ title: `Add a cache mount for ${manager} (${targets.join(', ')})`, preferred: true, edits: plan.edits }],
        });
      }
    }
    return findings;
  },
};
