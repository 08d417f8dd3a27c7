import * as vscode from 'vscode';
import { WhatRebuildsRequest, type DockerfileRebuild, type WhatRebuildsResult } from '../../../common/protocol';
import { log } from '../log';
import type { CommandContext } from './index';
import { formatDuration } from '../../../common/format';

/** Highlights of the last answer, per Dockerfile URI, re-applied when such an editor becomes visible. */
const highlights = new Map<string, DockerfileRebuild>();
let decorations: { first: vscode.TextEditorDecorationType; rest: vscode.TextEditorDecorationType; maybe: vscode.TextEditorDecorationType } | undefined;

function ensureDecorations(ctx: CommandContext) {
  if (decorations) return decorations;
  const line = (background: string, ruler: string, contentText: string) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor(background),
      overviewRulerColor: new vscode.ThemeColor(ruler),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      after: { contentText, color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
    });
  decorations = {
    // labelled as What rebuilds' own, so they read apart from a build's "cached" / "ran 2.1s" notes on the same line
    first: line('editor.wordHighlightStrongBackground', 'editorOverviewRuler.warningForeground', '⟵ what rebuilds: first cache miss'),
    rest: line('editor.rangeHighlightBackground', 'editorOverviewRuler.warningForeground', '↻ what rebuilds: re-runs'),
    maybe: line('editor.rangeHighlightBackground', 'editorOverviewRuler.infoForeground', '↻ what rebuilds: may re-run'),
  };
  ctx.extension.subscriptions.push(
    decorations.first,
    decorations.rest,
    decorations.maybe,
    vscode.window.onDidChangeVisibleTextEditors(editors => editors.forEach(paint)),
    // the lines move as soon as the Dockerfile is edited: drop stale highlights
    vscode.workspace.onDidChangeTextDocument(e => {
      if (e.contentChanges.length && highlights.delete(e.document.uri.toString())) {
        vscode.window.visibleTextEditors.filter(ed => ed.document === e.document).forEach(paint);
      }
    }),
  );
  return decorations;
}

/**
 * Remove the highlights from one Dockerfile (when it has some), else from all files; returns how
 * many files had some. "Clear What-Rebuilds Highlights" and "Clear Build Timeline" both call it.
 */
export function clearRebuildHighlights(uri?: vscode.Uri): number {
  const keys = uri && highlights.has(uri.toString()) ? [uri.toString()] : [...highlights.keys()];
  for (const k of keys) highlights.delete(k);
  if (keys.length) vscode.window.visibleTextEditors.forEach(paint);
  return keys.length;
}

function paint(editor: vscode.TextEditor): void {
  if (!decorations) return;
  const h = highlights.get(editor.document.uri.toString());
  const ranges = (h?.ranges ?? []).map(r => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character));
  const maybe = new Set(h?.conditionalLines ?? []);
  const rest = ranges.slice(1);
  editor.setDecorations(decorations.first, ranges.slice(0, 1));
  editor.setDecorations(decorations.rest, rest.filter(r => !maybe.has(r.start.line + 1)));
  // each conditional line says its own condition (another stage's files, the ignore file's patterns …)
  const why = new Map((h?.conditions ?? []).map(c => [c.line, c.reason]));
  editor.setDecorations(decorations.maybe, rest.filter(r => maybe.has(r.start.line + 1)).map(range => {
    const reason = why.get(range.start.line + 1);
    return reason ? { range, renderOptions: { after: { contentText: `↻ what rebuilds: re-runs ${reason}` } } } : { range };
  }));
}

/** The file to ask about: the explorer/editor menu's resource, else the active editor's file, else a picker. */
async function chooseFile(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') return active;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: 'What rebuilds?',
    title: 'Cache Advisor: What rebuilds if I change…',
  });
  return picked?.[0];
}

/** The summary line: "changing src/app.py re-runs 4 of 11 steps, last measured 38 s". */
export function summaryLine(d: DockerfileRebuild): string {
  const m = /^(.*?)(?:, from line \d+)?( \(.*\))?$/.exec(d.summary)!;
  const measured = d.measuredSeconds !== undefined && d.rerunLines.length ? `, last measured ${formatDuration(d.measuredSeconds)}` : '';
  return `${m[1]}${measured}${m[2] ?? ''}`;
}

