import * as vscode from 'vscode';
import { typeLabel, type BuildCacheRecord } from '../../../common/docker/cacheStats';
import { runPrune } from '../views/cacheStats/engineOps';
import { cacheStatsProvider } from '../views/cacheStats';
import { confirmAndRun, exactBytes, freshSnapshot, requireTrust } from '../views/cacheStats/actions';
import { asRow } from '../views/cacheStats/rows';
import type { CommandContext } from './index';
import { formatBytes } from '../../../common/format';

/** Delete one build-cache record: the row it was invoked on, or one picked from a list. */
export async function removeCacheRecord(_ctx: CommandContext, arg?: unknown): Promise<void> {
  const row = asRow(arg);
  if (!requireTrust('Remove cache record')) return;
  const s = await freshSnapshot();
  if (!s?.stats) return;
  const stats = s.stats;
  let record: BuildCacheRecord | undefined = row?.record && stats.buildCache.records.find(r => r.id === row.record!.id);
  if (row?.record && !record) {
    void vscode.window.showInformationMessage(`Cache Advisor: build-cache record ${row.record.id} is already gone.`);
    return;
  }
  if (!record) {
    const target = (r: BuildCacheRecord) => stats.cacheMounts.find(m => m.id === r.id)?.target;
    const picks = stats.buildCache.records.filter(r => !r.inUse).map(r => ({
      label: target(r) ?? r.description.slice(0, 80),
      description: `${typeLabel(r.type)} · ${formatBytes(r.bytes)}`,
      detail: r.id,
      record: r,
    })).sort((a, b) => Number(b.record.type === 'exec.cachemount') - Number(a.record.type === 'exec.cachemount') || b.record.bytes - a.record.bytes);
    if (!picks.length) { void vscode.window.showInformationMessage('Cache Advisor: no unused build-cache records.'); return; }
    record = (await vscode.window.showQuickPick(picks, { title: 'Remove which build-cache record?', matchOnDescription: true, matchOnDetail: true }))?.record;
    if (!record) return;
  }
  if (record.inUse) {
    void vscode.window.showWarningMessage(`Cache Advisor: record ${record.id} is in use by a running build; it cannot be removed now.`);
    return;
  }
  const r = record;
  const dependents = stats.buildCache.records.filter(x => x.parent === r.id).length;
  const name = stats.cacheMounts.find(m => m.id === r.id)?.target ?? r.description;
  const frees = r.shared ? 0 : r.bytes;
  await confirmAndRun({
    question: `Delete the ${typeLabel(r.type).toLowerCase()} record "${name.slice(0, 80)}", freeing ${formatBytes(frees)}?`,
    detail: `Record ${r.id} (${exactBytes(r.bytes)}${r.shared ? ', also an image layer, so it frees nothing' : ''}).` +
      (dependents ? ` ${dependents} newer record(s) build on it; the engine keeps it until those are gone.` : ''),
    confirm: 'Delete',
    progress: 'removing the cache record',
    run: () => runPrune(cacheStatsProvider().source, stats, { kind: 'record', id: r.id }),
    summary: res => (res.deleted.length ? `removed record ${r.id}` : 'the engine kept the record (newer records depend on it, or it came into use)'),
  });
}
