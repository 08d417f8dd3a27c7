/** A minimal LSP client over stdio for protocol tests: starts the bundled server and speaks JSON-RPC. */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { SERVER_ENV, SERVER_NODE_ARGS } from '../../common/serverEnvironment';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER = path.resolve(__dirname, '../../../dist/server.js');

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  /** Settings answered to workspace/configuration for section cacheAdvisor. */
  settings: unknown = {};
  private readonly waiters: Array<{ match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  /** Every publication, in order (off for long runs such as the benchmark: see `record`). */
  readonly published: PublishDiagnosticsParams[] = [];
  /** The last publication per document. */
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  stderr = '';

  /** `env`: on top of this process's environment; by default what the VS Code client gives the server (common/serverEnvironment.ts). */
  constructor(args: string[] = ['--stdio'], nodeArgs: readonly string[] = SERVER_NODE_ARGS, env: Readonly<Record<string, string>> = SERVER_ENV, server = SERVER, private readonly record = true) {
    this.proc = spawn(process.execPath, [...nodeArgs, server, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.proc.stderr!.on('data', d => { this.stderr += d.toString(); });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (this.record) this.published.push(p);
      this.latest.set(p.uri, p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].match(p)) { this.waiters[i].resolve(p); this.waiters.splice(i, 1); }
      }
    });
    this.conn.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => params.items.map(() => this.settings));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.listen();
  }

  /** `extra`: initialization options, and whether the client can show a document (`window.showDocument`). */
  async initialize(pullConfiguration = true, extra: { initializationOptions?: unknown; showDocument?: boolean } = {}): Promise<unknown> {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      initializationOptions: extra.initializationOptions,
      capabilities: {
        workspace: { configuration: pullConfiguration, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } }, publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true } },
        ...(extra.showDocument ? { window: { showDocument: { support: true } } } : {}),
      },
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** Resolve with the next diagnostics for `uri` (at `version`, when given). Registers before the trigger. */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise(resolve => this.waiters.push({ match: p => p.uri === uri && (version === undefined || p.version === version), resolve }));
  }

  async open(uri: string, text: string, version = 1, languageId = 'dockerfile'): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, version);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return next;
  }

  async replace(uri: string, text: string, version: number): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise(r => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch { /* already gone */ }
    await new Promise(resolve => {
      if (this.proc.exitCode !== null) return resolve(undefined);
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); resolve(undefined); }, 3000);
      this.proc.once('exit', () => { clearTimeout(t); resolve(undefined); });
    });
    this.conn.dispose();
  }
}

/** Apply LSP text edits to a string (test side, independent of the server's implementation). */
export function applyTextEdits(text: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const off = (p: { line: number; character: number }) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = edits.map((e, i) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText, i })).sort((a, b) => b.s - a.s || b.i - a.i);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
