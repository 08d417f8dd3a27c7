/** Where the client keeps build snapshots (the extension's global storage, never the workspace). */
import * as path from 'path';
import type * as vscode from 'vscode';

let dir: string | undefined;

/** Set once at activation. */
export function useSnapshotStorage(extension: vscode.ExtensionContext): void {
  dir = path.join(extension.globalStorageUri.fsPath, 'build-snapshots');
}

/** The folder, undefined before activation (builds then carry no reasons). */
export function snapshotDir(): string | undefined {
  return dir;
}
