import * as vscode from 'vscode';
import type { LensDetail } from '../../../common/protocol';

/**
 * A click on a Cache Advisor lens: every detail it stands for (the steps a COPY re-runs, all the
 * inputs a RUN depends on, "+N more" included) in a quick pick; picking one reveals its line.
 */
export async function showLensDetails(_ctx: unknown, uri?: unknown, title?: unknown, details?: unknown): Promise<void> {
  // only the server's lenses call this with arguments; from anywhere else there is nothing to show
  if (typeof uri !== 'string' || !Array.isArray(details)) return;
  const rows = details as LensDetail[];
  const picked = await vscode.window.showQuickPick(
    rows.map(d => ({ label: d.label, description: d.description, row: d })),
    { title: typeof title === 'string' ? `Cache Advisor: ${title}` : 'Cache Advisor', placeHolder: 'Pick one to go to its line', matchOnDescription: true },
  );
  if (!picked) return;
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preserveFocus: false });
  const line = Math.max(0, picked.row.line - 1);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
