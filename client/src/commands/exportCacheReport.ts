import * as vscode from 'vscode';
import { cacheReportJson, cacheReportMarkdown } from '../../../common/docker/cacheReport';
import { cacheStatsProvider } from '../views/cacheStats';
import type { CommandContext } from './index';

/** Save a Markdown or JSON snapshot of the cache statistics and open it. */
export async function exportCacheReport(_ctx: CommandContext): Promise<void> {
  const format = await vscode.window.showQuickPick([
    { label: 'Markdown', description: 'tables for a README, an issue or a PR', ext: 'md' },
    { label: 'JSON', description: 'the same numbers as `dockerfile-cache-advisor stats --format json`', ext: 'json' },
  ], { title: 'Export cache report as…' });
  if (!format) return;
  const s = await cacheStatsProvider().refresh();
  if (!s.stats) {
    void vscode.window.showErrorMessage(`Cache Advisor: cannot export a report: ${s.engineError ?? 'Docker is not reachable'}`);
    return;
  }
  const text = format.ext === 'md' ? cacheReportMarkdown(s.stats) : cacheReportJson(s.stats);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `docker-cache-report-${s.stats.collectedAt.slice(0, 10)}.${format.ext}`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save cache report',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: format.ext === 'md' ? { Markdown: ['md'] } : { JSON: ['json'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  await vscode.window.showTextDocument(target);
}
