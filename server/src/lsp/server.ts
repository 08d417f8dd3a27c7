/**
 * The language server: connection wiring only. Linting lives in ../lint/linter.ts, actions in codeActions.ts.
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
import { asksForFixAll, codeActions, fixAllEdit, FIX_ALL_KIND, type FixAllData } from './codeActions';
import { toDiagnostic } from './diagnostics';
import { fixAll, lint, type LintResult } from '../lint/linter';
import { DocumentSettings } from './documentSettings';
import { URI } from './uri';
import { registerCacheInsight } from './cacheInsight';
import { timelineLastRun } from '../buildContext/lastRun';
import { contextDirFor, gatherWorkspaceFacts, clearWorkspaceFactsCache, ignoreFileFacts } from '../buildContext/workspaceFacts';
import { composeCodeActions, composeFixAllAction, documentKind } from './composeCodeActions';
import { lintCompose } from '../lint/composeLinter';
import type { ComposeModel } from '../../../common/analysis/composeModel';
import { TimelineStore } from './buildTimelines';
import type { Finding, WorkspaceFacts } from '../rules/types';
import { DEFAULT_SETTINGS, type CacheAdvisorSettings } from '../../../common/settings';
import { BuildTimelineNotification, WorkspaceTrustNotification, type InitializationOptions } from '../../../common/protocol';
import { LARGE_DOCUMENT_CHARS, LintPool, SupersededError } from './lintPool';
import { serializeFacts } from './lintWorker';
import type { CodeAction, CodeLens, Hover, WorkspaceEdit } from 'vscode-languageserver';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new DocumentSettings(connection);
type Analysis = { version: number; result: LintResult; settings: CacheAdvisorSettings; workspace: WorkspaceFacts; contextDir?: string; compose?: ComposeModel; dropped?: boolean };
const results = new Map<string, Analysis>();
const pending = new Map<string, NodeJS.Timeout>();
/** Large documents (Dockerfiles and Compose files) are analysed in a worker thread so this thread keeps answering. */
const pool = LintPool.available() ? new LintPool() : undefined;
/** The analysis running per document (at most one), so requests can wait for it instead of starting another. */
const inFlight = new Map<string, { version: number; done: Promise<Analysis | undefined> }>();
const isLarge = (doc: TextDocument) => pool !== undefined && doc.getText().length > LARGE_DOCUMENT_CHARS;
/**
 * The longest an edit waits before its analysis starts. An edit that arrives when the document has been
 * idle is analysed at once (the peer language server validates on every change, and a fixed wait was the
 * whole of our latency on small files). Right after an analysis, an edit waits as long as that analysis
 * took, less the time since it ended, capped here: the protocol library handles one message per
 * event-loop turn, so a burst of edits read in one go would otherwise be analysed one by one on the main
 * thread (a large document goes to the worker and is never held back). Edits that arrive while an
 * analysis runs fold into one follow-up run for the latest version.
 */
const COALESCE_MS = 20;
/** When each document's last analysis ended and how long it took (ms, Date.now clock). */
const lastRun = new Map<string, { end: number; took: number }>();
/** How long an edit of `uri` waits before its analysis starts (see COALESCE_MS). */
function coalesceDelay(uri: string): number {
  const last = lastRun.get(uri);
  const doc = documents.get(uri);
  // a large document is analysed in the worker: this thread keeps reading edits, which fold meanwhile
  if (!last || !doc || isLarge(doc)) return 0;
  return Math.max(0, Math.min(COALESCE_MS, last.took - (Date.now() - last.end)));
}
/** The last build per Dockerfile, sent by the client after `Build with BuildKit`. */
const timelines = new TimelineStore();

/** The client fills in a code action's edit through codeAction/resolve (VS Code does). */
let resolvesEdits = false;
/** The client reports workspace folder changes (buildContext is held inside the folders). */
let workspaceFolderEvents = false;

connection.onInitialize((params): InitializeResult => {
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
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dockerfile-cache-advisor-ls' },
  };
});

connection.onInitialized(() => {
  if (settings.canPull) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  if (workspaceFolderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      settings.setWorkspaceFolders(await connection.workspace.getWorkspaceFolders());
      for (const doc of documents.all()) schedule(doc.uri);
    });
  }
});

