import * as vscode from 'vscode';
import { runRemoveDangling } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, plural, requireTrust } from '../views/cacheStats/actions';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete untagged images no container uses (`docker image prune`). */
export async function removeDanglingImages(_ctx: CommandContext): Promise<void> {
  if (!requireTrust('Remove dangling images')) return;
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const d = s.stats.images.dangling;
  if (!d.count) {
    void vscode.window.showInformationMessage('Cache Advisor: no dangling images.');
    return;
  }
  await confirmAndRun({
    question: `Delete ${plural(d.count, 'dangling image')}, freeing ${formatBytes(d.bytes)}?`,
    detail: `Untagged images left behind by rebuilds (${exactBytes(d.bytes)} not shared with other images). Images used by containers are kept.`,
    confirm: 'Delete',
    progress: 'removing dangling images',
    run: () => runRemoveDangling(cacheStatsProvider().source),
    summary: r => `removed ${plural(r.deleted.length, 'image layer or tag', 'image layers and tags')}`,
  });
}
