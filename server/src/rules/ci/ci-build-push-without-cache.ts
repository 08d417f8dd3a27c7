import { registryCacheRef } from '../../../../common/analysis/imageRef';
import { addActionInputs } from './edits';
import type { CiRule } from './types';
import { docsFor, type Fix, type RuleFinding } from '../types';

const id = 'ci-build-push-without-cache';

/**
 * `docker/build-push-action` with neither `cache-from` nor `cache-to`: a CI runner starts with an
 * empty builder, so every run rebuilds every layer. The fix imports and exports a cache: the GitHub
 * Actions cache (`type=gha`), or a registry cache next to the image when the step pushes it.
 */
export const ciBuildPushWithoutCache: CiRule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`docker/build-push-action` without `cache-from`/`cache-to`: every workflow run starts with an empty builder cache and rebuilds every layer.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const b of model.builds) {
      if (b.kind !== 'action' || b.inputs['cache-from'] || b.inputs['cache-to']) continue;
      // a registry cache needs an image this step pushes to name it after; else the Actions cache
      const ref = b.pushes && b.image ? registryCacheRef(b.image) : undefined;
      const from = ref ? `type=registry,ref=${ref}` : 'type=gha';
      const to = ref ? `type=registry,ref=${ref},mode=max` : 'type=gha,mode=max';
      const edit = b.buildx ? addActionInputs(model, b, [['cache-from', from], ['cache-to', to]]) : undefined;
      const fixes: Fix[] = edit ? [{ title: `Add cache-from/cache-to (${ref ? `registry cache ${ref}` : 'GitHub Actions cache'})`, preferred: true, edits: [edit] }] : [];
      findings.push({
        range: b.range,
        message:
          `docker/build-push-action in job "${b.job}" has no cache-from or cache-to: each run starts on a fresh runner with an empty builder cache, ` +
          `so every layer is rebuilt. Add \`cache-from: ${from}\` and \`cache-to: ${to}\` under \`with:\`` +
          (ref ? ` (a registry cache next to the image this step pushes; mode=max keeps the layers of every stage).` : ` (the GitHub Actions cache; mode=max keeps the layers of every stage).`) +
          (!b.buildx ? ' No automatic fix: no `docker/setup-buildx-action` step comes before this one, and the default docker driver cannot export a cache (the build would fail); add that step first.' : '') +
          (b.shared ? ` (No automatic fix: ${b.shared}, which other steps share.)` : ''),
        fixes,
      });
    }
    return findings;
  },
};
