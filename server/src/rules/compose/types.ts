import type { CacheAdvisorSettings } from '../../../../common/settings';
import type { RuleFinding, RuleMeta } from '../types';
import type { ComposeModel } from '../../../../common/analysis/composeModel';

export interface ComposeRuleContext {
  readonly model: ComposeModel;
  readonly settings: CacheAdvisorSettings;
}

/** A rule over a Compose file: same metadata and findings as a Dockerfile rule, a different model. */
export interface ComposeRule {
  readonly meta: RuleMeta;
  check(ctx: ComposeRuleContext): RuleFinding[];
}
