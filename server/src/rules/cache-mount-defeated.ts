import type { Range } from 'vscode-languageserver-types';
import { cacheTargets, mountCovers } from '../../../common/analysis/cacheTargets';
import type { InstructionFact } from '../../../common/analysis/model';
import { covers, resolvePath, type MountFact } from '../../../common/analysis/mounts';
import { fetchesPackages, type PackageInvocation } from '../../../common/analysis/packageManagers';
import { unwrapCommand, type ShellCommand, type ShellWord } from '../../../common/analysis/shell';
import { commandText, lineNo } from './describe';
import { rangeOf, removeWord } from './edits';
import { cacheMountsOf, targetsFor } from '../../../common/analysis/cacheMountFacts';
import { cacheCleanCommand, dockerCleanHandled, KEEP_APT_DOWNLOADS, NO_CACHE_VARS, noCacheManagers } from '../../../common/analysis/noCache';
import { noCacheVarRemovals } from './noCacheEnvFix';
import { removeCommand, rewriteMount } from './shellEdits';
import { docsFor, type Fix, type Rule, type RuleContext, type RuleFinding } from './types';
import { cutAtFirst } from '../../../common/analysis/text';

const id = 'cache-mount-defeated';

const mountCovering = (mounts: readonly MountFact[], path: string) => mounts.find(m => covers(m.target!, path));

