import type { Node } from 'yaml';
import { addBuildList } from './edits';
import { nodeEnd, nodeStart } from '../../../../common/analysis/composeModel';
import type { ComposeRule } from './types';
import { docsFor, type RuleFinding } from '../types';

const id = 'compose-missing-cache-from';

/** A built service with an image name but no `build.cache_from`: a fresh builder starts from scratch. */
export const composeMissingCacheFrom: ComposeRule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: 'A Compose service with `build:` and `image:` but no `build.cache_from`: after `docker builder prune` or on a fresh CI runner every build starts from scratch.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const s of model.services) {
      if (!s.build || !s.image || s.cacheFrom) continue;
      const edit = addBuildList(model, s, 'cache_from', [s.image.value]);
      const key = s.build.key as Node;
      findings.push({
        // a `build:` inherited through an anchor sits elsewhere: the service's own key names which service
        range: s.shared ? s.keyRange : { start: model.document.positionAt(nodeStart(key)), end: model.document.positionAt(nodeEnd(key)) },
        message:
          `Service "${s.name}" builds ${s.image.value} but has no build.cache_from: after \`docker builder prune\`, or on a fresh CI runner, ` +
          `every layer is built from scratch. \`cache_from: [${s.image.value}]\` lets the builder take the steps before a change from the pushed image, ` +
          `if the image carries cache metadata: build it with the build arg BUILDKIT_INLINE_CACHE=1 (final stage only), or export a registry cache ` +
          `with buildx (\`cache_to: [type=registry,ref=…,mode=max]\`, every stage) and name that in cache_from.` +
          (s.shared ? ` (No automatic fix: ${s.shared}, which other services share.)` : ''),
        related: [{ range: s.image.range, message: 'the image to take the cache from' }],
        fixes: edit ? [{ title: `Add cache_from: [${s.image.value}]`, preferred: true, edits: [edit] }] : [],
      });
    }
    return findings;
  },
};
