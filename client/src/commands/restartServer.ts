import * as vscode from 'vscode';
import type { CommandContext } from './index';

/** Restart the language server (after changing settings that need it, or if it misbehaves). */
export async function restartServer(ctx: CommandContext): Promise<void> {
  const client = ctx.client();
  if (!client) return;
  await client.restart();
  void vscode.window.setStatusBarMessage('Cache Advisor: language server restarted', 3000);
}
