import type { RuleContextOf, RuleOf } from '../types';
import type { CiModel } from '../../../../common/analysis/ciWorkflow';

export type CiRuleContext = RuleContextOf<CiModel>;

/** A rule over a CI workflow (GitHub Actions, GitLab CI): same metadata and findings as a Dockerfile rule, a different model. */
export type CiRule = RuleOf<CiModel>;
