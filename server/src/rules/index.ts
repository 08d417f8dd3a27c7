import { copyBeforeInstall } from './copy-before-install';
import { missingCacheMount } from './missing-cache-mount';
import { noCacheEnv } from './no-cache-env';
import { pipNoCacheDir } from './pip-no-cache-dir';
import type { Rule } from './types';

/** Every rule, in the order their findings and fixes are considered. */
export const RULES: readonly Rule[] = [
  copyBeforeInstall,
  noCacheEnv,
  pipNoCacheDir,
  missingCacheMount,
];

export const ruleById = (id: string): Rule | undefined => RULES.find(r => r.meta.id === id);
