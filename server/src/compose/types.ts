import type { CacheAdvisorSettings } from '../settings';
import type { RuleFinding, RuleMeta } from '../rules/types';
import type { ComposeModel } from './model';

export interface ComposeRuleContext {
  readonly model: ComposeModel;
  readonly settings: CacheAdvisorSettings;
}

/** A rule over a Compose file: same metadata and findings as a Dockerfile rule, a different model. */
export interface ComposeRule {
  readonly meta: RuleMeta;
  check(ctx: ComposeRuleContext): RuleFinding[];
}
