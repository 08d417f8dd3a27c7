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
import { codeActions, fixAllEdit, FIX_ALL_KIND, type FixAllData } from './codeActions';
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
import type { Finding, WorkspaceFacts } from './rules/types';
import type { CacheAdvisorSettings } from './settings';
import { LARGE_DOCUMENT_CHARS, LintPool } from './lintPool';
import { serializeFacts } from './lintWorker';
import type { CodeAction } from 'vscode-languageserver';

if (process.argv.includes('--version')) {
  // eslint-disable-next-line no-console
  console.log('dockerfile-cache-advisor-ls');
  process.exit(0);
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new DocumentSettings(connection);
const results = new Map<string, { version: number; result: LintResult; settings: CacheAdvisorSettings; workspace: WorkspaceFacts; contextDir?: string; compose?: ComposeModel; dropped?: boolean }>();
const pending = new Map<string, NodeJS.Immediate>();
/** Large documents are analysed in a worker thread so this thread keeps answering. */
const pool = LintPool.available() ? new LintPool() : undefined;
const inFlight = new Set<string>();
const rerun = new Set<string>();
const isLarge = (doc: TextDocument) => pool !== undefined && doc.getText().length > LARGE_DOCUMENT_CHARS && documentKind(doc.languageId, doc.uri) === 'dockerfile';
/** The last build per Dockerfile, sent by the client after `Build with BuildKit`. */
const timelines = new TimelineStore();

/** The client fills in a code action's edit through codeAction/resolve (VS Code does). */
let resolvesEdits = false;

connection.onInitialize((params): InitializeResult => {
  settings.setClientCapabilities(params.capabilities);
  resolvesEdits = params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') ?? false;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
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
  const text = doc.getText();
  const raw: LintResult = isLarge(doc)
    ? { findings: await pool!.run<Finding[]>({ kind: 'lint', uri: doc.uri, version: doc.version, text, settings: s, workspace: serializeFacts(workspace) }) }
    : lint(text, s, workspace);
  const result = timelines.annotate(doc.uri, raw);
  return { version: doc.version, result, settings: s, workspace, contextDir };
}

/**
 * Analyses (model and findings with their fixes) are kept for the documents used last; for the others
 * only the version is kept — their fixes travel in Diagnostic.data, and a code action re-analyses.
 */
const ANALYSES_KEPT = 8;
function remember(uri: string, state: NonNullable<ReturnType<typeof results.get>>): void {
  results.delete(uri);
  results.set(uri, state);
  let kept = 0;
  for (const [k, v] of [...results].reverse()) {
    if (v.dropped) continue;
    if (++kept > ANALYSES_KEPT) results.set(k, { ...v, result: { findings: [] }, compose: undefined, dropped: true });
  }
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
      // one analysis per document at a time: edits during it are coalesced into one more run after it
      if (inFlight.has(uri)) { rerun.add(uri); return; }
      inFlight.add(uri);
      try {
        const state = await analyseDocument(doc);
        if (documents.get(uri)?.version !== state.version) return; // a newer edit arrived meanwhile
        remember(uri, state);
        await connection.sendDiagnostics({ uri, version: state.version, diagnostics: state.result.findings.map(f => toDiagnostic(f, uri, state.version)) });
      } catch (e) {
        connection.console.error(`cache-advisor: analysis of ${uri} failed: ${(e as Error)?.stack ?? e}`);
      } finally {
        inFlight.delete(uri);
        if (rerun.delete(uri) || (documents.get(uri) && documents.get(uri)!.version !== results.get(uri)?.version)) schedule(uri);
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
  // a document whose analysis was let go (see remember) is simply analysed again
  if (!state || state.version !== doc.version || state.dropped) {
    state = await analyseDocument(doc);
    remember(doc.uri, state);
  }
  const s = state;
  if (s.compose) return composeCodeActions({ params, document: doc, model: s.compose, findings: s.result.findings, settings: s.settings });
  if (documentKind(doc.languageId, doc.uri) !== 'dockerfile') return [];
  if (isLarge(doc) || !s.result.model) {
    if (!pool) return [];
    return pool.run<CodeAction[]>({ kind: 'codeActions', uri: doc.uri, version: doc.version, languageId: doc.languageId, text: doc.getText(), settings: s.settings, workspace: serializeFacts(s.workspace), contextDir: s.contextDir, params, lazyFixAll: resolvesEdits });
  }
  return codeActions({
    lazyFixAll: resolvesEdits,
    params,
    document: doc,
    current: s.result,
    contextDir: s.contextDir,
    fixAllFor: () => fixAll(doc.getText(), s.settings, s.workspace),
  });
});

connection.onCodeActionResolve(async action => {
  const data = action.data as FixAllData | undefined;
  const doc = data?.fixAll ? documents.get(data.fixAll.uri) : undefined;
  if (!doc || action.edit) return action;
  const known = results.get(doc.uri);
  const state = known?.version === doc.version && !known.dropped ? known : await analyseDocument(doc);
  const text = doc.getText();
  const result = isLarge(doc)
    ? await pool!.run<ReturnType<typeof fixAll>>({ kind: 'fixAll', uri: doc.uri, version: doc.version, text, settings: state.settings, workspace: serializeFacts(state.workspace) })
    : fixAll(text, state.settings, state.workspace);
  return { ...action, edit: fixAllEdit(doc, result, state.contextDir) ?? { changes: {} } };
});

registerCacheInsight(connection, documents, settings, timelineLastRun(timelines));
documents.listen(connection);
connection.listen();
