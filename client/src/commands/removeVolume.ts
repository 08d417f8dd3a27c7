import * as vscode from 'vscode';
import { type VolumeStat } from '../../../common/docker/cacheStats';
import { runRemoveVolume } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, requireTrust } from '../views/cacheStats/actions';
import { asRow } from '../views/cacheStats/rows';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete one volume no container uses: the row it was invoked on, or one picked from a list. */
export async function removeVolume(_ctx: CommandContext, arg?: unknown): Promise<void> {
  const row = asRow(arg);
  if (!requireTrust('Remove volume')) return;
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const stats = s.stats;
  let volume: VolumeStat | undefined = row?.volume && stats.volumes.items.find(v => v.name === row.volume!.name);
  if (row?.volume && !volume) {
    void vscode.window.showInformationMessage(`Cache Advisor: volume ${row.volume.name} is already gone.`);
    return;
  }
  if (!volume) {
    const picks = stats.volumes.items.filter(v => !v.inUse).map(v => ({ label: v.name, description: `${formatBytes(v.bytes)}${v.cache ? ' · cache' : ''}`, volume: v }));
    if (!picks.length) { void vscode.window.showInformationMessage('Cache Advisor: every volume is in use; nothing to remove.'); return; }
    volume = (await vscode.window.showQuickPick(picks, { title: 'Remove which unused volume?' }))?.volume;
    if (!volume) return;
  }
  if (volume.inUse) {
    void vscode.window.showWarningMessage(`Cache Advisor: volume ${volume.name} is used by ${volume.refCount} container(s); remove those containers first.`);
    return;
  }
  const v = volume;
  await confirmAndRun({
    question: `Delete volume "${v.name}", freeing ${formatBytes(Math.max(0, v.bytes))}?`,
    detail: `Its data (${exactBytes(Math.max(0, v.bytes))}${v.mountpoint ? ` in ${v.mountpoint}` : ''}) is deleted for good. No container uses it.`,
    confirm: 'Delete',
    progress: `removing volume ${v.name}`,
    run: () => runRemoveVolume(cacheStatsProvider().source, v.name, stats),
    summary: () => `removed volume ${v.name}`,
  });
}
