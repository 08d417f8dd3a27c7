/**
 * The last build per Dockerfile on screen: a note at the end of each instruction line ("cached",
 * "ran 42.1s", "failed"), a hover with the details, a status-bar summary, and the same timeline sent
 * to the language server so the diagnostics can mention it. Notes follow the lines when the file is
 * edited, vanish from an instruction once it is edited, and are cleared on request.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { reasonDetail } from '../../../common/docker/missReasons';
import { normaliseInstruction, shiftSteps, stepNote, stepOutcome, summaryText, type BuildTimeline, type StepRecord } from '../../../common/docker/timeline';
import { formatDuration } from '../../../common/format';
import { BuildTimelineNotification } from '../../../common/protocol';

type Kind = 'cached' | 'ran' | 'failed';

function kindOf(s: StepRecord): Kind {
  if (s.error) return 'failed';
  return s.cached ? 'cached' : 'ran';
}

export class BuildTimelines implements vscode.Disposable {
  private readonly byUri = new Map<string, BuildTimeline>();
  private readonly types: Record<Kind, vscode.TextEditorDecorationType>;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    const after = (color: string) => ({ after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em', fontStyle: 'italic' } });
    this.types = {
      cached: vscode.window.createTextEditorDecorationType(after('editorCodeLens.foreground')),
      ran: vscode.window.createTextEditorDecorationType(after('editorWarning.foreground')),
      failed: vscode.window.createTextEditorDecorationType(after('editorError.foreground')),
    };
    this.status = vscode.window.createStatusBarItem('cacheAdvisor.buildTimeline', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'Cache Advisor: last build';
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.workspace.onDidChangeTextDocument(e => this.onEdit(e)),
    );
  }

  /** Record a finished build: decorate, summarise, tell the server. */
  set(uri: vscode.Uri, timeline: BuildTimeline): void {
    this.byUri.set(uri.toString(), timeline);
    this.renderAll();
    this.updateStatus();
    void this.client()?.sendNotification(BuildTimelineNotification, { uri: uri.toString(), timeline }).catch(() => undefined);
  }

  get(uri: vscode.Uri): BuildTimeline | undefined {
    return this.byUri.get(uri.toString());
  }

  /** Forget one Dockerfile's timeline, or all of them. */
  clear(uri?: vscode.Uri): number {
    const keys = uri ? [uri.toString()].filter(k => this.byUri.has(k)) : [...this.byUri.keys()];
    for (const k of keys) {
      this.byUri.delete(k);
      void this.client()?.sendNotification(BuildTimelineNotification, { uri: k, timeline: null }).catch(() => undefined);
    }
    this.renderAll();
    this.updateStatus();
    return keys.length;
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const t = this.byUri.get(key);
    if (!t || e.contentChanges.length === 0) return;
    let steps = [...t.steps];
    // VS Code reports a multi-range edit bottom-up, each range in the text before the edit
    for (const c of e.contentChanges) steps = shiftSteps(steps, { start: c.range.start, end: c.range.end, text: c.text });
    this.byUri.set(key, { ...t, steps });
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) this.render(editor);
  }

  private renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.render(editor);
  }

  /** Steps still describing the text on their line (the file may have changed outside the editor). */
  private visibleSteps(doc: vscode.TextDocument, t: BuildTimeline): StepRecord[] {
    return t.steps.filter(s => {
      if (s.line === undefined || s.line < 1 || s.line > doc.lineCount) return false;
      if (s.source === undefined) return true;
      const end = Math.min(doc.lineCount, s.endLine ?? s.line);
      const text = doc.getText(new vscode.Range(s.line - 1, 0, end - 1, doc.lineAt(end - 1).text.length));
      return normaliseInstruction(text) === s.source;
    });
  }

  private render(editor: vscode.TextEditor): void {
    const t = this.byUri.get(editor.document.uri.toString());
    const groups: Record<Kind, vscode.DecorationOptions[]> = { cached: [], ran: [], failed: [] };
    if (t) {
      for (const s of this.visibleSteps(editor.document, t)) {
        const line = editor.document.lineAt(s.line! - 1);
        groups[kindOf(s)].push({
          range: new vscode.Range(line.range.end, line.range.end),
          hoverMessage: this.hover(s, t),
          renderOptions: { after: { contentText: stepNote(s) } },
        });
      }
    }
    for (const k of Object.keys(groups) as Kind[]) editor.setDecorations(this.types[k], groups[k]);
  }

  private hover(s: StepRecord, t: BuildTimeline): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['cacheAdvisor.clearBuildTimeline', 'cacheAdvisor.buildAgain', 'cacheAdvisor.whyDidThisRun'] };
    const when = new Date(t.finishedAt);
    md.appendMarkdown(`**Last build** (${isNaN(when.getTime()) ? 'earlier' : when.toLocaleTimeString()}): **${stepOutcome(s)}**`);
    if (!s.cached && !s.error && s.seconds > 0) md.appendMarkdown(` — ${Math.round((s.seconds / Math.max(t.seconds, 0.001)) * 100)}% of the ${formatDuration(t.seconds)} build`);
    md.appendMarkdown('\n\n');
    md.appendCodeblock(s.name, 'dockerfile');
    if (s.stage) md.appendMarkdown(`Stage \`${s.stage}\`${s.index ? `, step ${s.index}/${s.total}` : ''}\n\n`);
    if (s.sharedWith !== undefined) md.appendMarkdown(`BuildKit built this step once for this line and line ${s.sharedWith}: the stages are identical up to here, so they share its result.\n\n`);
    else if (s.cached) md.appendMarkdown('BuildKit reused the cached layer: nothing this step depends on changed.\n\n');
    if (s.reason) md.appendMarkdown(reasonMarkdown(s, t));
    if (s.canceled) md.appendMarkdown('The build stopped before this step finished (another step failed, or the build was cancelled).\n\n');
    if (s.errorMessage) md.appendMarkdown(`**Error:** ${escapeMd(s.errorMessage)}\n\n`);
    if (s.logs?.length) {
      md.appendMarkdown('Output (last lines):\n');
      md.appendCodeblock(s.logs.slice(-10).join('\n'), 'text');
    }
    md.appendMarkdown(`\n${summaryText(t)}${t.engine ? ` · \`${escapeMd(t.engine)}\`` : ''}\n\n`);
    const arg = encodeURIComponent(JSON.stringify([vscode.Uri.file(t.dockerfile).toString()]));
    md.appendMarkdown(`[Build again](command:cacheAdvisor.buildAgain?${arg}) · [Clear build timeline](command:cacheAdvisor.clearBuildTimeline?${arg})`);
    return md;
  }

  private updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const t = doc ? this.byUri.get(doc.uri.toString()) : undefined;
    if (!doc || !t) { this.status.hide(); return; }
    this.status.text = `${t.success ? '$(check)' : '$(error)'} ${summaryText(t)}`;
    this.status.tooltip = new vscode.MarkdownString(
      `Last build of \`${escapeMd(vscode.workspace.asRelativePath(doc.uri))}\`${t.tag ? ` as \`${escapeMd(t.tag)}\`` : ''}` +
      `${t.error ? `\n\n**${escapeMd(t.error)}**` : ''}\n\nClick to build again.`);
    this.status.command = { command: 'cacheAdvisor.buildAgain', title: 'Build again', arguments: [doc.uri] };
    this.status.backgroundColor = t.success ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    this.status.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const t of Object.values(this.types)) t.dispose();
    this.status.dispose();
  }
}

/** "Why it ran" for the hover: the reason, the files as a list, the fix and the command. */
function reasonMarkdown(s: StepRecord, t: BuildTimeline): string {
  const [first, ...rest] = reasonDetail(s.reason!);
  let text = `**Why it ran:** ${escapeMd(first)}\n\n`;
  const items = rest.filter(l => l.startsWith('  '));
  if (items.length) text += items.map(l => `- ${escapeMd(l.trim())}`).join('\n') + '\n\n';
  for (const l of rest.filter(l => !l.startsWith('  '))) text += `${escapeMd(l)}\n\n`;
  const arg = encodeURIComponent(JSON.stringify([vscode.Uri.file(t.dockerfile).toString(), s.line]));
  text += `[Why did this run?](command:cacheAdvisor.whyDidThisRun?${arg})\n\n`;
  return text;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}
