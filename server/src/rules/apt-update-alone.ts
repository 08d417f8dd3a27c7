import type { TextEdit } from 'vscode-languageserver-types';
import type { InstructionFact, RunFact } from '../../../common/analysis/model';
import { unwrapCommand, type ShellCommand } from '../../../common/analysis/shell';
import { lineNo, snippet } from './describe';
import { lineSpan, rangeOf } from './edits';
import { removeCommand } from './shellEdits';
import { docsFor, type Fix, type Rule, type RuleFinding } from './types';

const id = 'apt-update-alone';

type Family = 'apt' | 'apk' | 'yum';

/** What an OS package command does to the package index: refresh it, or install from it. */
function classify(c: ShellCommand): { family: Family; op: 'update' | 'install' } | undefined {
  const w = unwrapCommand(c.words).map(x => x.value ?? '');
  const tool = (w[0] ?? '').replace(/^.*\//, '');
  const verb = w.slice(1).find(x => !x.startsWith('-'));
  if (tool === 'apt-get' || tool === 'apt' || tool === 'aptitude') {
    if (verb === 'update') return { family: 'apt', op: 'update' };
    if (['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source', 'download'].includes(verb ?? '')) return { family: 'apt', op: 'install' };
  }
  if (tool === 'apk') {
    if (verb === 'update') return { family: 'apk', op: 'update' };
    if (verb === 'add' || verb === 'upgrade' || verb === 'fix') return { family: 'apk', op: 'install' };
  }
  if (tool === 'yum' || tool === 'dnf' || tool === 'microdnf' || tool === 'tdnf') {
    if (verb === 'makecache') return { family: 'yum', op: 'update' };
    if (['install', 'update', 'upgrade', 'groupinstall', 'reinstall', 'builddep'].includes(verb ?? '')) return { family: 'yum', op: 'install' };
  }
  return undefined;
}

/** apk options that make `apk add` fetch the package indexes itself. */
const INDEX_FLAGS = new Set(['--no-cache', '--update', '-U', '--update-cache']);
const fetchesIndex = (c: ShellCommand) => unwrapCommand(c.words).some(w => INDEX_FLAGS.has(w.value ?? ''));

type Classified = ReadonlyArray<{ readonly c: ShellCommand; readonly k: ReturnType<typeof classify> }>;
/** Each RUN's commands classified once (the rule looks ahead from every update; a RUN's facts outlive a version). */
const classified = new WeakMap<RunFact, Classified>();
function commandsOf(f: InstructionFact): Classified {
  if (!f.run) return [];
  let cmds = classified.get(f.run);
  if (!cmds) classified.set(f.run, (cmds = f.run.script.commands.map(c => ({ c, k: classify(c) }))));
  return cmds;
}

/** A package-index refresh with no install after it in the same RUN: its layer keeps stale lists. */
export const aptUpdateAlone: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`apt-get update` (or `apk update`, `yum makecache`) in a RUN with no install after it: the cached layer keeps stale package lists and later installs fail or install old versions.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const stage of model.stages) {
      const list = stage.instructions;
      list.forEach((fact, i) => {
        const cmds = commandsOf(fact);
        cmds.forEach(({ c, k }, ci) => {
          if (!k || k.op !== 'update') return;
          if (cmds.slice(ci + 1).some(x => x.k?.family === k.family && x.k.op === 'install')) return;
          const updateText = model.text.slice(c.start, c.end);
          const next = list.slice(i + 1).find(f => commandsOf(f).some(x => x.k?.family === k.family && x.k.op === 'install'));
          const install = next && commandsOf(next).find(x => x.k?.family === k.family && x.k.op === 'install')!.c;
          if (next && install && k.family === 'apk' && fetchesIndex(install)) {
            // `apk add --no-cache` / `--update` reads fresh indexes itself: the lone update is wasted, not stale
            const flag = unwrapCommand(install.words).find(w => INDEX_FLAGS.has(w.value ?? ''))!.text;
            const removal = removeUpdate(fact, c, cmds.length);
            findings.push({
              range: rangeOf(model, c.start, c.end),
              message: `\`${updateText}\` has no install after it in this RUN, and the install on line ${lineNo(next)} does not use what it downloads: ` +
                `\`apk add ${flag}\` fetches fresh indexes itself. The step only costs a download and a layer; remove it.`,
              related: [{ range: next.range, message: `fetches its own package indexes (${flag})` }],
              fixes: removal ? [{ title: `Remove \`${updateText}\``, preferred: true, edits: [removal] }] : [],
            });
            return;
          }
          const fix = next ? mergeFix(fact, next, c, updateText, cmds.length) : undefined;
          findings.push({
            range: rangeOf(model, c.start, c.end),
            message:
              `\`${updateText}\` has no install after it in this RUN: the layer caches the package lists, and ` +
              (next ? `\`${snippet(next, 40)}\` (line ${lineNo(next)}) reuses them when they are stale — old versions, or 404s once the mirror moves on. ` : 'later installs reuse them when they are stale — old versions, or 404s once the mirror moves on. ') +
              `Refresh the lists in the same RUN as the install: \`${updateText} && ${install ? model.text.slice(install.start, install.end).split(/\s+/).slice(0, 3).join(' ') : 'apt-get install'} …\`.` +
              (next && !fix ? ` (No automatic fix: ${fixBlocker(fact, next)}.)` : ''),
            related: next ? [{ range: next.range, message: 'installs from the package lists cached on line ' + lineNo(fact) }] : [],
            fixes: fix ? [fix] : [],
          });
        });
      });
    }
    return findings;

    function fixBlocker(fact: InstructionFact, next: InstructionFact): string {
      if (!next.user.root) return `line ${lineNo(next)} runs as USER ${next.user.name}`;
      if (next.run?.form === 'exec' || fact.run?.form === 'exec') return 'exec-form RUN';
      return 'the update cannot be moved out of its RUN safely';
    }

    /** Take the update out of its RUN: the whole line when it is the only command, else the command and its `&&`. */
    function removeUpdate(fact: InstructionFact, c: ShellCommand, count: number): TextEdit | undefined {
      if (fact.run!.form === 'exec') return undefined;
      if (count === 1 && !c.nested) {
        const span = lineSpan(model, fact);
        return { range: rangeOf(model, span.start, span.end), newText: '' };
      }
      return removeCommand(model, fact, c);
    }

    function mergeFix(fact: InstructionFact, next: InstructionFact, c: ShellCommand, updateText: string, count: number): Fix | undefined {
      const run = next.run!;
      if (!fact.user.root || !next.user.root || run.form === 'exec' || fact.run!.form === 'exec' || model.text.startsWith('<<', run.commandStart)) return undefined;
      const edits: TextEdit[] = [];
      // only a trailing update leaves its RUN; commands before it keep running where they are
      const cmds = fact.run!.script.commands;
      if (!(count === 1 && !c.nested) && cmds[cmds.length - 1] !== c) return undefined;
      const edit = removeUpdate(fact, c, count);
      if (!edit) return undefined;
      edits.push(edit);
      const alreadyUpdates = commandsOf(next).some(x => x.k?.op === 'update');
      if (!alreadyUpdates) edits.push({ range: rangeOf(model, run.commandStart, run.commandStart), newText: `${updateText} && ` });
      return { title: `Merge \`${updateText}\` into the install on line ${lineNo(next)}`, preferred: true, edits };
    }
  },
};
