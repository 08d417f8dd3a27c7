import { removeEntry } from './edits';
import { noCacheManagers } from '../../../../common/analysis/noCache';
import type { ComposeRule } from './types';
import { docsFor, type RuleFinding } from '../types';

const id = 'compose-no-cache-env';


/**
 * `PIP_NO_CACHE_DIR` / `UV_NO_CACHE` in the build args of a service Compose builds. A service's
 * `environment:` is set when the container runs, after the image is built: it cannot touch the
 * layer cache or the installs in the Dockerfile, so it is not this rule's business.
 */
export const composeNoCacheEnv: ComposeRule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`PIP_NO_CACHE_DIR` (any value) or `UV_NO_CACHE` in the build args of a service that Compose builds turns the download cache off for the build.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const s of model.services) {
      if (!s.build) continue;
      for (const e of s.args) {
        const tool = noCacheManagers(e.name)?.[0];
        if (!tool) continue;
        const edit = removeEntry(model, s, e);
        findings.push({
          range: e.range,
          message:
            `${e.name} in the build args of service "${s.name}" turns the ${tool} download cache off` +
            (e.name === 'PIP_NO_CACHE_DIR' ? ' (pip treats any value, even 0 or false, as "no cache")' : '') +
            `: every build of an \`ARG ${e.name}\` Dockerfile downloads every package again. ` +
            `Remove it and give the Dockerfile's installs a cache mount (\`RUN --mount=type=cache,target=/root/.cache/${tool}\`) to keep the image small.`,
          fixes: edit ? [{ title: `Remove ${e.name} from build args`, preferred: true, edits: [edit] }] : [],
        });
      }
    }
    return findings;
  },
};
