/**
 * The language server: connection wiring only. Linting lives in ../lint/ (one engine, a file-kind
 * adapter per kind), the per-document analysis cache in documentAnalysis.ts, when diagnostics are sent
 * in publishDiagnostics.ts, code actions in codeActions.ts, hover and lenses in cacheInsight.ts.
 * Start it with `dockerfile-cache-advisor-ls --stdio` (or `--node-ipc` from VS Code).
 */
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens, Hover } from 'vscode-languageserver';
import { FIX_ALL_KIND, provideCodeActions, resolveCodeAction, unlessSuperseded } from './codeActions';
import { DocumentSettings } from './documentSettings';
import { DocumentAnalyses } from './documentAnalysis';
import { DiagnosticsPublisher } from './publishDiagnostics';
import { URI } from './uri';
import { registerCacheInsight } from './cacheInsight';
import { timelineLastRun } from '../buildContext/lastRun';
import { clearWorkspaceFactsCache } from '../buildContext/workspaceFacts';
import { TimelineStore } from './buildTimelines';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { BuildTimelineNotification, LENS_DETAILS_COMMAND, WorkspaceTrustNotification, type InitializationOptions } from '../../../common/protocol';
import { registerLensCommand, serverHandlesLensCommand } from './lensCommand';
import { LintPool } from './lintPool';
import type { ClientCapabilities } from 'vscode-languageserver';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new DocumentSettings(connection);
/** The last build per Dockerfile, sent by the client after `Build with BuildKit`. */
const timelines = new TimelineStore();
/** Large documents (Dockerfiles and Compose files) are analysed in a worker thread so this thread keeps answering. */
const pool = LintPool.available() ? new LintPool() : undefined;
const analyses = new DocumentAnalyses({ settings: uri => settings.get(uri), annotate: (uri, result) => timelines.annotate(uri, result), pool });
const publisher = new DiagnosticsPublisher({
  analyses,
  document: uri => documents.get(uri),
  send: params => connection.sendDiagnostics(params),
  error: message => connection.console.error(message),
});
const openUris = () => documents.all().map(d => d.uri);
/** Settings, trust, workspace folders or files on disk changed: analyse every open document again. */
const reanalyseAll = () => {
  analyses.clear();
  publisher.scheduleAll(openUris());
};

/** The client fills in a code action's edit through codeAction/resolve (VS Code does). */
let resolvesEdits = false;
/** The client reports workspace folder changes (buildContext is held inside the folders). */
let workspaceFolderEvents = false;

/** What the client said it can do, for the features that ask later (showDocument after a lens click). */
let clientCapabilities: ClientCapabilities = {};

connection.onInitialize((params): InitializeResult => {
  clientCapabilities = params.capabilities;
  settings.setClientCapabilities(params.capabilities);
  if ((params.initializationOptions as InitializationOptions | undefined)?.workspaceTrusted === false) settings.setTrusted(false);
  settings.setWorkspaceFolders(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []));
  workspaceFolderEvents = !!params.capabilities.workspace?.workspaceFolders;
  resolvesEdits = params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') ?? false;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      ...(serverHandlesLensCommand(params.initializationOptions as InitializationOptions | undefined) ? { executeCommandProvider: { commands: [LENS_DETAILS_COMMAND] } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dockerfile-cache-advisor-ls' },
  };
});

registerLensCommand(connection, () => clientCapabilities);

connection.onInitialized(() => {
  if (settings.canPull) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  if (workspaceFolderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      settings.setWorkspaceFolders(await connection.workspace.getWorkspaceFolders());
      reanalyseAll();
    });
  }
});

documents.onDidOpen(e => publisher.schedule(e.document.uri));
documents.onDidChangeContent(e => publisher.schedule(e.document.uri));
documents.onDidClose(e => {
  publisher.close(e.document.uri);
  settings.forget(e.document.uri);
});

connection.onDidChangeConfiguration(change => {
  settings.changed(change.settings);
  clearWorkspaceFactsCache();
  reanalyseAll();
});

connection.onNotification(WorkspaceTrustNotification, params => {
  if (typeof params?.trusted !== 'boolean') return;
  settings.setTrusted(params.trusted);
  reanalyseAll();
});

connection.onNotification(BuildTimelineNotification, (params: unknown) => {
  if (!timelines.accept(params) || !documents.get(params.uri)) return;
  analyses.forget(params.uri);
  publisher.schedule(params.uri);
});

connection.onDidChangeWatchedFiles(() => {
  clearWorkspaceFactsCache();
  reanalyseAll();
});

connection.onCodeAction(params => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? provideCodeActions(analyses, doc, params, resolvesEdits) : [];
});

connection.onCodeActionResolve(action => resolveCodeAction(analyses, uri => documents.get(uri), action));

registerCacheInsight(connection, documents, settings, analyses, timelineLastRun(timelines), pool && {
  hover: (doc, s, position) => pool.run<Hover | null>({ kind: 'hover', uri: doc.uri, version: doc.version, text: doc.getText(), settings: s, file: URI.toPath(doc.uri), position }).catch(unlessSuperseded(null)),
  codeLenses: doc => pool.run<CodeLens[]>({ kind: 'codeLens', uri: doc.uri, version: doc.version, text: doc.getText(), settings: DEFAULT_SETTINGS, timeline: timelines.get(doc.uri) }).catch(unlessSuperseded([])),
});
documents.listen(connection);
connection.listen();
