import type { TextEdit } from 'vscode-languageserver-types';
import { addBuildList, removeEntry } from './edits';
import type { ComposeRule } from './types';
import { registryCacheRef } from '../../../../common/analysis/imageRef';
import { docsFor, type RuleFinding } from '../types';

const id = 'compose-inline-cache';

const TRUTHY = /^(1|true|yes|on)$/i;

/**
 * `BUILDKIT_INLINE_CACHE: 1` in build args: the cache lives in the pushed image, so pruning the builder
 * does not clear it, and it holds the final stage only (test/docker/registryCache.test.ts shows both).
 */
export const composeInlineCache: ComposeRule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: '`BUILDKIT_INLINE_CACHE: 1` in Compose build args puts the cache in the pushed image: pruning the builder cache does not clear it, and it holds the final stage only, so builder stages run again.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const s of model.services) {
      for (const e of s.args) {
        if (e.name !== 'BUILDKIT_INLINE_CACHE' || !TRUTHY.test(e.value ?? '')) continue;
        const ref = s.image ? registryCacheRef(s.image.value) : undefined;
        // the fix needs an image to name the cache after, and no cache_to of the user's own to overrule
        const removal = removeEntry(model, s, e);
        const to = ref && !s.cacheTo ? addBuildList(model, s, 'cache_to', [`type=registry,ref=${ref},mode=max`]) : undefined;
        const from = ref && !s.cacheFrom ? addBuildList(model, s, 'cache_from', [`type=registry,ref=${ref}`]) : undefined;
        const edits: TextEdit[] = [];
        if (removal && to) {
          // both keys land after the last entry of build: one insertion keeps their order
          edits.push(removal, { range: to.range, newText: to.newText + (from?.newText ?? '') });
        }
        const usable = edits.length > 0;
        findings.push({
          range: e.range,
          message:
            `BUILDKIT_INLINE_CACHE=1 puts the cache metadata in the pushed image itself: a build with that image in cache_from takes the steps ` +
            `before a change from the registry even after \`docker builder prune\`, so pruning the builder does not start it fresh. ` +
            `It holds the final stage only: when a change reaches a builder stage, that stage's steps before the change run again. ` +
            `Prefer a registry cache exported by buildx with mode=max, which records the builder stages too: ` +
            `\`cache_to: ["type=registry,ref=${ref ?? '<registry>/<image>:buildcache'},mode=max"]\` with the same ref in \`cache_from\` (kept apart from the image).` +
            (s.shared ? ` (No automatic fix: ${s.shared}, which other services share.)` : ''),
          fixes: usable ? [{ title: `Use a registry cache (${ref}) instead of the inline cache`, preferred: false, edits }] : [],
        });
      }
    }
    return findings;
  },
};
