/**
 * Wires the cache-insight features into the language server: hover on COPY/ADD, CodeLens above
 * expensive RUNs, and the `cacheAdvisor/whatRebuilds` request. server.ts calls registerCacheInsight()
 * and declares hoverProvider / codeLensProvider; the logic is in hover.ts, codeLens.ts and
 * ../buildContext/whatRebuildsRequest.ts. Hover and lenses read the document's one analysis
 * (documentAnalysis.ts): its model, and the build graph derived from it once.
 */
import * as path from 'path';
import type { CodeLens, Connection, Hover, Position, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LARGE_DOCUMENT_CHARS } from './lintPool';
import { runCodeLenses } from './codeLens';
import type { DocumentSettings } from './documentSettings';
import type { DocumentAnalyses, InsightModel } from './documentAnalysis';
import { DOCKERFILE } from '../lint/fileKinds';
import { copyHover } from './hover';
import type { CacheAdvisorSettings } from '../../../common/settings';
import { URI } from './uri';
import { ignoreSpec, readIgnoreSpec } from '../buildContext/ignore';
import type { LastRunSource } from '../buildContext/lastRun';
import { listContext } from '../buildContext/listing';
import { contextDirOf } from '../buildContext/locate';
import { isDockerfileName } from '../../../common/analysis/fileNames';
import { answerWhatRebuilds } from '../buildContext/whatRebuildsRequest';
import { WhatRebuildsRequest } from '../../../common/protocol';

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

/** The hover at `position`: null for documents other than Dockerfiles, and for large ones without a worker. */
export async function hoverAt(analyses: DocumentAnalyses, doc: TextDocument, position: Position, worker?: InsightWorker): Promise<Hover | null> {
  if (analyses.kindOf(doc)?.id !== DOCKERFILE.id) return null;
  if (doc.getText().length > LARGE_DOCUMENT_CHARS) {
    if (!worker) return null;
    return worker.hover(doc, await analyses.settings(doc.uri), position);
  }
  const { analysis, insight } = await analyses.insight(doc);
  return insightHover(insight, URI.toPath(doc.uri), analysis.settings.buildContext, position);
}

/** The lenses of a Dockerfile: none for other documents, and for large ones without a worker. */
export async function codeLensesOf(analyses: DocumentAnalyses, doc: TextDocument, lastRun?: LastRunSource, worker?: InsightWorker): Promise<CodeLens[]> {
  if (analyses.kindOf(doc)?.id !== DOCKERFILE.id) return [];
  if (doc.getText().length > LARGE_DOCUMENT_CHARS) return worker ? worker.codeLenses(doc) : [];
  return runCodeLenses((await analyses.insight(doc)).insight.graph, doc.uri, lastRun);
}

export function registerCacheInsight(connection: Connection, documents: TextDocuments<TextDocument>, settings: DocumentSettings, analyses: DocumentAnalyses, lastRun?: LastRunSource, worker?: InsightWorker): void {
  connection.onHover(params => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? hoverAt(analyses, doc, params.position, worker) : null;
  });

  connection.onCodeLens(params => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? codeLensesOf(analyses, doc, lastRun, worker) : [];
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
