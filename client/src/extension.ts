import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { registerDockerSettingsChecks } from './dockerSettings';
import { createLanguageClient } from './languageClient';
import { registerViews } from './views';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

/** Start the language client, register commands, views and the Docker settings check — nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  client = createLanguageClient(context);
  registerCommands(context, () => client);
  registerViews(context);
  registerDockerSettingsChecks(context);
  // not awaited: activation does not wait for the server process and its handshake (requests made
  // meanwhile wait for the connection inside the client)
  starting = client.start().catch(e => void vscode.window.showErrorMessage(`Cache Advisor: the language server did not start: ${(e as Error)?.message ?? e}`));
}

export async function deactivate(): Promise<void> {
  // a client still starting cannot be stopped: let the start finish first
  await starting;
  await client?.stop();
  client = undefined;
  starting = undefined;
}