async function analyseDocument(doc: TextDocument): Promise<Analysis> {
  const s = await settings.get(doc.uri);
  // one snapshot: the document object changes in place when an edit arrives
  const { uri, version } = doc;
  const text = doc.getText();
  const large = isLarge(doc);
  const kind = documentKind(doc.languageId, uri);
  if (kind !== 'dockerfile') {
    // Compose files get the compose rules; other YAML that reached us (language id `yaml`) gets nothing
    if (kind === 'compose' && large) {
      const findings = await pool!.run<Finding[]>({ kind: 'composeLint', uri, version, text, settings: s });
      return { version, result: { findings }, settings: s, workspace: {} };
    }
    const composed = kind === 'compose' ? lintCompose(text, s) : { findings: [] };
    return { version, result: { findings: composed.findings }, settings: s, workspace: {}, compose: composed.model };
  }
  const file = URI.toPath(uri);
  const contextDir = file ? contextDirFor(file, s.buildContext) : undefined;
  const workspace = contextDir && file ? { ...gatherWorkspaceFacts(contextDir), ...ignoreFileFacts(file, contextDir) } : {};
  const raw: LintResult = large
    ? { findings: await pool!.run<Finding[]>({ kind: 'lint', uri, version, text, settings: s, workspace: serializeFacts(workspace) }) }
    : lint(text, s, workspace);
  const result = timelines.annotate(uri, raw);
  return { version, result, settings: s, workspace, contextDir };
}

/** The analysis of the document's current version: kept, running, or started now. */
async function currentAnalysis(doc: TextDocument): Promise<Analysis> {
  const known = results.get(doc.uri);
  if (known && known.version === doc.version && !known.dropped) return known;
  const running = inFlight.get(doc.uri);
  const awaited = running?.version === doc.version ? await running.done : undefined;
  if (awaited && awaited.version === doc.version) return awaited;
  // a document whose analysis was let go (see remember) is simply analysed again
  const state = await analyseDocument(doc);
  remember(doc.uri, state);
  return state;
}

/**
 * Analyses (model and findings with their fixes) are kept for the documents used last; for the others
 * only the version is kept — their fixes travel in Diagnostic.data, and a code action re-analyses.
 */
const ANALYSES_KEPT = 8;
function remember(uri: string, state: Analysis): void {
  results.delete(uri);
  results.set(uri, state);
  let kept = 0;
  for (const [k, v] of [...results].reverse()) {
    if (v.dropped) continue;
    if (++kept > ANALYSES_KEPT) results.set(k, { ...v, result: { findings: [] }, compose: undefined, dropped: true });
  }
}

/**
 * Lint the latest version of a document; older versions are skipped, never analysed. Edits that
 * arrive while it is scheduled or running are coalesced into one more run for the latest version.
 */
function schedule(uri: string): void {
  if (pending.has(uri)) return;
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    // one analysis per document at a time: its end schedules the next if the document moved on
    if (inFlight.has(uri)) return;
    const version = doc.version;
    const started = Date.now();
    const done = runAnalysis(doc);
    inFlight.set(uri, { version, done });
    void done.finally(() => {
      inFlight.delete(uri);
      const end = Date.now();
      if (documents.get(uri)) lastRun.set(uri, { end, took: end - started });
      const now = documents.get(uri);
      if (now && now.version !== results.get(uri)?.version) schedule(uri);
    });
  }, coalesceDelay(uri)));
}

async function runAnalysis(doc: TextDocument): Promise<Analysis | undefined> {
  const uri = doc.uri;
  try {
    const state = await analyseDocument(doc);
    if (documents.get(uri)?.version !== state.version) return state; // a newer edit arrived meanwhile
    remember(uri, state);
    await connection.sendDiagnostics({ uri, version: state.version, diagnostics: state.result.findings.map(f => toDiagnostic(f, uri, state.version)) });
    return state;
  } catch (e) {
    if (!(e instanceof SupersededError)) connection.console.error(`cache-advisor: analysis of ${uri} failed: ${(e as Error)?.stack ?? e}`);
    return undefined;
  }
}

