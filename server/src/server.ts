/**
 * The language server: connection wiring only. Analysis lives in engine.ts, actions in codeActions.ts.
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
import { codeActions, FIX_ALL_KIND } from './codeActions';
import { toDiagnostic } from './diagnostics';
import { fixAll, lint, type LintResult } from './engine';
import { DocumentSettings } from './documentSettings';
import { URI } from './uri';
import { registerCacheInsight } from './context/lsp';
import { timelineLastRun } from './context/lastRun';
import { contextDirFor, gatherWorkspaceFacts, clearWorkspaceFactsCache, ignoreFileFacts } from './workspaceFacts';
import { composeCodeActions, documentKind } from './compose/codeActions';
import { lintCompose } from './compose/lint';
import type { ComposeModel } from './compose/model';
import { BUILD_TIMELINE_NOTIFICATION, TimelineStore } from './timeline';
import type { WorkspaceFacts } from './rules/types';
import type { CacheAdvisorSettings } from './settings';

if (process.argv.includes('--version')) {
  // eslint-disable-next-line no-console
  console.log('dockerfile-cache-advisor-ls');
  process.exit(0);
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new DocumentSettings(connection);
const results = new Map<string, { version: number; result: LintResult; settings: CacheAdvisorSettings; workspace: WorkspaceFacts; contextDir?: string; compose?: ComposeModel }>();
const pending = new Map<string, NodeJS.Immediate>();
/** The last build per Dockerfile, sent by the client after `Build with BuildKit`. */
const timelines = new TimelineStore();

connection.onInitialize((params): InitializeResult => {
  settings.setClientCapabilities(params.capabilities);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'dockerfile-cache-advisor-ls' },
  };
});

connection.onInitialized(() => {
  if (settings.canPull) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
});

async function analyseDocument(doc: TextDocument) {
  const s = await settings.get(doc.uri);
  const kind = documentKind(doc.languageId, doc.uri);
  if (kind !== 'dockerfile') {
    // Compose files get the compose rules; other YAML that reached us (language id `yaml`) gets nothing
    const composed = kind === 'compose' ? lintCompose(doc.getText(), s) : { findings: [] };
    return { version: doc.version, result: { findings: composed.findings } as LintResult, settings: s, workspace: {}, compose: composed.model };
  }
  const file = URI.toPath(doc.uri);
  const contextDir = file ? contextDirFor(file, s.buildContext) : undefined;
  const workspace = contextDir && file ? { ...gatherWorkspaceFacts(contextDir), ...ignoreFileFacts(file, contextDir) } : {};
  const result = timelines.annotate(doc.uri, lint(doc.getText(), s, workspace));
  return { version: doc.version, result, settings: s, workspace, contextDir };
}

/** Lint the latest version of a document; older queued versions are skipped, never analysed. */
function schedule(uri: string): void {
  const existing = pending.get(uri);
  if (existing) clearImmediate(existing);
  pending.set(
    uri,
    setImmediate(async () => {
      pending.delete(uri);
      const doc = documents.get(uri);
      if (!doc) return;
      try {
        const state = await analyseDocument(doc);
        if (documents.get(uri)?.version !== state.version) return; // a newer edit arrived meanwhile
        results.set(uri, state);
        await connection.sendDiagnostics({ uri, version: state.version, diagnostics: state.result.findings.map(f => toDiagnostic(f, uri, state.version)) });
      } catch (e) {
        connection.console.error(`cache-advisor: analysis of ${uri} failed: ${(e as Error)?.stack ?? e}`);
      }
    }),
  );
}

documents.onDidOpen(e => schedule(e.document.uri));
documents.onDidChangeContent(e => schedule(e.document.uri));
documents.onDidClose(e => {
  const p = pending.get(e.document.uri);
  if (p) clearImmediate(p);
  pending.delete(e.document.uri);
  results.delete(e.document.uri);
  settings.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(change => {
  settings.changed(change.settings);
  clearWorkspaceFactsCache();
  for (const doc of documents.all()) schedule(doc.uri);
});

connection.onNotification(BUILD_TIMELINE_NOTIFICATION, (params: unknown) => {
  if (timelines.accept(params) && documents.get(params.uri)) schedule(params.uri);
});

connection.onDidChangeWatchedFiles(() => {
  clearWorkspaceFactsCache();
  for (const doc of documents.all()) schedule(doc.uri);
});

connection.onCodeAction(async params => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  let state = results.get(doc.uri);
  if (!state || state.version !== doc.version) {
    state = await analyseDocument(doc);
    results.set(doc.uri, state);
  }
  const s = state;
  if (s.compose) return composeCodeActions({ params, document: doc, model: s.compose, findings: s.result.findings, settings: s.settings });
  if (documentKind(doc.languageId, doc.uri) !== 'dockerfile') return [];
  return codeActions({
    params,
    document: doc,
    current: s.result,
    contextDir: s.contextDir,
    fixAllFor: () => fixAll(doc.getText(), s.settings, s.workspace),
  });
});

registerCacheInsight(connection, documents, settings, timelineLastRun(timelines));
documents.listen(connection);
connection.listen();
