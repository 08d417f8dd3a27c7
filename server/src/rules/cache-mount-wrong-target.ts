import { mountCovers, type CacheTarget } from '../../../common/analysis/cacheTargets';
import type { InstructionFact } from '../../../common/analysis/model';
import type { MountFact } from '../../../common/analysis/mounts';
import type { Manager, PackageInvocation } from '../../../common/analysis/packageManagers';
import { commandText } from './describe';
import { cacheMountsOf, needsCacheMount, targetsFor } from './mountFixes';
import { rewriteMount } from './shellEdits';
import { docsFor, type Rule, type RuleFinding } from './types';
import { trimTrailingSlashes } from '../../../common/analysis/text';

const id = 'cache-mount-wrong-target';

/** Mount targets that were evidently meant for a manager's cache (by the names people give them). */
const MEANT_FOR: Partial<Record<Manager, RegExp>> = {
  pip: /pip/, pipenv: /pip/, uv: /(^|\/)uv([-_/]|$)/, poetry: /poetry/, npm: /npm|_cacache/, yarn: /yarn/, pnpm: /pnpm/,
  cargo: /cargo|\/registry$/, maven: /\.m2|maven/, gradle: /gradle/, bundler: /bundle|gem/, gem: /gem/, composer: /composer/,
  nuget: /nuget/, conda: /conda|\/pkgs$/,
};
/** Go has two caches; tell them apart by name. */
const GO_KIND = (target: string) => (/go-build|gocache|go\/cache|build-cache/i.test(target) ? 'build' : /pkg\/mod|gomod|go-mod|modcache/i.test(target) ? 'mod' : undefined);

/** A mode that lets any user write (`mode=0777`, `1777`). */
const worldWritable = (m: MountFact) => m.mode !== undefined && /^0?[0-7]?7[0-7]7$/.test(m.mode) && (parseInt(m.mode, 8) & 0o002) !== 0;

export interface WrongTarget {
  readonly mount: MountFact;
  readonly invocation: PackageInvocation;
  /** Where the tool really keeps its cache. */
  readonly expected: CacheTarget;
  /** `target`: mounted elsewhere; `owner`: right place, but root-owned while a non-root USER runs the tool. */
  readonly problem: 'target' | 'owner';
}

/** Cache mounts of a RUN that miss their tool's cache directory, or that its non-root user cannot write. */
export function wrongTargetMounts(fact: InstructionFact): WrongTarget[] {
  const run = fact.run;
  if (!run) return [];
  // a mount whose target cannot be resolved may be the right one: judge none of them
  const { mounts: caches, unresolved } = cacheMountsOf(fact);
  if (caches.length === 0 || unresolved) return [];
  // `sudo pip …` runs as root whatever USER says: leave it alone
  const invs = run.invocations.filter(i => needsCacheMount(fact, i) && !i.os && i.command.words[0]?.value !== 'sudo');
  const expected = invs.flatMap(inv => targetsFor(fact, inv).filter(t => !t.unknown).map(t => ({ inv, t })));
  if (invs.some(inv => targetsFor(fact, inv).some(t => t.unknown))) return [];
  const out: WrongTarget[] = [];
  const used = new Set<MountFact>();
  for (const { inv, t } of expected) {
    const covering = caches.find(m => mountCovers(m.target!, t));
    if (covering) {
      if (!fact.user.root && covering.uid === undefined && !worldWritable(covering) && !used.has(covering)) {
        used.add(covering);
        out.push({ mount: covering, invocation: inv, expected: t, problem: 'owner' });
      }
      continue;
    }
    const re = MEANT_FOR[inv.manager];
    const candidate = caches.find(m => {
      if (used.has(m) || expected.some(e => mountCovers(m.target!, e.t))) return false;
      if (inv.manager === 'go') return GO_KIND(m.target!) !== undefined && GO_KIND(m.target!) === GO_KIND(t.target);
      return re !== undefined && re.test(m.target!.toLowerCase());
    });
    if (candidate) {
      used.add(candidate);
      out.push({ mount: candidate, invocation: inv, expected: t, problem: 'target' });
    }
  }
  return out;
}

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
