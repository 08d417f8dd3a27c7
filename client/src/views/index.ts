import type * as vscode from 'vscode';
import { registerCacheStatsView } from './cacheStats';

/** Register the extension's tree views. */
export function registerViews(context: vscode.ExtensionContext): void {
  registerCacheStatsView(context);
}
