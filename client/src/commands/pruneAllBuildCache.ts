import * as vscode from 'vscode';
import { previewPrune, runPrune } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, plural, requireTrust } from '../views/cacheStats/actions';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete all unused build cache (`docker builder prune --all`). */
export async function pruneAllBuildCache(_ctx: CommandContext): Promise<void> {
  if (!requireTrust('Prune all unused build cache')) return;
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const plan = previewPrune(cacheStatsProvider().source, s.stats, { kind: 'all' });
  if (!plan.count) {
    void vscode.window.showInformationMessage('Cache Advisor: no unused build cache to prune.');
    return;
  }
  await confirmAndRun({
    question: `Delete all unused build cache: ${plural(plan.count, 'record')}, freeing ${formatBytes(plan.bytes)}?`,
    detail: `Frees about ${exactBytes(plan.bytes)}: every cached layer, cache mount and build context not in use. The next build of every image starts from scratch.`,
    confirm: 'Delete All',
    progress: 'pruning all unused build cache',
    run: () => runPrune(cacheStatsProvider().source, s.stats!, { kind: 'all' }),
    summary: r => `removed ${plural(r.deleted.length, 'build-cache record')}`,
  });
}
