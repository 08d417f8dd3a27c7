/**
 * Worker thread for large documents: lint, code actions, fix-all, hover and lenses of Dockerfiles and
 * Compose files run here so the language server's main thread keeps answering other documents while
 * a 50,000-line file is analysed. Messages are plain JSON; the last models are kept so code actions,
 * hover and lenses of the version just linted do not re-analyse.
 */
import { parentPort } from 'worker_threads';
import type { CodeActionParams, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../common/analysis/analyze';
import type { DockerfileModel } from '../../../common/analysis/model';
import { codeActions } from './codeActions';
import { runCodeLenses } from './codeLens';
import { composeCodeActions, composeFixAllAction } from './composeCodeActions';
import { lintCompose, type ComposeLintResult } from '../lint/composeLinter';
import type { ComposeModel } from '../../../common/analysis/composeModel';
import { timelineLastRun } from '../buildContext/lastRun';
import { insightHover, insightModel, type InsightModel } from './cacheInsight';
import type { BuildTimeline } from '../../../common/docker/timeline';
import { fixAll, lint, type LintResult } from '../lint/linter';
import type { WorkspaceFacts } from '../rules/types';
import type { CacheAdvisorSettings } from '../../../common/settings';

interface Doc { uri: string; version: number; text: string; settings: CacheAdvisorSettings }

export type WorkerRequest = { id: number } & Doc & (
  | { kind: 'lint'; workspace: SerializedFacts }
  | { kind: 'codeActions'; languageId: string; workspace: SerializedFacts; contextDir?: string; params: CodeActionParams; lazyFixAll: boolean }
  | { kind: 'fixAll'; workspace: SerializedFacts }
  | { kind: 'hover'; file?: string; position: Position }
  | { kind: 'codeLens'; timeline?: BuildTimeline }
  | { kind: 'composeLint' }
  | { kind: 'composeCodeActions'; languageId: string; params: CodeActionParams; lazyFixAll: boolean }
  | { kind: 'composeFixAll'; languageId: string }
);

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** WorkspaceFacts with sets as arrays (structured clone keeps Sets, but keep the contract explicit). */
export type SerializedFacts = { [K in keyof WorkspaceFacts]: WorkspaceFacts[K] extends ReadonlySet<infer T> | undefined ? T[] | undefined : WorkspaceFacts[K] };

export function serializeFacts(ws: WorkspaceFacts): SerializedFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ws)) out[k] = v instanceof Set ? [...v] : v;
  return out as SerializedFacts;
}

export function deserializeFacts(ws: SerializedFacts): WorkspaceFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ws)) out[k] = Array.isArray(v) ? new Set(v) : v;
  return out as WorkspaceFacts;
}

/** Per document, what was derived from its last version: the parse, and results keyed by their inputs. */
interface Derived {
  version: number;
  text: string;
  model?: DockerfileModel;
  insight?: InsightModel;
  compose?: ComposeModel;
  results: Map<string, LintResult | ComposeLintResult>;
}
const recent = new Map<string, Derived>();

function derived(req: Doc): Derived {
  let hit = recent.get(req.uri);
  if (!hit || hit.version !== req.version || hit.text !== req.text) hit = { version: req.version, text: req.text, results: new Map() };
  recent.delete(req.uri);
  recent.set(req.uri, hit);
  if (recent.size > 4) recent.delete(recent.keys().next().value as string);
  return hit;
}

/** Lint a version once per settings and workspace facts; hover and lenses share its parse. */
function lintCached(req: Doc, workspace: SerializedFacts): LintResult {
  const d = derived(req);
  const key = JSON.stringify([req.settings, workspace]);
  const hit = d.results.get(key) as LintResult | undefined;
  if (hit) return hit;
  const result = lint(req.text, req.settings, deserializeFacts(workspace), d.model);
  if (result.model) d.model = result.model;
  d.results.clear();
  d.results.set(key, result);
  return result;
}

function insightOf(req: Doc): InsightModel {
  const d = derived(req);
  d.model ??= analyze(req.text);
  d.insight ??= insightModel(d.model);
  return d.insight;
}

function composeCached(req: Doc): ComposeLintResult {
  const d = derived(req);
  const key = JSON.stringify(req.settings);
  const hit = d.results.get(key) as ComposeLintResult | undefined;
  if (hit) return hit;
  const result = lintCompose(req.text, req.settings, d.compose);
  if (result.model) d.compose = result.model;
  d.results.clear();
  d.results.set(key, result);
  return result;
}

function handle(req: WorkerRequest): unknown {
  switch (req.kind) {
    case 'fixAll':
      return fixAll(req.text, req.settings, deserializeFacts(req.workspace));
    case 'lint':
      return lintCached(req, req.workspace).findings;
    case 'codeActions': {
      const result = lintCached(req, req.workspace);
      const workspace = deserializeFacts(req.workspace);
      return codeActions({
        params: req.params,
        document: TextDocument.create(req.uri, req.languageId, req.version, req.text),
        current: result,
        contextDir: req.contextDir,
        lazyFixAll: req.lazyFixAll,
        eagerFixAll: false,
        fixAllFor: () => fixAll(req.text, req.settings, workspace),
      });
    }
    case 'hover':
      return insightHover(insightOf(req), req.file, req.settings.buildContext, req.position);
    case 'codeLens': {
      const timeline = req.timeline;
      return runCodeLenses(insightOf(req).graph, req.uri, timeline ? timelineLastRun({ get: () => timeline }) : undefined);
    }
    case 'composeLint':
      return composeCached(req).findings;
    case 'composeCodeActions': {
      const result = composeCached(req);
      if (!result.model) return [];
      const document = TextDocument.create(req.uri, req.languageId, req.version, req.text);
      return composeCodeActions({ params: req.params, document, model: result.model, findings: result.findings, settings: req.settings, lazyFixAll: req.lazyFixAll });
    }
    case 'composeFixAll':
      return composeFixAllAction(TextDocument.create(req.uri, req.languageId, req.version, req.text), req.settings)?.edit;
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    res = { id: req.id, ok: true, value: handle(req) };
  } catch (e) {
    res = { id: req.id, ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(res);
});
