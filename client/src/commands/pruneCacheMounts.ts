import { previewPrune, runPrune } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, plural, requireTrust } from '../views/cacheStats/actions';
import * as vscode from 'vscode';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete every unused `RUN --mount=type=cache` record; layers stay cached. */
export async function pruneCacheMounts(_ctx: CommandContext): Promise<void> {
  if (!requireTrust('Prune cache mounts')) return;
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const plan = previewPrune(cacheStatsProvider().source, s.stats, { kind: 'cacheMounts' });
  if (!plan.count) {
    void vscode.window.showInformationMessage('Cache Advisor: no unused cache mounts to prune.');
    return;
  }
  const targets = [...new Set(plan.ids.map(id => s.stats!.cacheMounts.find(m => m.id === id)?.target ?? id))];
  await confirmAndRun({
    question: `Delete ${plural(plan.count, 'build-cache mount')}, freeing ${formatBytes(plan.bytes)}?`,
    detail: `Deletes the contents of ${targets.slice(0, 8).join(', ')}${targets.length > 8 ? ` and ${targets.length - 8} more` : ''} (${exactBytes(plan.bytes)}). ` +
      'The next build downloads those packages again; image layers stay cached and mounts in use are kept.',
    confirm: 'Delete',
    progress: 'pruning cache mounts',
    run: () => runPrune(cacheStatsProvider().source, s.stats!, { kind: 'cacheMounts' }),
    summary: r => `removed ${plural(r.deleted.length, 'cache mount')}`,
  });
}
