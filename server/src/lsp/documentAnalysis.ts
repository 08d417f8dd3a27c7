/**
 * The one per-document analysis cache of the language server. A document version is parsed and linted
 * once; publishing diagnostics, code actions, hover and CodeLens all read that analysis (hover and
 * lenses derive their build graph from the same model, once). Keyed by URI and version, bounded to the
 * documents used last, dropped on close and cleared when settings or workspace facts change.
 *
 * The worker thread (lintWorker.ts) keeps its own AnalysisCache — the same class — for the large
 * documents it analyses: a thread cannot share this one, but it caches by the same rules.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileModel } from '../../../common/analysis/model';
import { buildGraph, type BuildGraph } from '../../../common/analysis/invalidation';
import type { CacheAdvisorSettings } from '../../../common/settings';
import type { FileKind, LintedModel } from '../lint/fileKind';
import { DOCKERFILE, kindOfDocument } from '../lint/fileKinds';
import { lint, type LintResult } from '../lint/linter';
import type { Finding, WorkspaceFacts } from '../rules/types';
import { contextDirFor, gatherWorkspaceFacts, ignoreFileFacts } from '../buildContext/workspaceFacts';
import { referencedFacts } from '../buildContext/referencedDockerfiles';
import { LARGE_DOCUMENT_CHARS, type LintPool } from './lintPool';
import { URI } from './uri';

/** A Dockerfile model and its build graph of all stages, for hover and lenses. */
export interface InsightModel {
  readonly model: DockerfileModel;
  readonly graph: BuildGraph;
}

export function insightModel(model: DockerfileModel): InsightModel {
  return { model, graph: buildGraph(model, 'all') };
}

/** One analysed document version: its kind (undefined: a document the server leaves alone), inputs and lint result. */
export interface Analysis {
  readonly version: number;
  readonly kind: FileKind | undefined;
  readonly settings: CacheAdvisorSettings;
  readonly workspace: WorkspaceFacts;
  readonly contextDir?: string;
  /** Findings with their fixes; `model` is missing when the worker analysed the document. */
  readonly result: LintResult;
}

/** What a cache entry is asked about: a document version and its text. */
export interface DocumentVersion {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
}

interface Entry {
  readonly version: number;
  readonly text: string;
  model?: LintedModel;
  /** The kind that parsed `model` (its id: a test may wrap a kind). */
  modelKind?: string;
  insight?: InsightModel;
  analysis?: Analysis;
  /** The settings and workspace facts `analysis` was made with, when the caller tells them apart. */
  key?: string;
  /**
   * The model of the version this entry replaced, until this version is parsed: its parse reuses what
   * the edit did not touch (the Dockerfile kind re-parses only the edited instruction).
   */
  previous?: { model: LintedModel; kind: string };
}

/** How many documents keep their analysis (model, findings, fixes); the others are analysed again when asked. */
export const ANALYSES_KEPT = 8;

