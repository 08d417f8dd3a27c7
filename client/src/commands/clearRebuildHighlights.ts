import * as vscode from 'vscode';
import type { CommandContext } from './index';
import { clearRebuildHighlights as clear } from './whatRebuilds';

/** Remove the "What rebuilds" highlights (from the given Dockerfile, else from every file). */
export function clearRebuildHighlights(_ctx: CommandContext, target?: unknown): void {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : undefined;
  const cleared = clear(uri);
  void vscode.window.setStatusBarMessage(cleared ? 'Cache Advisor: what-rebuilds highlights cleared' : 'Cache Advisor: no what-rebuilds highlights to clear', 3000);
}
