import { copyBeforeInstall } from './copy-before-install';
import { missingCacheMount } from './missing-cache-mount';
import { noCacheEnv } from './no-cache-env';
import { pipNoCacheDir } from './pip-no-cache-dir';
import type { Rule } from './types';
import { copyBeforeDownload } from './copy-before-download';
import { argBustsCache } from './arg-busts-cache';
import { cacheMountWrongTarget } from './cache-mount-wrong-target';
import { cacheMountDefeated } from './cache-mount-defeated';
import { aptUpdateAlone } from './apt-update-alone';
import { missingDockerignore } from './missing-dockerignore';
import { heredocNeedsSyntax } from './heredoc-needs-syntax';
import { modelDownloadWithoutCache } from './model-download-without-cache';
import { downloadWithoutChecksum } from './download-without-checksum';
import { composeMissingCacheFrom } from './compose/compose-missing-cache-from';
import { composeInlineCache } from './compose/compose-inline-cache';
import { composeNoCacheEnv } from './compose/compose-no-cache-env';
import type { ComposeRule } from './compose/types';
import { ciBuildPushWithoutCache } from './ci/ci-build-push-without-cache';
import { ciDockerBuildWithoutCacheFrom } from './ci/ci-docker-build-without-cache-from';
import { ciInlineCacheMultistage } from './ci/ci-inline-cache-multistage';
import { ciNoCache } from './ci/ci-no-cache';
import type { CiRule } from './ci/types';

/** Every rule, in the order their findings and fixes are considered. */
export const RULES: readonly Rule[] = [
  copyBeforeInstall,
  noCacheEnv,
  pipNoCacheDir,
  missingCacheMount,
  copyBeforeDownload,
  argBustsCache,
  cacheMountWrongTarget,
  cacheMountDefeated,
  aptUpdateAlone,
  missingDockerignore,
  heredocNeedsSyntax,
  modelDownloadWithoutCache,
  downloadWithoutChecksum,
];

/** Rules over Compose files (docker-compose.yml, compose.yaml, *.compose.yaml). */
export const COMPOSE_RULES: readonly ComposeRule[] = [
  composeMissingCacheFrom,
  composeInlineCache,
  composeNoCacheEnv,
];

/** Rules over CI workflows (.github/workflows/*.yml, .gitlab-ci.yml). */
export const CI_RULES: readonly CiRule[] = [
  ciBuildPushWithoutCache,
  ciDockerBuildWithoutCacheFrom,
  ciInlineCacheMultistage,
  ciNoCache,
];

export const ruleById = (id: string): Rule | ComposeRule | CiRule | undefined =>
  RULES.find(r => r.meta.id === id) ?? COMPOSE_RULES.find(r => r.meta.id === id) ?? CI_RULES.find(r => r.meta.id === id);
