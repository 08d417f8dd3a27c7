import type * as vscode from 'vscode';

/** Register the extension's tree views. */
export function registerViews(_context: vscode.ExtensionContext): void {
  // views are added here (cache statistics: see views/cacheStats)
}
