import * as vscode from 'vscode';
import { buildTimelines } from '../build';
import type { CommandContext } from './index';

/** Remove the build timeline notes from a Dockerfile (the given one, the active one, or all). */
export function clearBuildTimeline(_ctx: CommandContext, target?: unknown): void {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
  const store = buildTimelines();
  const cleared = store?.clear(uri && store.get(uri) ? uri : undefined) ?? 0;
  void vscode.window.setStatusBarMessage(cleared ? 'Cache Advisor: build timeline cleared' : 'Cache Advisor: no build timeline to clear', 3000);
}