/**
 * "Cache Advisor: What rebuilds if I change…": for the chosen file and every Dockerfile whose build
 * context holds it, highlight the first cache miss and every step that re-runs after it.
 */
export async function whatRebuilds(ctx: CommandContext, arg?: unknown): Promise<void> {
  const client = ctx.client();
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('Cache Advisor: the language server is not running (try "Cache Advisor: Restart Language Server").');
    return;
  }
  const file = await chooseFile(arg);
  if (!file) return;
  if (file.scheme !== 'file') {
    void vscode.window.showInformationMessage('Cache Advisor: only files on disk can be in a build context.');
    return;
  }
  let result: WhatRebuildsResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Cache Advisor: finding what rebuilds…' },
      () => client.sendRequest(WhatRebuildsRequest, { uri: file.toString() }),
    );
  } catch (e) {
    log.error(`what rebuilds for ${file.fsPath}`, e);
    void vscode.window.showErrorMessage(`Cache Advisor: ${(e as Error).message}`);
    return;
  }
  ensureDecorations(ctx);
  for (const uri of [...highlights.keys()]) highlights.delete(uri);
  const relevant = result.dockerfiles.filter(d => d.inContext);
  for (const d of relevant) if (d.ranges.length) highlights.set(vscode.Uri.parse(d.uri).toString(), d);
  vscode.window.visibleTextEditors.forEach(paint);

  const fileLabel = vscode.workspace.asRelativePath(file, false);
  if (relevant.length === 0) {
    const ignored = result.dockerfiles.filter(d => d.reason === 'ignored');
    const why = ignored.length ? ` (${ignored.map(d => `${d.dockerfile}: ${d.summary.replace(/^.*\((excluded by [^)]*)\)$/, '$1')}`).join('; ')})` : '';
    // a partial search can miss the Dockerfile that copies it: no confident "not in any"
    void vscode.window.showInformationMessage(result.complete
      ? `Cache Advisor: ${fileLabel} is not in any build context${why}.`
      : `Cache Advisor: ${fileLabel} is not in the build context of any Dockerfile found${why}, but the search for Dockerfiles stopped early (a very large workspace): some may be missing.`);
    return;
  }
  const rebuilding = relevant.filter(d => d.ranges.length);
  const message = relevant.length === 1
    ? summaryLine(relevant[0])
    : relevant.map(d => `${d.dockerfile}: ${summaryLine(d).replace(/^changing \S+ /, '')}`).join(' · ');
  const visible = new Set(vscode.window.visibleTextEditors.map(e => e.document.uri.toString()));
  if (rebuilding.length && !rebuilding.some(d => visible.has(vscode.Uri.parse(d.uri).toString()))) {
    // the highlights live in the Dockerfile: show it next to the file being asked about
    await reveal(rebuilding[0], { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }
  const others = rebuilding.slice(1);
  const choice = await vscode.window.showInformationMessage(
    `Cache Advisor: ${relevant.length === 1 ? message : `changing ${fileLabel}: ${message}`}`,
    ...(rebuilding.length > 1 ? rebuilding : others).map(d => `Show ${d.dockerfile}`),
  );
  const target = rebuilding.find(d => choice === `Show ${d.dockerfile}`);
  if (target) await reveal(target, { preview: false });
}

async function reveal(d: DockerfileRebuild, options: vscode.TextDocumentShowOptions): Promise<void> {
  const column = openColumn(vscode.Uri.parse(d.uri));
  // a Dockerfile already open (visible or as a tab) is shown where it is: no second copy in a split
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(d.uri), column ? { ...options, viewColumn: column } : options);
  const first = d.ranges[0];
  editor.revealRange(new vscode.Range(first.start.line, 0, first.start.line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  paint(editor);
}

/** The editor group already showing `uri` (the visible one first, else any group with it as a tab). */
function openColumn(uri: vscode.Uri): vscode.ViewColumn | undefined {
  const key = uri.toString();
  const visible = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === key);
  if (visible?.viewColumn) return visible.viewColumn;
  for (const group of vscode.window.tabGroups.all) {
    if (group.tabs.some(t => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key)) return group.viewColumn;
  }
  return undefined;
}
