/**
 * Entry of dist/extension.js (package.json `main`): loads the client bundle (dist/client.js, built from
 * extension.ts) through V8's code cache (codeCache.ts) and hands activation to it. Kept small: this file is
 * compiled on every activation, the bundle only once per version.
 */
import * as path from 'path';
import type * as vscode from 'vscode';
import { loadWithCodeCache } from './codeCache';

type Client = typeof import('./extension');
let client: Client | undefined;

export function activate(context: vscode.ExtensionContext): ReturnType<Client['activate']> {
  const storage = context.globalStorageUri;
  const loaded = loadWithCodeCache(path.join(__dirname, 'client.js'), storage.scheme === 'file' ? path.join(storage.fsPath, 'code-cache') : undefined, require);
  client = loaded.exports as Client;
  const result = client.activate(context);
  // after activation returned, so that the cache also holds the functions activation compiled
  setImmediate(() => loaded.save());
  return result;
}

export function deactivate(): ReturnType<Client['deactivate']> | undefined {
  return client?.deactivate();
}
