import { wrongTargetMounts } from '../../../common/analysis/cacheMountFacts';
import { commandText } from './describe';
import { rewriteMount } from './shellEdits';
import { docsFor, type Rule, type RuleFinding } from './types';
import { trimTrailingSlashes } from '../../../common/analysis/text';

const id = 'cache-mount-wrong-target';

/** A cache mount that is not where the tool writes (other user's home, ignored *_CACHE_DIR), or that the RUN's user cannot write. */
export const cacheMountWrongTarget: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'A cache mount whose target is not where the package manager writes (another user\'s home, or a cache directory moved by ENV), or that the non-root USER cannot write.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const fact of model.instructions) {
      for (const w of wrongTargetMounts(fact)) {
        const user = fact.user;
        const known = user.root || user.uid !== undefined;
        const ids: Record<string, string> = {};
        if (!user.root && user.uid !== undefined && w.mount.uid === undefined) {
          ids.uid = String(user.uid);
          if (user.gid !== undefined && w.mount.gid === undefined) ids.gid = String(user.gid);
        }
        const cmd = `\`${commandText(w.invocation)}\``;
        let message: string;
        let title: string;
        let set: Record<string, string>;
        if (w.problem === 'target') {
          const xdg = fact.env.get('XDG_CACHE_HOME');
          const fromEnv = w.expected.fromEnv ?? (xdg && w.expected.target.startsWith(trimTrailingSlashes(xdg) + '/') ? 'XDG_CACHE_HOME' : undefined);
          const why = fromEnv
            ? `${fromEnv} in scope puts ${w.invocation.manager}'s cache at ${w.expected.target}`
            : !user.root
              ? `it runs as USER ${user.name}, whose ${w.invocation.manager} cache is ${w.expected.target}${w.mount.uid === undefined ? ' (and a cache mount is owned by root unless uid= is given)' : ''}`
              : `${w.invocation.manager} keeps its cache in ${w.expected.target}`;
          message = `The cache mount on ${w.mount.target} is not where ${cmd} writes: ${why}. The mount stays empty and every build downloads everything again.`;
          set = { target: w.expected.target, ...ids };
          title = `Retarget the cache mount to ${w.expected.target}${ids.uid ? ` (uid=${ids.uid})` : ''}`;
        } else {
          message = `The cache mount on ${w.mount.target} is owned by root, but ${cmd} runs as USER ${user.name}: it cannot write the cache ` +
            `(pip and uv silently skip it, npm fails with EACCES). Add uid=/gid= for ${user.name} to the mount.`;
          set = ids;
          title = `Give the cache mount to ${user.name} (uid=${ids.uid ?? '?'})`;
        }
        const fixable = known && Object.keys(set).length > 0;
        findings.push({
          range: w.mount.range,
          message: message + (fixable ? '' : ` No automatic fix: the uid of USER ${user.name} is not known from this Dockerfile.`),
          related: [{ range: { start: model.document.positionAt(w.invocation.command.start), end: model.document.positionAt(w.invocation.command.end) }, message: `${w.invocation.manager} writes its cache to ${w.expected.target}` }],
          fixes: fixable ? [{ title, preferred: true, edits: [rewriteMount(model, w.mount, set)] }] : [],
        });
      }
    }
    return findings;
  },
};
