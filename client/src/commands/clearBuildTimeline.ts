import * as vscode from 'vscode';
import { buildTimelines } from '../build';
import type { CommandContext } from './index';
import { clearRebuildHighlights } from './whatRebuilds';

/**
 * Remove the build timeline notes from a Dockerfile (the given one, the active one, or all), and
 * the What rebuilds highlights with them: both are annotations of the same lines.
 */
export function clearBuildTimeline(_ctx: CommandContext, target?: unknown): void {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
  const store = buildTimelines();
  const cleared = (store?.clear(uri && store.get(uri) ? uri : undefined) ?? 0) + clearRebuildHighlights(uri);
  void vscode.window.setStatusBarMessage(cleared ? 'Cache Advisor: build notes and what-rebuilds highlights cleared' : 'Cache Advisor: no build timeline or highlights to clear', 3000);
}
