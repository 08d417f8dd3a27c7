/**
 * The "Dockerfile Cache Advisor" output channel: the language client's messages, and the client's
 * own record of builds, engine calls and errors, so a failure can be read back after its
 * notification is gone.
 */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The one output channel (created on first use; disposed with the extension). */
export function outputChannel(context?: vscode.ExtensionContext): vscode.LogOutputChannel {
  if (!channel) {
    channel = vscode.window.createOutputChannel('Dockerfile Cache Advisor', { log: true });
    context?.subscriptions.push(channel, { dispose: () => { channel = undefined; } });
  }
  return channel;
}

export const log = {
  info: (message: string) => outputChannel().info(message),
  warn: (message: string) => outputChannel().warn(message),
  error: (message: string, e?: unknown) => outputChannel().error(e === undefined ? message : `${message}: ${(e as Error)?.message ?? String(e)}`),
};
