import * as vscode from 'vscode';
import { clearKeepsDescription, type HostCacheStat } from '../../../common/docker/hostCaches';
import { clearHostCache as clear } from '../../../common/docker/prune';
import { confirmAndRun, exactBytes, freshSnapshot, requireTrust } from '../views/cacheStats/actions';
import { asRow } from '../views/cacheStats/rows';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Empty one host cache directory (pip, npm, …): the row it was invoked on, or one picked from a list. */
export async function clearHostCache(_ctx: CommandContext, arg?: unknown): Promise<void> {
  const row = asRow(arg);
  if (!requireTrust('Clear host cache')) return;
  const s = await freshSnapshot(false);
  if (!s) return;
  let cache: HostCacheStat | undefined = row?.hostCache && s.hostCaches.find(h => h.id === row.hostCache!.id);
  if (!cache) {
    const picks = s.hostCaches.map(h => ({ label: h.label, description: `${h.complete ? '' : '≥ '}${formatBytes(h.bytes)}`, detail: h.path, cache: h }));
    if (!picks.length) { void vscode.window.showInformationMessage('Cache Advisor: no host caches found.'); return; }
    cache = (await vscode.window.showQuickPick(picks, { title: 'Clear which cache on this machine?' }))?.cache;
    if (!cache) return;
  }
  const c = cache;
  const keeps = clearKeepsDescription(c.id);
  await confirmAndRun({
    question: keeps
      ? `Remove the downloads in the ${c.label} cache at ${c.path}, freeing up to ${formatBytes(c.bytes)}?`
      : `Empty the ${c.label} cache at ${c.path}, freeing ${c.complete ? '' : 'at least '}${formatBytes(c.bytes)}?`,
    detail: keeps
      ? `${keeps} ${c.label} downloads what it needs again.`
      : `Deletes ${c.files.toLocaleString('en-US')}${c.complete ? '' : '+'} files (${exactBytes(c.bytes)}) inside ${c.path}; the folder itself stays. ${c.label} downloads what it needs again.`,
    confirm: keeps ? 'Remove Downloads' : 'Empty Cache',
    progress: `clearing the ${c.label} cache`,
    run: () => clear(c.id),
    summary: () => keeps ? `removed the downloads in ${c.path}` : `emptied ${c.path}`,
  });
}
