/**
 * Removing a no-cache variable (`ENV PIP_NO_CACHE_DIR=1`) and giving the installs it reached a cache
 * mount: the fix no-cache-env offers, and cache-mount-defeated offers for an install under a mount.
 */
import type { Property } from 'dockerfile-ast';
import type { TextEdit } from 'vscode-languageserver-types';
import type { InstructionFact, StageFact, DockerfileModel } from '../../../common/analysis/model';
import type { Manager } from '../../../common/analysis/packageManagers';
import { needsCacheMount, uncoveredTargets } from '../../../common/analysis/cacheMountFacts';
import { noCacheManagers } from '../../../common/analysis/noCache';
import { lineSpan, rangeOf } from './edits';
import { planMountFix } from './mountFixes';
import type { RelatedInfo } from './types';

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

/** One no-cache variable set by ENV/ARG, and the fix that removes it. */
export interface NoCacheVarRemoval {
  readonly fact: InstructionFact;
  readonly prop: Property;
  readonly managers: readonly Manager[];
  /** The RUNs whose installs run without their cache because of it. */
  readonly related: readonly RelatedInfo[];
  readonly edits: readonly TextEdit[];
  /** Why no safe fix could be built, when it could not. */
  readonly blocker?: string;
}

const removals = new WeakMap<DockerfileModel, NoCacheVarRemoval[]>();

/** Every no-cache variable an ENV/ARG sets, with its removal fix; computed once per model. */
export function noCacheVarRemovals(model: DockerfileModel): NoCacheVarRemoval[] {
  let list = removals.get(model);
  if (list) return list;
  list = [];
  for (const fact of model.instructions) {
    if (fact.keyword !== 'ENV' && fact.keyword !== 'ARG') continue;
    const props = (fact.node as unknown as { getProperties(): Property[] }).getProperties();
    props.forEach((prop, i) => {
      const managers = noCacheManagers(prop.getName());
      if (!managers) return;
      // the installs this variable reaches: later RUNs of this stage and of stages built on it
      const affected = model.instructions.filter(
        r => r.index > fact.index && r.run && r.env.has(prop.getName()) && descends(model, r.stage, fact.stage),
      );
      const edits: TextEdit[] = [removeProperty(model, fact, props, i)];
      let blocker: string | undefined;
      const related: RelatedInfo[] = [];
      for (const r of affected) {
        const invs = r.run!.invocations.filter(inv => managers.includes(inv.manager) && needsCacheMount(r, inv) && uncoveredTargets(r, inv).length > 0);
        if (invs.length === 0) continue;
        related.push({ range: r.range, message: `${invs[0].manager} runs here without its cache` });
        const plan = planMountFix(model, r, invs);
        if (plan.blocker) blocker = plan.blocker;
        edits.push(...plan.edits);
      }
      list!.push({ fact, prop, managers, related, edits, blocker });
    });
  }
  removals.set(model, list);
  return list;
}
