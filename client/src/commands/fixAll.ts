import * as vscode from 'vscode';
import type { CommandContext } from './index';

/** Apply every safe caching fix to the active Dockerfile (the server's source.fixAll.cacheAdvisor action). */
export async function fixAllInEditor(_ctx: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Cache Advisor: open a Dockerfile to fix.');
    return;
  }
  const kind = vscode.CodeActionKind.SourceFixAll.append('cacheAdvisor');
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 0, editor.document.lineCount, 0), kind.value);
  const fix = actions?.find(a => a.kind && kind.contains(a.kind) && a.edit);
  if (!fix?.edit) {
    void vscode.window.showInformationMessage('Cache Advisor: nothing to fix in this Dockerfile.');
    return;
  }
  await vscode.workspace.applyEdit(fix.edit);
}
