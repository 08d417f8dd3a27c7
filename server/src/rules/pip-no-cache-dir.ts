import { targetLabel } from '../../../common/analysis/cacheTargets';
import { commandText } from './describe';
import { rangeOf } from './edits';
import { needsCacheMount, uncoveredTargets } from '../../../common/analysis/cacheMountFacts';
import { planMountFix } from './mountFixes';
import { docsFor, type Rule, type RuleFinding } from './types';

const id = 'pip-no-cache-dir';

/** `pip install --no-cache-dir`: small image, but every rebuild downloads every package again. */
export const pipNoCacheDir: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`pip install --no-cache-dir` keeps the image small but throws the download cache away; a cache mount keeps both the small image and the cache.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const fact of model.instructions) {
      for (const inv of fact.run?.invocations ?? []) {
        if (inv.manager !== 'pip' && inv.manager !== 'uv') continue;
        // with a cache mount already in place this is cache-mount-defeated's business
        if (inv.noCacheWords.length === 0 || !needsCacheMount(fact, inv) || uncoveredTargets(fact, inv).length === 0) continue;
        const plan = planMountFix(model, fact, [inv]);
        const target = targetLabel(uncoveredTargets(fact, inv)[0]);
        for (const word of inv.noCacheWords) {
          findings.push({
            range: rangeOf(model, word.start, word.end),
            message:
              `\`${word.text}\` in \`${commandText(inv)}\` keeps the image small but re-downloads every package on every rebuild. ` +
              `A cache mount keeps both: \`RUN --mount=type=cache,target=${target} …\` stores the cache outside the image and reuses it.` +
              (plan.blocker ? ` No automatic fix: ${plan.blocker}.` : ''),
            fixes: plan.blocker ? [] : [{ title: `Replace ${word.text} with a cache mount on ${target}`, preferred: true, edits: plan.edits }],
          });
        }
      }
    }
    return findings;
  },
};