documents.onDidOpen(e => schedule(e.document.uri));
documents.onDidChangeContent(e => schedule(e.document.uri));
documents.onDidClose(e => {
  const p = pending.get(e.document.uri);
  if (p) clearTimeout(p);
  pending.delete(e.document.uri);
  lastRun.delete(e.document.uri);
  results.delete(e.document.uri);
  settings.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(change => {
  settings.changed(change.settings);
  clearWorkspaceFactsCache();
  for (const doc of documents.all()) schedule(doc.uri);
});

connection.onNotification(WorkspaceTrustNotification, params => {
  if (typeof params?.trusted !== 'boolean') return;
  settings.setTrusted(params.trusted);
  for (const doc of documents.all()) schedule(doc.uri);
});

connection.onNotification(BuildTimelineNotification, (params: unknown) => {
  if (timelines.accept(params) && documents.get(params.uri)) schedule(params.uri);
});

connection.onDidChangeWatchedFiles(() => {
  clearWorkspaceFactsCache();
  for (const doc of documents.all()) schedule(doc.uri);
});

/** A request's answer when the worker dropped it for a newer version (the client asks again for that one). */
const unlessSuperseded = <T>(fallback: T) => (e: unknown): T => {
  if (e instanceof SupersededError) return fallback;
  throw e;
};

connection.onCodeAction(async params => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const s = await currentAnalysis(doc);
  const { uri, version } = doc;
  if (s.version !== version) return [];
  const kind = documentKind(doc.languageId, uri);
  if (kind === 'none') return [];
  // fix-all re-analyses the file once per pass (a Compose file once per fix): off this thread whatever the size
  if (pool && (isLarge(doc) || asksForFixAll(params) || (kind === 'dockerfile' && !s.result.model) || (kind === 'compose' && !resolvesEdits))) {
    const text = doc.getText();
    const request = kind === 'compose'
      ? pool.run<CodeAction[]>({ kind: 'composeCodeActions', uri, version, languageId: doc.languageId, text, settings: s.settings, params, lazyFixAll: resolvesEdits })
      : pool.run<CodeAction[]>({ kind: 'codeActions', uri, version, languageId: doc.languageId, text, settings: s.settings, workspace: serializeFacts(s.workspace), contextDir: s.contextDir, params, lazyFixAll: resolvesEdits });
    return request.catch(unlessSuperseded([]));
  }
  if (s.compose) return composeCodeActions({ params, document: doc, model: s.compose, findings: s.result.findings, settings: s.settings, lazyFixAll: resolvesEdits });
  if (kind !== 'dockerfile') return [];
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
  const state = await currentAnalysis(doc);
  const { uri, version, languageId } = doc;
  const text = doc.getText();
  const none: WorkspaceEdit = { changes: {} };
  if (documentKind(languageId, uri) === 'compose') {
    const edit = pool
      ? await pool.run<WorkspaceEdit | undefined>({ kind: 'composeFixAll', uri, version, languageId, text, settings: state.settings }).catch(unlessSuperseded(undefined))
      : composeFixAllAction(doc, state.settings)?.edit;
    return { ...action, edit: doc.version === version ? edit ?? none : none };
  }
  const result = pool
    ? await pool.run<ReturnType<typeof fixAll>>({ kind: 'fixAll', uri, version, text, settings: state.settings, workspace: serializeFacts(state.workspace) }).catch(unlessSuperseded(undefined))
    : fixAll(text, state.settings, state.workspace);
  if (!result || doc.version !== version) return { ...action, edit: none };
  return { ...action, edit: fixAllEdit(doc, result, state.contextDir) ?? none };
});

registerCacheInsight(connection, documents, settings, timelineLastRun(timelines), pool && {
  hover: (doc, s, position) => pool.run<Hover | null>({ kind: 'hover', uri: doc.uri, version: doc.version, text: doc.getText(), settings: s, file: URI.toPath(doc.uri), position }).catch(unlessSuperseded(null)),
  codeLenses: doc => pool.run<CodeLens[]>({ kind: 'codeLens', uri: doc.uri, version: doc.version, text: doc.getText(), settings: DEFAULT_SETTINGS, timeline: timelines.get(doc.uri) }).catch(unlessSuperseded([])),
});
documents.listen(connection);
connection.listen();
