import type { TextEdit } from 'vscode-languageserver-types';
import type { InstructionFact } from '../analysis/model';
import { unwrapCommand, type ShellCommand } from '../analysis/shell';
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

const commandsOf = (f: InstructionFact) => (f.run?.script.commands ?? []).map(c => ({ c, k: classify(c) }));

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
          const fix = next ? mergeFix(fact, next, c, updateText, cmds.length) : undefined;
          const install = next && commandsOf(next).find(x => x.k?.family === k.family && x.k.op === 'install')!.c;
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

    function mergeFix(fact: InstructionFact, next: InstructionFact, c: ShellCommand, updateText: string, count: number): Fix | undefined {
      const run = next.run!;
      if (!fact.user.root || !next.user.root || run.form === 'exec' || fact.run!.form === 'exec' || model.text.startsWith('<<', run.commandStart)) return undefined;
      const edits: TextEdit[] = [];
      if (count === 1 && !c.nested) {
        const span = lineSpan(model, fact);
        edits.push({ range: rangeOf(model, span.start, span.end), newText: '' });
      } else {
        // only the trailing update leaves its RUN; commands before it keep running where they are
        const cmds = fact.run!.script.commands;
        if (cmds[cmds.length - 1] !== c) return undefined;
        const edit = removeCommand(model, fact, c);
        if (!edit) return undefined;
        edits.push(edit);
      }
      const alreadyUpdates = commandsOf(next).some(x => x.k?.op === 'update');
      if (!alreadyUpdates) edits.push({ range: rangeOf(model, run.commandStart, run.commandStart), newText: `${updateText} && ` });
      return { title: `Merge \`${updateText}\` into the install on line ${lineNo(next)}`, preferred: true, edits };
    }
  },
};
