/**
 * Worker thread for large documents: lint, code actions and fix-all run here so the language
 * server's main thread keeps answering other documents while a 50,000-line file is analysed.
 * Messages are plain JSON; the last models are kept so code actions do not re-analyse.
 */
import { parentPort } from 'worker_threads';
import type { CodeActionParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './codeActions';
import { fixAll, lint, type LintResult } from './engine';
import type { WorkspaceFacts } from './rules/types';
import type { CacheAdvisorSettings } from './settings';

export type WorkerRequest =
  | { id: number; kind: 'lint'; uri: string; version: number; text: string; settings: CacheAdvisorSettings; workspace: SerializedFacts }
  | { id: number; kind: 'codeActions'; uri: string; version: number; languageId: string; text: string; settings: CacheAdvisorSettings; workspace: SerializedFacts; contextDir?: string; params: CodeActionParams; lazyFixAll: boolean }
  | { id: number; kind: 'fixAll'; uri: string; version: number; text: string; settings: CacheAdvisorSettings; workspace: SerializedFacts };

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

const recent = new Map<string, { version: number; text: string; result: LintResult }>();

function lintCached(uri: string, version: number, text: string, settings: CacheAdvisorSettings, workspace: WorkspaceFacts): LintResult {
  const hit = recent.get(uri);
  if (hit && hit.version === version && hit.text === text) return hit.result;
  const result = lint(text, settings, workspace);
  recent.delete(uri);
  recent.set(uri, { version, text, result });
  if (recent.size > 4) recent.delete(recent.keys().next().value as string);
  return result;
}

function handle(req: WorkerRequest): unknown {
  const workspace = deserializeFacts(req.workspace);
  if (req.kind === 'fixAll') return fixAll(req.text, req.settings, workspace);
  const result = lintCached(req.uri, req.version, req.text, req.settings, workspace);
  if (req.kind === 'lint') return result.findings;
  const document = TextDocument.create(req.uri, req.languageId, req.version, req.text);
  return codeActions({
    params: req.params,
    document,
    current: result,
    contextDir: req.contextDir,
    lazyFixAll: req.lazyFixAll,
    eagerFixAll: false,
    fixAllFor: () => fixAll(req.text, req.settings, workspace),
  });
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
