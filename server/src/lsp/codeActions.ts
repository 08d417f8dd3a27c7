/**
 * Diagnostic.data → CodeAction, with a recompute fallback for clients that drop `data`, the ignore
 * comment, and fix-all: one path for every file kind (the kind's adapter verifies fixes and places the
 * ignore comment).
 */
import * as path from 'path';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './uri';
import { SOURCE, type DiagnosticData } from './diagnostics';
import { fixAll, verifyFix, type FixAllResult, type LintResult } from '../lint/linter';
import type { DocumentAnalyses } from './documentAnalysis';
import { SupersededError } from './lintPool';
import type { FileKind } from '../lint/fileKind';
import type { Fix } from '../rules/types';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.cacheAdvisor`;

const sameRange = (a: Diagnostic['range'], b: Diagnostic['range']) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

/** The smallest single edit that turns `before` into `after` (keeps the cursor and folding where they are). */
export function minimalEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let e = 0;
  while (e < before.length - s && e < after.length - s && before[before.length - 1 - e] === after[after.length - 1 - e]) e++;
  return { range: { start: doc.positionAt(s), end: doc.positionAt(before.length - e) }, newText: after.slice(s, after.length - e) };
}

/** A WorkspaceEdit for a fix: text edits, plus files to create next to the Dockerfile. */
export function workspaceEditFor(doc: TextDocument, fix: Fix, contextDir: string | undefined): WorkspaceEdit {
  if (!fix.createFiles?.length || !contextDir) return { changes: { [doc.uri]: [...fix.edits] } };
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const f of fix.createFiles) {
    const target = path.resolve(contextDir, f.path);
    // a fix creates files in the build context, never next to it
    const rel = path.relative(contextDir, target);
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    const uri = URI.fromPath(target);
    documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: f.content }] });
  }
  if (fix.edits.length) documentChanges.push({ textDocument: { uri: doc.uri, version: doc.version }, edits: [...fix.edits] });
  return { documentChanges };
}

const fixAllTitle = (kind: FileKind) => `Fix all caching problems in this ${kind.noun}`;

/** `CodeAction.data` of a fix-all action whose edit is computed on resolve. */
export interface FixAllData {
  readonly fixAll: { readonly uri: string; readonly version: number };
}

/** The workspace edit of a fix-all result (text, plus files such as .dockerignore), or undefined when nothing changes. */
export function fixAllEdit(kind: FileKind, document: TextDocument, result: FixAllResult, contextDir: string | undefined): WorkspaceEdit | undefined {
  const before = document.getText();
  if (result.text === before && !result.createFiles?.length) return undefined;
  const edits = result.text === before ? [] : [minimalEdit(document, before, result.text)];
  return workspaceEditFor(document, { title: fixAllTitle(kind), preferred: true, edits, createFiles: result.createFiles }, contextDir);
}

export interface CodeActionInput {
  readonly kind: FileKind;
  readonly params: CodeActionParams;
  readonly document: TextDocument;
  /** The lint result of the document's current version. */
  readonly current: LintResult;
  readonly fixAllFor: () => FixAllResult;
  readonly contextDir?: string;
  /** The client resolves code actions lazily: fix-all next to quick fixes gets its edit on resolve. */
  readonly lazyFixAll?: boolean;
  /** False: do not compute fix-all just to list it next to quick fixes (large documents, no resolve). */
  readonly eagerFixAll?: boolean;
}

function fixesFor(d: Diagnostic, input: CodeActionInput): readonly Fix[] {
  const data = d.data as DiagnosticData | undefined;
  if (data && data.version === input.document.version && Array.isArray(data.fixes)) return data.fixes;
  // stale or dropped data: find the same finding in the current analysis
  const f = input.current.findings.find(x => x.rule === d.code && sameRange(x.range, d.range));
  return f?.fixes ?? [];
}

/** The request asks for fix-all itself (`source.fixAll`, e.g. on save), not only for quick fixes. */
export function asksForFixAll(params: CodeActionParams): boolean {
  return params.context.only?.some(k => FIX_ALL_KIND.startsWith(k) && k.startsWith(CodeActionKind.SourceFixAll)) ?? false;
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { kind, params, document } = input;
  const only = params.context.only;
  const wantsFixAll = asksForFixAll(params);
  const wantsQuickFix = !only || only.some(k => CodeActionKind.QuickFix.startsWith(k));
  const actions: CodeAction[] = [];
  const model = input.current.model;
  let fixable = 0;
  if (wantsQuickFix && model) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      for (const fix of fixesFor(d, input)) {
        if (verifyFix(kind, model, fix) === undefined) continue;
        fixable++;
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: workspaceEditFor(document, fix, input.contextDir) });
      }
      const ignore = typeof d.code === 'string' ? kind.ignoreAction(model, d.code, d.range.start.line) : undefined;
      if (ignore) actions.push({ title: ignore.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [document.uri]: [ignore.edit] } } });
    }
  }
  const fixableInDoc = input.current.findings.filter(f => f.fixes?.some(x => x.preferred)).length;
  if (wantsFixAll || (wantsQuickFix && fixable > 0 && fixableInDoc > 1)) {
    // offered next to a quick fix, fix-all is computed only when chosen (codeAction/resolve), when the client can
    if (!wantsFixAll && input.lazyFixAll) {
      actions.push({ title: fixAllTitle(kind), kind: FIX_ALL_KIND, data: { fixAll: { uri: document.uri, version: document.version } } satisfies FixAllData });
    } else if (wantsFixAll || input.eagerFixAll !== false) {
      const edit = fixAllEdit(kind, document, input.fixAllFor(), input.contextDir);
      if (edit) actions.push({ title: fixAllTitle(kind), kind: FIX_ALL_KIND, edit });
    }
  }
  return actions;
}

/** A request's answer when the worker dropped it for a newer version (the client asks again for that one). */
export const unlessSuperseded = <T>(fallback: T) => (e: unknown): T => {
  if (e instanceof SupersededError) return fallback;
  throw e;
};

/**
 * textDocument/codeAction for any file kind. Large documents, fix-all requests (fix-all re-analyses the
 * file once per pass) and documents without a model go to the worker when there is one.
 */
export async function provideCodeActions(analyses: DocumentAnalyses, doc: TextDocument, params: CodeActionParams, resolvesEdits: boolean): Promise<CodeAction[]> {
  const a = await analyses.current(doc);
  const { uri, version } = doc;
  const kind = a.kind;
  if (a.version !== version || !kind) return [];
  const pool = analyses.pool;
  if (pool && (analyses.isLarge(doc) || asksForFixAll(params) || !a.result.model)) {
    return pool.run<CodeAction[]>({ kind: 'codeActions', fileKind: kind.id, uri, version, languageId: doc.languageId, text: doc.getText(), settings: a.settings, workspace: a.workspace, contextDir: a.contextDir, params, lazyFixAll: resolvesEdits })
      .catch(unlessSuperseded([]));
  }
  return codeActions({
    kind,
    lazyFixAll: resolvesEdits,
    params,
    document: doc,
    current: a.result,
    contextDir: a.contextDir,
    fixAllFor: () => fixAll(kind, doc.getText(), a.settings, a.workspace),
  });
}

/** codeAction/resolve: the edit of a fix-all listed lazily, computed now (in the worker when there is one). */
export async function resolveCodeAction(analyses: DocumentAnalyses, documentOf: (uri: string) => TextDocument | undefined, action: CodeAction): Promise<CodeAction> {
  const data = action.data as FixAllData | undefined;
  const doc = data?.fixAll ? documentOf(data.fixAll.uri) : undefined;
  if (!doc || action.edit) return action;
  const a = await analyses.current(doc);
  const { uri, version } = doc;
  const text = doc.getText();
  const none: WorkspaceEdit = { changes: {} };
  const kind = a.kind;
  if (!kind) return { ...action, edit: none };
  const pool = analyses.pool;
  const result = pool
    ? await pool.run<FixAllResult>({ kind: 'fixAll', fileKind: kind.id, uri, version, text, settings: a.settings, workspace: a.workspace }).catch(unlessSuperseded(undefined))
    : fixAll(kind, text, a.settings, a.workspace);
  if (!result || doc.version !== version) return { ...action, edit: none };
  return { ...action, edit: fixAllEdit(kind, doc, result, a.contextDir) ?? none };
}
