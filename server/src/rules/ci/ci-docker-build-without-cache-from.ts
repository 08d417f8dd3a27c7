import type { CiRule } from './types';
import { docsFor, type RuleFinding } from '../types';

const id = 'ci-docker-build-without-cache-from';

/**
 * `docker build` in a `run:` or `script:` step with no `--cache-from`: the runner's builder is empty,
 * so nothing is reused. No fix: which registry holds a cache, and that it exists, is not in this file.
 */
export const ciDockerBuildWithoutCacheFrom: CiRule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: '`docker build` in a CI script with no `--cache-from`: a fresh runner has an empty builder cache, so every layer is rebuilt.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const b of model.builds) {
      if (b.kind !== 'command') continue;
      // --no-cache ignores any imported cache: ci-no-cache says so
      if (b.options.some(o => o.name === '--cache-from' || (o.name === '--no-cache' && o.value !== 'false'))) continue;
      const gha = model.flavour === 'github' ? ' (or `type=gha` for the GitHub Actions cache)' : '';
      findings.push({
        range: b.range,
        message:
          `docker build in job "${b.job}" has no --cache-from: a CI runner starts with an empty builder cache, so every layer is rebuilt on every run. ` +
          `Export a cache and import it on the next run: with buildx, \`--cache-to type=registry,ref=<image>:buildcache,mode=max\` and ` +
          `\`--cache-from type=registry,ref=<image>:buildcache\`${gha}. ` +
          'No automatic fix: nothing in this file shows an image or cache that exists to import from, nor a registry the job may push a cache to.',
      });
    }
    return findings;
  },
};
