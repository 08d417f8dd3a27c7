/**
 * Worker thread for large documents: lint, code actions, fix-all, hover and lenses of every file kind
 * run here so the language server's main thread keeps answering other documents while a 50,000-line
 * file is analysed. Messages are plain JSON and name the file kind by its id. The worker keeps its
 * analyses in an AnalysisCache (documentAnalysis.ts), the same cache the main thread uses, so code
 * actions, hover and lenses of the version just linted do not re-analyse.
 */
import { parentPort } from 'worker_threads';
import type { CodeActionParams, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './codeActions';
import { runCodeLenses } from './codeLens';
import { timelineLastRun } from '../buildContext/lastRun';
import { insightHover } from './cacheInsight';
import { AnalysisCache, type Analysis } from './documentAnalysis';
import type { BuildTimeline } from '../../../common/docker/timeline';
import { fixAll } from '../lint/linter';
import type { FileKind } from '../lint/fileKind';
import { kindById } from '../lint/fileKinds';
import type { CacheAdvisorSettings } from '../../../common/settings';
import { FactsReceiver, factsKey, type WireFacts } from './workerFacts';
import type { WorkspaceFacts } from '../rules/types';

interface Doc { uri: string; version: number; text: string; settings: CacheAdvisorSettings }

export type WorkerRequest = { id: number } & Doc & (
  | { kind: 'lint'; fileKind: string; workspace: WireFacts }
  | { kind: 'codeActions'; fileKind: string; languageId: string; workspace: WireFacts; contextDir?: string; params: CodeActionParams; lazyFixAll: boolean }
  | { kind: 'fixAll'; fileKind: string; workspace: WireFacts }
  | { kind: 'hover'; file?: string; position: Position }
  | { kind: 'codeLens'; timeline?: BuildTimeline }
);

/** `missingFacts`: the request named workspace facts this worker no longer keeps; the pool sends it again with them. */
export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string; missingFacts?: boolean };

/** The last few documents' analyses, by URI, version and text. */
const cache = new AnalysisCache(4);
/** The workspace facts the server sent, kept under their numbers. */
const facts = new FactsReceiver();

function kindOf(id: string): FileKind {
  const kind = kindById(id);
  if (!kind) throw new Error(`unknown file kind ${id}`);
  return kind;
}

/** Lint a version once per settings and workspace facts; hover and lenses share its parse. */
function analysed(req: Doc & { fileKind: string; workspace: WireFacts; contextDir?: string }, workspace: WorkspaceFacts): Analysis {
  return cache.analyse(req, kindOf(req.fileKind), { settings: req.settings, workspace, contextDir: req.contextDir }, JSON.stringify([req.settings, factsKey(req.workspace)]));
}

class MissingFacts extends Error {}

function handle(req: WorkerRequest): unknown {
  const workspace = 'workspace' in req ? facts.decode(req.workspace) : undefined;
  if ('workspace' in req && !workspace) throw new MissingFacts();
  switch (req.kind) {
    case 'fixAll':
      return fixAll(kindOf(req.fileKind), req.text, req.settings, workspace!);
    case 'lint':
      return analysed(req, workspace!).result.findings;
    case 'codeActions': {
      const a = analysed(req, workspace!);
      const kind = a.kind!;
      return codeActions({
        kind,
        params: req.params,
        document: TextDocument.create(req.uri, req.languageId, req.version, req.text),
        current: a.result,
        contextDir: req.contextDir,
        lazyFixAll: req.lazyFixAll,
        eagerFixAll: false,
        fixAllFor: () => fixAll(kind, req.text, req.settings, a.workspace),
      });
    }
    case 'hover':
      return insightHover(cache.insight(req), req.file, req.settings.buildContext, req.position);
    case 'codeLens': {
      const timeline = req.timeline;
      return runCodeLenses(cache.insight(req).graph, req.uri, timeline ? timelineLastRun({ get: () => timeline }) : undefined);
    }
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    res = { id: req.id, ok: true, value: handle(req) };
  } catch (e) {
    res = e instanceof MissingFacts ? { id: req.id, ok: false, error: 'workspace facts no longer kept', missingFacts: true } : { id: req.id, ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(res);
});
