import * as vscode from 'vscode';
import type { CommandContext } from './index';
import { forStableVersion, isCancellationError } from '../stableVersion';

/** Apply every safe caching fix to the active Dockerfile (the server's source.fixAll.cacheAdvisor action). */
export async function fixAllInEditor(_ctx: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Cache Advisor: open a Dockerfile to fix.');
    return;
  }
  const kind = vscode.CodeActionKind.SourceFixAll.append('cacheAdvisor');
  // the fixes must be for the text they are applied to: computed again when the document changed meanwhile
  const computed = await forStableVersion(
    () => editor.document.version,
    () => Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 0, editor.document.lineCount, 0), kind.value)),
    isCancellationError);
  if (!computed) {
    void vscode.window.showWarningMessage('Cache Advisor: the Dockerfile kept changing while its fixes were computed; nothing was changed. Run Fix All again.');
    return;
  }
  const fix = computed.value?.find(a => a.kind && kind.contains(a.kind) && a.edit);
  if (!fix?.edit) {
    void vscode.window.showInformationMessage('Cache Advisor: nothing to fix in this Dockerfile.');
    return;
  }
  await vscode.workspace.applyEdit(fix.edit);
}
