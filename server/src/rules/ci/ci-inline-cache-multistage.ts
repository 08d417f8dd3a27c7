import type { CiBuild } from '../../../../common/analysis/ciWorkflow';
import type { DockerfileShape } from '../../../../common/analysis/workspace';
import type { CiRule } from './types';
import { docsFor, type RuleFinding } from '../types';

const id = 'ci-inline-cache-multistage';

const TRUTHY = /^(1|true|yes|on)$/i;

/** Where a build asks for an inline cache: `BUILDKIT_INLINE_CACHE=1` as a build arg, or `cache-to: type=inline`. */
function inlineCacheAt(b: CiBuild): { start: number; end: number; what: string } | undefined {
  const arg = b.buildArgs.find(a => a.name === 'BUILDKIT_INLINE_CACHE' && TRUTHY.test(a.value ?? ''));
  if (arg) return { start: arg.start, end: arg.end, what: 'BUILDKIT_INLINE_CACHE=1' };
  if (b.kind === 'action') {
    const to = b.inputs['cache-to'];
    return to && /(^|,)\s*type=inline\s*(,|$)/.test(to.value) ? { start: to.start, end: to.end, what: 'cache-to: type=inline' } : undefined;
  }
  const to = b.options.find(o => o.name === '--cache-to' && o.value !== undefined && /(^|,)type=inline(,|$)/.test(o.value));
  return to ? { start: to.word.start, end: (to.valueWord ?? to.word).end, what: '--cache-to type=inline' } : undefined;
}

/** Names of the stages the built target does not build on: their layers are not in the image, so not in its inline cache. */
function stagesLeftOut(shape: DockerfileShape, target: string | undefined): string[] | undefined {
  const stages = shape.stages;
  if (stages.length < 2) return [];
  const t = target === undefined ? stages.length - 1 : stages.findIndex(s => s.name?.toLowerCase() === target.toLowerCase());
  if (t < 0) return undefined;
  const chain = new Set<number>();
  for (let i: number | undefined = t; i !== undefined && !chain.has(i); i = stages[i].parent) chain.add(i);
  // stages after the target are not built at all
  return stages.flatMap((s, i) => (i < t && !chain.has(i) ? [s.name ?? `#${i}`] : []));
}

/**
 * An inline cache with a multi-stage Dockerfile: the cache metadata lives in the pushed image and
 * covers only the layers of that image (mode=min), so the builder stages are rebuilt on every fresh
 * runner. Needs the Dockerfile's stages (workspace facts); no finding when it could not be read.
 */
export const ciInlineCacheMultistage: CiRule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'An inline cache (`BUILDKIT_INLINE_CACHE=1`, `type=inline`) on a multi-stage build: it holds only the final stage\'s layers (mode=min), so the other stages are rebuilt on every fresh runner.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    const findings: RuleFinding[] = [];
    for (const b of model.builds) {
      const at = inlineCacheAt(b);
      const shape = b.dockerfile ? workspace.dockerfiles?.[b.dockerfile] : undefined;
      if (!at || !shape) continue;
      const left = stagesLeftOut(shape, b.target);
      if (!left || left.length === 0) continue;
      const ref = b.kind === 'action' && b.image ? `${b.image}:buildcache` : '<image>:buildcache';
      findings.push({
        range: { start: model.document.positionAt(at.start), end: model.document.positionAt(at.end) },
        message:
          `${at.what} with ${b.dockerfile}, a multi-stage Dockerfile: the inline cache is written into the image and holds only the layers of the stage that ` +
          `becomes the image (mode=min), so stage${left.length > 1 ? 's' : ''} ${left.join(', ')} ${left.length > 1 ? 'are' : 'is'} rebuilt on every fresh runner even when the image is imported. ` +
          `Export every stage with buildx instead: \`--cache-to type=registry,ref=${ref},mode=max\` and \`--cache-from type=registry,ref=${ref}\`` +
          (b.kind === 'action' ? ' (build-push-action: `cache-to`/`cache-from` inputs).' : '.'),
      });
    }
    return findings;
  },
};
