/**
 * Wires the cache-insight features into the language server: hover on COPY/ADD, CodeLens above
 * expensive RUNs, and the `cacheAdvisor/whatRebuilds` request. server.ts calls registerCacheInsight()
 * and declares hoverProvider / codeLensProvider; the logic is in hover.ts, codeLens.ts and request.ts.
 */
import * as path from 'path';
import type { CodeLens, Connection, Hover, Position, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../common/analysis/analyze';
import { LARGE_DOCUMENT_CHARS } from './lintPool';
import type { DockerfileModel } from '../../../common/analysis/model';
import { runCodeLenses } from './codeLens';
import { documentKind } from './composeCodeActions';
import type { DocumentSettings } from './documentSettings';
import { copyHover } from './hover';
import type { CacheAdvisorSettings } from '../../../common/settings';
import { URI } from './uri';
import { ignoreSpec, readIgnoreSpec } from '../buildContext/ignore';
import { buildGraph, type BuildGraph } from '../../../common/analysis/invalidation';
import type { LastRunSource } from '../buildContext/lastRun';
import { listContext } from '../buildContext/listing';
import { contextDirOf } from '../buildContext/locate';
import { isDockerfileName } from '../../../common/analysis/fileNames';
import { answerWhatRebuilds } from '../buildContext/whatRebuildsRequest';
import { WhatRebuildsRequest } from '../../../common/protocol';

/** Parsed once per document version (hover and lenses ask often). */
const parsed = new Map<string, { version: number; model: DockerfileModel; graph: BuildGraph }>();

/** A model and its build graph, for hover and lenses. */
export interface InsightModel { readonly model: DockerfileModel; readonly graph: BuildGraph }

export function insightModel(model: DockerfileModel): InsightModel {
  return { model, graph: buildGraph(model, 'all') };
}

function modelOf(doc: TextDocument) {
  const hit = parsed.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const entry = { version: doc.version, ...insightModel(analyze(doc.getText())) };
  parsed.set(doc.uri, entry);
  if (parsed.size > 8) parsed.delete(parsed.keys().next().value as string);
  return entry;
}

/** The hover of a COPY/ADD; untitled documents (no file) have no context but still explain --from and heredocs. */
export function insightHover(entry: InsightModel, file: string | undefined, buildContext: string | undefined, position: Position): Hover | null {
  const contextDir = file ? contextDirOf(file, buildContext) : undefined;
  const ignore = file && contextDir ? readIgnoreSpec(file, contextDir) : ignoreSpec([]);
  return copyHover(
    {
      model: entry.model,
      graph: entry.graph,
      ignore,
      contextDir: contextDir ?? '/',
      listing: () => (contextDir ? listContext(contextDir, ignore) : { dir: '/', files: [], complete: false }),
    },
    position,
  );
}

/**
 * Where hover and lenses of large documents are computed: the analysis worker (the server passes
 * its pool). Without one, large documents get no hover or lenses rather than blocking this thread.
 */
export interface InsightWorker {
  hover(doc: TextDocument, settings: CacheAdvisorSettings, position: Position): Promise<Hover | null>;
  codeLenses(doc: TextDocument): Promise<CodeLens[]>;
}

export function registerCacheInsight(connection: Connection, documents: TextDocuments<TextDocument>, settings: DocumentSettings, lastRun?: LastRunSource, worker?: InsightWorker): void {
  documents.onDidClose(e => parsed.delete(e.document.uri));

  connection.onHover(async params => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || documentKind(doc.languageId, doc.uri) !== 'dockerfile') return null;
    const large = doc.getText().length > LARGE_DOCUMENT_CHARS;
    if (large && !worker) return null;
    const s = await settings.get(doc.uri);
    if (large) return worker!.hover(doc, s, params.position);
    return insightHover(modelOf(doc), URI.toPath(doc.uri), s.buildContext, params.position);
  });

  connection.onCodeLens(async params => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || documentKind(doc.languageId, doc.uri) !== 'dockerfile') return [];
    if (doc.getText().length > LARGE_DOCUMENT_CHARS) return worker ? worker.codeLenses(doc) : [];
    return runCodeLenses(modelOf(doc).graph, doc.uri, lastRun);
  });

  connection.onRequest(WhatRebuildsRequest, async params => {
    let roots: string[] = [];
    try {
      const folders = await connection.workspace.getWorkspaceFolders();
      roots = (folders ?? []).map(f => URI.toPath(f.uri)).filter((p): p is string => !!p);
    } catch {
      // a client without workspace folders: fall back to the folder of the file
    }
    if (roots.length === 0) {
      const p = URI.toPath(params.uri);
      if (p) roots = [path.dirname(p)];
    }
    const open = new Map<string, string>();
    for (const d of documents.all()) {
      const p = URI.toPath(d.uri);
      if (p && (d.languageId === 'dockerfile' || isDockerfileName(path.basename(p)))) open.set(path.resolve(p), d.getText());
    }
    return answerWhatRebuilds(params, {
      roots,
      openText: f => open.get(path.resolve(f)),
      openDockerfiles: [...open.keys()],
      buildContextFor: async uri => (await settings.get(uri)).buildContext,
      lastRun,
    });
  });
}
