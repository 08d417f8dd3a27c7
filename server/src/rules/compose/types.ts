import type { RuleContextOf, RuleOf } from '../types';
import type { ComposeModel } from '../../../../common/analysis/composeModel';

export type ComposeRuleContext = RuleContextOf<ComposeModel>;

/** A rule over a Compose file: same metadata and findings as a Dockerfile rule, a different model. */
export type ComposeRule = RuleOf<ComposeModel>;
