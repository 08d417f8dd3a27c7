/**
 * A click on a lens in an editor other than VS Code. The VS Code client shows a lens's rows in a quick
 * pick of its own (`client/src/commands/showLensDetails.ts`) and says so in its initialization options;
 * every other client (Neovim, Helix, Emacs, Sublime …) sends `workspace/executeCommand` for the lens's
 * command, and the server answers it here: the rows as the choices of a `window/showMessageRequest`,
 * and the chosen row's line through `window/showDocument` when the client supports it.
 */
import type { Connection, ClientCapabilities, MessageActionItem } from 'vscode-languageserver/node';
import { LENS_DETAILS_COMMAND, type InitializationOptions, type LensDetail } from '../../../common/protocol';

/** Whether the server must handle the lens command itself: only when the client did not say it does. */
export function serverHandlesLensCommand(options: InitializationOptions | undefined): boolean {
  return options?.lensDetailsCommand !== 'client';
}

interface Choice extends MessageActionItem {
  readonly line: number;
}

/** The message-request choices for a lens's rows (`line 7: RUN pip install … (re-runs)`), in the lens's order. */
export function lensChoices(details: readonly LensDetail[]): Choice[] {
  return details.map(d => ({ title: `${d.label}${d.description ? ` (${d.description})` : ''}`, line: d.line }));
}

const isDetail = (d: unknown): d is LensDetail =>
  !!d && typeof (d as LensDetail).label === 'string' && Number.isInteger((d as LensDetail).line) && (d as LensDetail).line > 0;

export function registerLensCommand(connection: Connection, capabilities: () => ClientCapabilities): void {
  connection.onExecuteCommand(async params => {
    if (params.command !== LENS_DETAILS_COMMAND) return null;
    const [uri, title, details] = params.arguments ?? [];
    if (typeof uri !== 'string' || typeof title !== 'string' || !Array.isArray(details)) return null;
    const choices = lensChoices(details.filter(isDetail));
    if (!choices.length) return null;
    const picked = await connection.window.showInformationMessage(`Cache Advisor: ${title}`, ...choices);
    if (!picked) return null;
    const line = (choices.find(c => c.title === picked.title) ?? picked as Choice).line - 1;
    if (capabilities().window?.showDocument?.support) {
      await connection.window.showDocument({ uri, takeFocus: true, selection: { start: { line, character: 0 }, end: { line, character: 0 } } });
    }
    return null;
  });
}
