import { removeEntry } from '../compose/edits';
import type { ComposeRule } from '../compose/types';
import { docsFor, type RuleFinding } from './types';

const id = 'compose-no-cache-env';

const VARS: Record<string, string> = { PIP_NO_CACHE_DIR: 'pip', UV_NO_CACHE: 'uv' };

/** `PIP_NO_CACHE_DIR` / `UV_NO_CACHE` in the build args or environment of a service Compose builds. */
export const composeNoCacheEnv: ComposeRule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`PIP_NO_CACHE_DIR` (any value) or `UV_NO_CACHE` in the build args or environment of a service that Compose builds turns the download cache off.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const s of model.services) {
      if (!s.build) continue;
      for (const [where, list] of [['build args', s.args], ['environment', s.environment]] as const) {
        for (const e of list) {
          const tool = VARS[e.name];
          if (!tool) continue;
          const edit = removeEntry(model, s, e);
          findings.push({
            range: e.range,
            message:
              `${e.name} in the ${where} of service "${s.name}" turns the ${tool} download cache off` +
              (e.name === 'PIP_NO_CACHE_DIR' ? ' (pip treats any value, even 0 or false, as "no cache")' : '') +
              (where === 'build args' ? ': every build of an `ARG ' + e.name + '` Dockerfile downloads every package again. ' : ': every pip install in the container downloads everything again. ') +
              `Remove it and give the Dockerfile's installs a cache mount (\`RUN --mount=type=cache,target=/root/.cache/${tool}\`) to keep the image small.`,
            fixes: edit ? [{ title: `Remove ${e.name} from ${where}`, preferred: true, edits: [edit] }] : [],
          });
        }
      }
    }
    return findings;
  },
};