/** Everything in one RUN that throws away what its cache mounts keep. */
function defeats(ctx: RuleContext, fact: InstructionFact): RuleFinding[] {
  const { model } = ctx;
  const run = fact.run!;
  const caches = cacheMountsOf(fact).mounts;
  if (caches.length === 0) return [];
  const out: RuleFinding[] = [];
  const range = (s: number, e: number): Range => rangeOf(model, s, e);
  const mounted = (inv: PackageInvocation) => targetsFor(fact, inv).map(t => caches.find(c => mountCovers(c.target!, t))).find(Boolean);
  const wordFix = (title: string, w: ShellWord): Fix[] => [{ title, preferred: true, edits: [removeWord(model, fact, w)] }];
  const commandFix = (title: string, c: ShellCommand): Fix[] => {
    const edit = removeCommand(model, fact, c);
    return edit ? [{ title, preferred: true, edits: [edit] }] : [];
  };

  let aptCleanReported = false;
  for (const inv of run.invocations) {
    const m = inv.manager === 'apk' ? caches.find(x => covers(x.target!, '/var/cache/apk') || covers(x.target!, '/etc/apk/cache')) : mounted(inv);
    if (!m) continue;
    // --no-cache-dir, uv --no-cache, apk add --no-cache
    for (const w of inv.noCacheWords) {
      out.push({
        range: range(w.start, w.end),
        message: `\`${w.text}\` makes ${inv.manager} skip its cache, so the cache mount on ${m.target} is never used and every build downloads again. ` +
          `With a cache mount the flag is not needed to keep the image small: the cache lives outside the image.`,
        fixes: wordFix(`Remove ${w.text}`, w),
      });
    }
    // PIP_NO_CACHE_DIR=1 pip install … / env UV_NO_CACHE=1 uv …
    const inline = [
      ...inv.command.assigns.filter(a => noCacheManagers(a.name)?.includes(inv.manager)).map(a => ({ text: model.text.slice(a.start, a.end), value: undefined, start: a.start, end: a.end, name: a.name })),
      ...inv.command.words.filter(w => w.start < inv.words[0].start && Object.keys(NO_CACHE_VARS).some(n => NO_CACHE_VARS[n].includes(inv.manager) && (w.value ?? '').startsWith(n + '=')))
        .map(w => ({ ...w, name: (w.value ?? '').split('=')[0] })),
    ];
    for (const a of inline) {
      out.push({
        range: range(a.start, a.end),
        message: `${a.name} turns ${inv.manager}'s cache off (any value counts), so the cache mount on ${m.target} is never used. Remove it.`,
        fixes: wordFix(`Remove ${a.name}`, a),
      });
    }
    // PIP_NO_CACHE_DIR / UV_NO_CACHE from ENV or ARG
    if (inline.length === 0) {
      for (const [name, managers] of Object.entries(NO_CACHE_VARS)) {
        if (!managers.includes(inv.manager) || !fact.env.get(name)) continue;
        const decl = [...model.instructions].reverse().find(i => i.index < fact.index && (i.keyword === 'ENV' || i.keyword === 'ARG') &&
          ((i.node as unknown as { getProperties?: () => Array<{ getName(): string }> }).getProperties?.() ?? []).some(p => p.getName() === name));
        const declProp = decl && (decl.node as unknown as { getProperties(): Array<{ getName(): string; getRange(): Range }> }).getProperties().find(p => p.getName() === name);
        const removal = declProp && noCacheVarRemovals(model).find(r => r.prop.getRange().start.line === declProp.getRange().start.line && r.prop.getRange().start.character === declProp.getRange().start.character);
        out.push({
          range: range(inv.words[0].start, inv.command.end),
          message: `${name}${decl ? ` (set on line ${lineNo(decl)})` : ''} turns ${inv.manager}'s cache off, so the cache mount on ${m.target} is never used and \`${commandText(inv)}\` downloads everything again. Remove the variable.`,
          related: decl ? [{ range: declProp?.getRange() ?? decl.range, message: `${name} is set here` }] : [],
          fixes: removal && !removal.blocker ? [{ title: `Remove ${name} (line ${lineNo(decl!)})`, preferred: true, edits: [...removal.edits] }] : [],
        });
      }
    }
    // npm cache clean, yarn cache clean, apt-get clean, apk cache clean, conda clean in the same RUN
    if (inv.action === 'clean' && (inv.manager !== 'apt' || mountCovering(caches, '/var/cache/apt/archives'))) {
      out.push({
        range: range(inv.words[0].start, inv.command.end),
        message: `\`${commandText(inv)}\` empties the ${inv.manager} cache that the mount on ${m.target} is there to keep. With a cache mount it does not shrink the image either: remove it.`,
        fixes: commandFix(`Remove \`${commandText(inv, 30)}\``, inv.command),
      });
    }
    // docker-clean deletes downloaded .debs after every install, mount or not
    if (inv.manager === 'apt' && fetchesPackages(inv) && !aptCleanReported && covers(m.target!, '/var/cache/apt/archives') && !dockerCleanHandled(model, fact)) {
      aptCleanReported = true;
      const plain = run.form === 'shell' && !model.text.startsWith('<<', run.commandStart);
      const at = run.commandStart;
      out.push({
        range: range(inv.words[0].start, inv.command.end),
        message: `Debian and Ubuntu images ship /etc/apt/apt.conf.d/docker-clean, which deletes every downloaded package after \`${commandText(inv)}\`: ` +
          `the cache mount on ${m.target} stays empty. Remove docker-clean and keep downloaded packages in this RUN.`,
        fixes: plain ? [{ title: 'Disable docker-clean and keep downloaded packages', preferred: true, edits: [{ range: range(at, at), newText: KEEP_APT_DOWNLOADS }] }] : [],
      });
    }
  }

  // clean commands the package-manager table does not know
  for (const c of run.script.commands) {
    const clean = cacheCleanCommand(c);
    if (!clean) continue;
    let targets = cacheTargets(clean.manager, 'build', fact.env, fact.user);
    // go: [module cache, build cache]
    if (clean.manager === 'go') targets = clean.which === 'mod' ? targets.slice(0, 1) : targets.slice(1);
    const m = targets.map(t => mountCovering(caches, t.target)).find(Boolean);
    if (!m) continue;
    const text = c.words.map(w => w.text).join(' ');
    out.push({
      range: range(c.start, c.end),
      message: `\`${text}\` empties the ${clean.manager} cache that the mount on ${m.target} is there to keep. With a cache mount it does not shrink the image either: remove it.`,
      fixes: commandFix(`Remove \`${text.slice(0, 30)}\``, c),
    });
  }

  // rm -rf of a mounted cache directory (or of a folder above it)
  for (const c of run.script.commands) {
    const words = unwrapCommand(c.words);
    if (words[0]?.value?.replace(/^.*\//, '') !== 'rm') continue;
    const args = words.slice(1).filter(w => !(w.value ?? w.text).startsWith('-'));
    const hits = args.map(w => ({ w, m: rmTarget(fact, w, caches) })).filter((x): x is { w: ShellWord; m: MountFact } => x.m !== undefined);
    for (const { w, m } of hits) {
      const alone = hits.length === args.length;
      out.push({
        range: range(w.start, w.end),
        message: `\`rm ${w.text}\` deletes what the cache mount on ${m.target} keeps for the next build. Files in a cache mount never reach the image, so there is nothing to clean up: remove it.`,
        fixes: alone ? commandFix(`Remove \`rm … ${w.text}\``, c) : wordFix(`Stop removing ${w.text}`, w),
      });
      if (alone) break; // one fix per rm command
    }
  }

  // apt's lock cannot be shared between concurrent builds
  if (run.invocations.some(i => i.manager === 'apt')) {
    for (const m of caches) {
      if (!(covers('/var/cache/apt', m.target!) || covers('/var/lib/apt', m.target!) || covers(m.target!, '/var/cache/apt') || covers(m.target!, '/var/lib/apt'))) continue;
      if (m.sharing === 'locked' || m.sharing === 'private') continue;
      out.push({
        range: m.range,
        message: `The apt cache mount on ${m.target} is shared between concurrent builds${m.sharing ? '' : ' (sharing=shared is the default)'}; apt takes a lock in it and two builds at once fail or corrupt it. Add sharing=locked.`,
        fixes: [{ title: 'Add sharing=locked', preferred: true, edits: [rewriteMount(model, m, { sharing: 'locked' })] }],
      });
    }
  }
  return out;
}

/** The cache mount an `rm` argument deletes into, if any. */
function rmTarget(fact: InstructionFact, w: ShellWord, caches: readonly MountFact[]): MountFact | undefined {
  let p = w.value ?? w.text.replace(/\$\{?HOME\}?/g, fact.env.get('HOME') ?? fact.user.home).replace(/^["']|["']$/g, '');
  if (p.includes('$')) return undefined;
  p = p.replace(/^~(?=\/|$)/, fact.user.home);
  p = cutAtFirst(p.replace(/\/\*+$/, ''), '*');
  if (!p || p === '/') return undefined;
  const abs = resolvePath(fact.workdir, p);
  return caches.find(m => covers(m.target!, abs) || covers(abs, m.target!));
}

/** A RUN with the right cache mount that throws the cache away anyway. */
export const cacheMountDefeated: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'A RUN has the right cache mount but throws the cache away: --no-cache-dir, PIP_NO_CACHE_DIR, npm/yarn cache clean, rm -rf of the mounted dir, apt docker-clean, apt mounts without sharing=locked, apk --no-cache.',
    docs: docsFor(id),
  },
  check(ctx) {
    return ctx.model.instructions.filter(f => f.run).flatMap(f => defeats(ctx, f));
  },
};
