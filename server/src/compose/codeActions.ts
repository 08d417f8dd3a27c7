/** Code actions for Compose documents: the findings' quick fixes (re-parsed before they are offered), ignore comments, fix-all. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { cutAtFirst, lastSegment } from '../analysis/text';
import { FIX_ALL_KIND, minimalEdit } from '../codeActions';
import { SOURCE, type DiagnosticData } from '../diagnostics';
import type { Finding, Fix } from '../rules/types';
import { composeIgnoreEdit, fixAllCompose, verifyComposeFix } from './lint';
import type { ComposeModel } from './model';
import { isComposeFileName } from './model';
import type { CacheAdvisorSettings } from '../settings';

/** How the server treats a document: as a Dockerfile, a Compose file, or not at all (other YAML). */
export function documentKind(languageId: string, uri: string): 'dockerfile' | 'compose' | 'none' {
  const name = decodeURIComponent(lastSegment(cutAtFirst(uri, '?#')));
  if (languageId === 'dockercompose') return 'compose';
  if (isComposeFileName(name)) return 'compose';
  if (languageId === 'yaml') return 'none';
  return 'dockerfile';
}

export interface ComposeCodeActionInput {
  readonly params: CodeActionParams;
  readonly document: TextDocument;
  readonly model: ComposeModel;
  readonly findings: readonly Finding[];
  readonly settings: CacheAdvisorSettings;
}

const sameRange = (a: Diagnostic['range'], b: Diagnostic['range']) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

export function composeCodeActions(input: ComposeCodeActionInput): CodeAction[] {
  const { params, document, model } = input;
  const only = params.context.only;
  const wantsFixAll = only?.some(k => FIX_ALL_KIND.startsWith(k) && k.startsWith(CodeActionKind.SourceFixAll)) ?? false;
  const wantsQuickFix = !only || only.some(k => CodeActionKind.QuickFix.startsWith(k));
  const actions: CodeAction[] = [];
  if (wantsQuickFix) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE || typeof d.code !== 'string') continue;
      const data = d.data as DiagnosticData | undefined;
      const fixes: readonly Fix[] = data && data.version === document.version && Array.isArray(data.fixes)
        ? data.fixes
        : input.findings.find(f => f.rule === d.code && sameRange(f.range, d.range))?.fixes ?? [];
      for (const fix of fixes) {
        if (verifyComposeFix(model, fix) === undefined) continue;
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: { [document.uri]: [...fix.edits] } } });
      }
      actions.push({
        title: `Ignore ${d.code} here`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [document.uri]: [composeIgnoreEdit(model, d.range.start.line, d.code)] } },
      });
    }
  }
  const fixable = input.findings.filter(f => f.fixes?.some(x => x.preferred)).length;
  if (wantsFixAll || (wantsQuickFix && fixable > 1)) {
    const before = document.getText();
    const result = fixAllCompose(before, input.settings);
    if (result.text !== before) {
      actions.push({ title: 'Fix all caching problems in this Compose file', kind: FIX_ALL_KIND, edit: { changes: { [document.uri]: [minimalEdit(document, before, result.text)] } } });
    }
  }
  return actions;
}