/** Analyses by URI and version, for the documents used last. */
export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit = ANALYSES_KEPT) {}

  /** The entry of this version (a new, empty one when the version or text differs), made the most recent. */
  private entry(doc: DocumentVersion): Entry {
    let hit = this.entries.get(doc.uri);
    if (!hit || hit.version !== doc.version || hit.text !== doc.text) {
      const model = hit?.model ?? hit?.previous?.model;
      const kind = hit?.model ? hit.modelKind : hit?.previous?.kind;
      hit = { version: doc.version, text: doc.text, previous: model && kind ? { model, kind } : undefined };
    }
    this.entries.delete(doc.uri);
    this.entries.set(doc.uri, hit);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return hit;
  }

  /** The kept analysis of this version, if any (a document closed and opened again restarts at its first version). */
  peek(doc: DocumentVersion): Analysis | undefined {
    const hit = this.entries.get(doc.uri);
    return hit && hit.version === doc.version && hit.text === doc.text ? hit.analysis : undefined;
  }

  /**
   * The analysis of a version: kept (same kind and `key`), or made now by the engine's lint (reusing a
   * parse this version already has, from hover) and kept.
   */
  analyse(doc: DocumentVersion, kind: FileKind | undefined, inputs: Omit<Analysis, 'version' | 'kind' | 'result'>, key?: string): Analysis {
    const e = this.entry(doc);
    if (e.analysis && e.analysis.kind === kind && e.key === key) return e.analysis;
    const result: LintResult = kind ? lint(kind, doc.text, inputs.settings, inputs.workspace, e.modelKind === kind.id ? e.model : undefined, this.previous(e, kind.id)) : { findings: [] };
    if (result.model && kind) this.keepModel(e, result.model, kind.id);
    e.analysis = { ...inputs, version: doc.version, kind, result };
    e.key = key;
    return e.analysis;
  }

  /** Keep an analysis made elsewhere (the worker's findings of a large document). */
  store(doc: DocumentVersion, analysis: Analysis, key?: string): Analysis {
    const e = this.entry(doc);
    e.analysis = analysis;
    e.key = key;
    return analysis;
  }

  /**
   * The Dockerfile model and build graph of a version: from its analysis when there is one, else parsed
   * now by `kind` (a Dockerfile kind); once.
   */
  insight(doc: DocumentVersion, kind: FileKind = DOCKERFILE): InsightModel {
    const e = this.entry(doc);
    if (!e.insight) {
      if (e.modelKind !== DOCKERFILE.id) this.keepModel(e, kind.parse(doc.text, this.previous(e, DOCKERFILE.id)), DOCKERFILE.id);
      e.insight = insightModel(e.model as DockerfileModel);
    }
    return e.insight;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  /** The previous version's model, if the same kind made it. */
  private previous(e: Entry, kind: string): LintedModel | undefined {
    return e.previous?.kind === kind ? e.previous.model : undefined;
  }

  /** Keep this version's model; the previous version's is no longer needed. */
  private keepModel(e: Entry, model: LintedModel, kind: string): void {
    e.model = model;
    e.modelKind = kind;
    e.previous = undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** What the server's analyses need from the rest of the server; tests pass their own. */
export interface AnalysisDeps {
  /** The settings of a document. */
  settings(uri: string): Promise<CacheAdvisorSettings>;
  /** Which kind a document is (default: lint/fileKinds.ts). */
  kindOf?(languageId: string, uri: string): FileKind | undefined;
  /** The build context and its facts for a file of a kind that reads them (default: gathered from disk). */
  workspaceFor?(file: string, settings: CacheAdvisorSettings): { workspace: WorkspaceFacts; contextDir: string };
  /** The findings with what the document's last build says about them (build timelines). */
  annotate?(uri: string, result: LintResult): LintResult;
  /** Where large documents are analysed; without it they are analysed here. */
  pool?: LintPool;
}

const gather = (file: string, settings: CacheAdvisorSettings) => {
  const contextDir = contextDirFor(file, settings.buildContext);
  return { contextDir, workspace: { ...gatherWorkspaceFacts(contextDir), ...ignoreFileFacts(file, contextDir) } };
};

/** The server's document analyses: the cache, the analysis running per document, and large documents sent to the worker. */
export class DocumentAnalyses {
  readonly cache: AnalysisCache;
  private readonly inFlight = new Map<string, { version: number; done: Promise<Analysis> }>();

  constructor(private readonly deps: AnalysisDeps, kept = ANALYSES_KEPT) {
    this.cache = new AnalysisCache(kept);
  }

  get pool(): LintPool | undefined {
    return this.deps.pool;
  }

  settings(uri: string): Promise<CacheAdvisorSettings> {
    return this.deps.settings(uri);
  }

  kindOf(doc: TextDocument): FileKind | undefined {
    return (this.deps.kindOf ?? kindOfDocument)(doc.languageId, doc.uri);
  }

  /** Analysed off this thread (there is a worker and the document is large). */
  isLarge(doc: TextDocument): boolean {
    return this.deps.pool !== undefined && doc.getText().length > LARGE_DOCUMENT_CHARS;
  }

  /** The analysis running for a document, if any. */
  running(uri: string): Promise<Analysis> | undefined {
    return this.inFlight.get(uri)?.done;
  }

  /** The analysis of the document's current version: kept, running, or started now. */
  current(doc: TextDocument): Promise<Analysis> {
    const { uri, version } = doc;
    const kept = this.cache.peek({ uri, version, text: doc.getText() });
    if (kept) return Promise.resolve(kept);
    const running = this.inFlight.get(uri);
    if (running?.version === version) return running.done;
    const done = this.analyse(doc);
    this.inFlight.set(uri, { version, done });
    const settle = () => {
      if (this.inFlight.get(uri)?.done === done) this.inFlight.delete(uri);
    };
    done.then(settle, settle);
    return done;
  }

  /** The Dockerfile model and graph of the document's current version, for hover and lenses (small documents). */
  async insight(doc: TextDocument): Promise<{ analysis: Analysis; insight: InsightModel }> {
    const analysis = await this.current(doc);
    const kind = analysis.kind?.id === DOCKERFILE.id ? analysis.kind : DOCKERFILE;
    return { analysis, insight: this.cache.insight({ uri: doc.uri, version: analysis.version, text: doc.getText() }, kind) };
  }

  /** The document closed: its analysis goes, and one still running is not handed to whoever asks next. */
  forget(uri: string): void {
    this.cache.forget(uri);
    this.inFlight.delete(uri);
  }

  /** Settings, workspace folders, trust or files on disk changed: every analysis is out of date. */
  clear(): void {
    this.cache.clear();
  }

  private async analyse(doc: TextDocument): Promise<Analysis> {
    const settings = await this.deps.settings(doc.uri);
    // one snapshot: the document object changes in place when an edit arrives
    const { uri, version } = doc;
    const text = doc.getText();
    const large = this.isLarge(doc);
    const kind = this.kindOf(doc);
    const file = URI.toPath(uri);
    const { workspace, contextDir } = kind?.readsBuildContext && file ? (this.deps.workspaceFor ?? gather)(file, settings) : { workspace: kind && file ? referencedFacts(kind, file, text) : {}, contextDir: undefined };
    const annotate = (r: LintResult) => (this.deps.annotate ? this.deps.annotate(uri, r) : r);
    const snapshot = { uri, version, text };
    const inputs = { settings, workspace, contextDir };
    if (kind && large) {
      const findings = await this.deps.pool!.run<Finding[]>({ kind: 'lint', fileKind: kind.id, uri, version, text, settings, workspace });
      return this.cache.store(snapshot, { ...inputs, version, kind, result: annotate({ findings }) });
    }
    const analysis = this.cache.analyse(snapshot, kind, inputs);
    return this.cache.store(snapshot, { ...analysis, result: annotate(analysis.result) });
  }
}
