import type { Property } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import type { InstructionFact, StageFact, DockerfileModel } from '../../../common/analysis/model';
import type { Manager } from '../../../common/analysis/packageManagers';
import { lineSpan, rangeOf } from './edits';
import { needsCacheMount, planMountFix, uncoveredTargets } from './mountFixes';
import { docsFor, type Rule, type RuleFinding } from './types';

const id = 'no-cache-env';

/** Variables that switch a package manager's cache off, whatever their value. */
const NO_CACHE_VARS: Record<string, Manager[]> = {
  PIP_NO_CACHE_DIR: ['pip', 'pipenv'],
  UV_NO_CACHE: ['uv'],
};

const descends = (model: DockerfileModel, stage: StageFact | undefined, ancestor: StageFact | undefined): boolean => {
  for (let s = stage; s; s = s.parent !== undefined ? model.stages[s.parent] : undefined) if (s === ancestor) return true;
  return false;
};

/** Edit that removes one variable from an ENV/ARG line, keeping the others and valid continuations. */
function removeProperty(model: DockerfileModel, fact: InstructionFact, props: Property[], i: number): TextEdit {
  const off = (p: Property, end: boolean) => model.document.offsetAt(end ? p.getRange().end : p.getRange().start);
  if (props.length === 1) {
    const span = lineSpan(model, fact, false);
    return { range: rangeOf(model, span.start, span.end), newText: '' };
  }
  if (i > 0) return { range: rangeOf(model, off(props[i - 1], true), off(props[i], true)), newText: '' };
  return { range: rangeOf(model, off(props[0], false), off(props[1], false)), newText: '' };
}

/** `ENV PIP_NO_CACHE_DIR=…` / `UV_NO_CACHE`: the cache is off for every later install in the stage. */
export const noCacheEnv: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`PIP_NO_CACHE_DIR` (any value, even 0 or false) or `UV_NO_CACHE` turns the download cache off for every later install.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const fact of model.instructions) {
      if (fact.keyword !== 'ENV' && fact.keyword !== 'ARG') continue;
      const props = (fact.node as unknown as { getProperties(): Property[] }).getProperties();
      props.forEach((prop, i) => {
        const managers = NO_CACHE_VARS[prop.getName()];
        if (!managers) return;
        // the installs this variable reaches: later RUNs of this stage and of stages built on it
        const affected = model.instructions.filter(
          r => r.index > fact.index && r.run && r.env.has(prop.getName()) && descends(model, r.stage, fact.stage),
        );
        const edits: TextEdit[] = [removeProperty(model, fact, props, i)];
        let blocker: string | undefined;
        const related = [];
        for (const r of affected) {
          const invs = r.run!.invocations.filter(inv => managers.includes(inv.manager) && needsCacheMount(r, inv) && uncoveredTargets(r, inv).length > 0);
          if (invs.length === 0) continue;
          related.push({ range: r.range, message: `${invs[0].manager} runs here without its cache` });
          const plan = planMountFix(model, r, invs);
          if (plan.blocker) blocker = plan.blocker;
          edits.push(...plan.edits);
        }
        findings.push({
          range: prop.getRange(),
          message:
            `${prop.getName()}=${prop.getValue() ?? ''} turns the ${managers[0]} download cache off for every later install` +
            (prop.getName() === 'PIP_NO_CACHE_DIR' ? ' (pip treats any value, even 0 or false, as "no cache")' : '') +
            `: each rebuild downloads every package again. Remove it and give the installs a cache mount instead; the image stays just as small.`,
          related,
          fixes: blocker
            ? []
            : [{ title: `Remove ${prop.getName()} and add cache mounts to the installs it affected`, preferred: true, edits }],
        });
      });
    }
    return findings;
  },
};
