/**
 * What the YAML kinds (Compose, CI workflows) share: `# cache-advisor ignore=<id>` comments, read by
 * their models into `ignoredAt`, and the quick fix that writes one above a finding's line, indented
 * like that line so it stays a comment of the same block.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';

interface YamlCommentModel {
  readonly document: TextDocument;
  readonly eol: '\n' | '\r\n';
  readonly ignoredAt: ReadonlyMap<number, ReadonlySet<string>>;
}

export const isSuppressedByComment = (model: YamlCommentModel, id: string, line: number): boolean => model.ignoredAt.get(line)?.has(id) ?? false;

export function ignoreCommentAction(model: YamlCommentModel, id: string, line: number): { readonly title: string; readonly edit: TextEdit } {
  const text = model.document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  return {
    title: `Ignore ${id} here`,
    edit: { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# cache-advisor ignore=${id}${model.eol}` },
  };
}
