import { noCacheVarRemovals } from './noCacheEnvFix';
import { docsFor, type Rule, type RuleFinding } from './types';

const id = 'no-cache-env';

/** `ENV PIP_NO_CACHE_DIR=…` / `UV_NO_CACHE`: the cache is off for every later install in the stage. */
export const noCacheEnv: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`PIP_NO_CACHE_DIR` (any value, even 0 or false) or `UV_NO_CACHE` turns the download cache off for every later install.',
    docs: docsFor(id),
  },
  check({ model }) {
    return noCacheVarRemovals(model).map(({ prop, managers, related, edits, blocker }): RuleFinding => ({
      range: prop.getRange(),
      message:
        `${prop.getName()}=${prop.getValue() ?? ''} turns the ${managers[0]} download cache off for every later install` +
        (prop.getName() === 'PIP_NO_CACHE_DIR' ? ' (pip treats any value, even 0 or false, as "no cache")' : '') +
        `: each rebuild downloads every package again. Remove it and give the installs a cache mount instead; the image stays just as small.`,
      related: [...related],
      fixes: blocker
        ? []
        : [{ title: `Remove ${prop.getName()} and add cache mounts to the installs it affected`, preferred: true, edits: [...edits] }],
    }));
  },
};
