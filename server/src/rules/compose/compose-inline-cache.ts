import type { TextEdit } from 'vscode-languageserver-types';
import { addBuildList, removeEntry } from './edits';
import type { ComposeRule } from './types';
import { registryCacheRef } from '../../../../common/analysis/imageRef';
import { docsFor, type RuleFinding } from '../types';

const id = 'compose-inline-cache';

const TRUTHY = /^(1|true|yes|on)$/i;

/** `BUILDKIT_INLINE_CACHE: 1` in build args: the cache lives in the image, so pruning the builder does not clear it. */
export const composeInlineCache: ComposeRule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: '`BUILDKIT_INLINE_CACHE: 1` in Compose build args embeds cache metadata in the image: clearing the builder cache does not clear it, and it only records the final stage.',
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
            `BUILDKIT_INLINE_CACHE=1 embeds the cache metadata in the image itself: \`docker builder prune\` does not clear it, so a build that ` +
            `should start fresh keeps reusing old layers ("my changes don't show up"), and only the final stage is recorded. ` +
            `Prefer a registry cache: \`cache_to: ["type=registry,ref=${ref ?? '<registry>/<image>:buildcache'},mode=max"]\` with the same ref in \`cache_from\` (all stages, kept apart from the image).` +
            (s.shared ? ` (No automatic fix: ${s.shared}, which other services share.)` : ''),
          fixes: usable ? [{ title: `Use a registry cache (${ref}) instead of the inline cache`, preferred: false, edits }] : [],
        });
      }
    }
    return findings;
  },
};
