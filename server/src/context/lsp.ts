/**
 * Wires the cache-insight features into the language server: hover on COPY/ADD, CodeLens above
 * expensive RUNs, and the `cacheAdvisor/whyRebuild` request. server.ts calls registerCacheInsight()
 * and declares hoverProvider / codeLensProvider; the logic is in hover.ts, codeLens.ts and request.ts.
 */
import * as path from 'path';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../analysis/analyze';
import { LARGE_DOCUMENT_CHARS } from '../lintPool';
import type { DockerfileModel } from '../analysis/model';
import { runCodeLenses } from '../codeLens';
import type { DocumentSettings } from '../documentSettings';
import { copyHover } from '../hover';
import { URI } from '../uri';
import { ignoreSpec, readIgnoreSpec } from './ignore';
import { buildGraph, type BuildGraph } from './invalidation';
import type { LastRunSource } from './lastRun';
import { listContext } from './listing';
import { contextDirOf, isDockerfileName } from './locate';
import { answerWhyRebuild, WHY_REBUILD_REQUEST, type WhyRebuildParams } from './request';

/** Parsed once per document version (hover and lenses ask often). */
const parsed = new Map<string, { version: number; model: DockerfileModel; graph: BuildGraph }>();

function modelOf(doc: TextDocument) {
  // a huge document is analysed in the worker for diagnostics; hover and lenses would block this thread
  if (doc.getText().length > LARGE_DOCUMENT_CHARS) return undefined;
  const hit = parsed.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const model = analyze(doc.getText());
  const entry = { version: doc.version, model, graph: buildGraph(model, 'all') };
  parsed.set(doc.uri, entry);
  if (parsed.size > 8) parsed.delete(parsed.keys().next().value as string);
  return entry;
}

export function registerCacheInsight(connection: Connection, documents: TextDocuments<TextDocument>, settings: DocumentSettings, lastRun?: LastRunSource): void {
  documents.onDidClose(e => parsed.delete(e.document.uri));

  connection.onHover(async params => {
    const doc = documents.get(params.textDocument.uri);
    const file = doc && URI.toPath(doc.uri);
    const entry = doc && modelOf(doc);
    if (!doc || !entry) return null;
    const { model, graph } = entry;
    // untitled documents have no context: hover still explains --from and heredocs
    const s = await settings.get(doc.uri);
    const contextDir = file ? contextDirOf(file, s.buildContext) : undefined;
    const ignore = file && contextDir ? readIgnoreSpec(file, contextDir) : ignoreSpec([]);
    return copyHover(
      {
        model,
        graph,
        ignore,
        contextDir: contextDir ?? '/',
        listing: () => (contextDir ? listContext(contextDir, ignore) : { dir: '/', files: [], complete: false }),
      },
      params.position,
    );
  });

  connection.onCodeLens(params => {
    const doc = documents.get(params.textDocument.uri);
    const entry = doc && modelOf(doc);
    if (!doc || !entry) return [];
    return runCodeLenses(entry.graph, doc.uri, lastRun);
  });

  connection.onRequest(WHY_REBUILD_REQUEST, async (params: WhyRebuildParams) => {
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
    return answerWhyRebuild(params, {
      roots,
      openText: f => open.get(path.resolve(f)),
      openDockerfiles: [...open.keys()],
      buildContextFor: async uri => (await settings.get(uri)).buildContext,
      lastRun,
    });
  });
}
