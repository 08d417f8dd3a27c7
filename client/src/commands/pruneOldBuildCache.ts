import * as vscode from 'vscode';
import type { BuildPruneSelection } from '../../../common/docker/prune';
import { previewPrune, runPrune } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, plural, requireTrust } from '../views/cacheStats/actions';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete build cache not used for N days (asks N, default 30). */
export async function pruneOldBuildCache(_ctx: CommandContext): Promise<void> {
  if (!requireTrust('Prune old build cache')) return;
  const answer = await vscode.window.showInputBox({
    title: 'Prune build cache older than…',
    prompt: 'Delete build cache not used for this many days',
    value: '30',
    validateInput: v => (/^\s*\d+\s*$/.test(v) && Number(v) > 0 ? undefined : 'A whole number of days, at least 1'),
  });
  if (answer === undefined) return;
  const days = Number(answer.trim());
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const sel: BuildPruneSelection = { kind: 'all', olderThanMs: days * 86400e3 };
  const plan = previewPrune(cacheStatsProvider().source, s.stats, sel);
  if (!plan.count) {
    void vscode.window.showInformationMessage(`Cache Advisor: no build cache unused for ${plural(days, 'day')}.`);
    return;
  }
  await confirmAndRun({
    question: `Delete ${plural(plan.count, 'build-cache record')} unused for ${plural(days, 'day')}, freeing ${formatBytes(plan.bytes)}?`,
    detail: `Frees about ${exactBytes(plan.bytes)}. Builds that need those steps run them again. Records used in the last ${plural(days, 'day')} and records in use are kept.`,
    confirm: 'Delete',
    progress: `pruning build cache older than ${plural(days, 'day')}`,
    run: () => runPrune(cacheStatsProvider().source, s.stats!, sel),
    summary: r => `removed ${plural(r.deleted.length, 'build-cache record')}`,
  });
}
