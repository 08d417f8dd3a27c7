/** Code actions for Compose documents: the findings' quick fixes (re-parsed before they are offered), ignore comments, fix-all. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { cutAtFirst, lastSegment } from '../../../common/analysis/text';
import { asksForFixAll, FIX_ALL_KIND, minimalEdit, type FixAllData } from './codeActions';
import { SOURCE, type DiagnosticData } from './diagnostics';
import type { Finding, Fix } from '../rules/types';
import { composeIgnoreEdit, fixAllCompose, verifyComposeFix } from '../lint/composeLinter';
import type { ComposeModel } from '../../../common/analysis/composeModel';
import { isComposeFileName } from '../../../common/analysis/composeModel';
import type { CacheAdvisorSettings } from '../../../common/settings';

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
  /** The client resolves code actions lazily: fix-all next to quick fixes gets its edit on resolve. */
  readonly lazyFixAll?: boolean;
}

const FIX_ALL_TITLE = 'Fix all caching problems in this Compose file';

/** The fix-all action of a Compose file with its edit, or undefined when nothing changes. */
export function composeFixAllAction(document: TextDocument, settings: CacheAdvisorSettings): CodeAction | undefined {
  const before = document.getText();
  const result = fixAllCompose(before, settings);
  if (result.text === before) return undefined;
  return { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit: { changes: { [document.uri]: [minimalEdit(document, before, result.text)] } } };
}

const sameRange = (a: Diagnostic['range'], b: Diagnostic['range']) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

export function composeCodeActions(input: ComposeCodeActionInput): CodeAction[] {
  const { params, document, model } = input;
  const only = params.context.only;
  const wantsFixAll = asksForFixAll(params);
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
    // fix-all re-lints once per fix: listed next to quick fixes it is computed only when chosen
    if (!wantsFixAll && input.lazyFixAll) {
      actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data: { fixAll: { uri: document.uri, version: document.version } } satisfies FixAllData });
    } else {
      const action = composeFixAllAction(document, input.settings);
      if (action) actions.push(action);
    }
  }
  return actions;
}
