import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ignoreFileCandidates } from '../../../common/ignoreFile';
import { reasonDetail, reasonShort, type MissReason } from '../../../common/docker/missReasons';
import { stepNote, type BuildTimeline, type StepRecord } from '../../../common/docker/timeline';
import { buildTimelines } from '../build';
import type { CommandContext } from './index';

/**
 * "Why did this run?": for the step on the cursor's line (or one picked from the steps that ran),
 * why the last build could not reuse its cache. Files are listed to open; when they look unneeded by
 * the build, the fix is offered as `.dockerignore` lines added to the (unsaved) file for review.
 */
export async function whyDidThisRun(_ctx: CommandContext, target?: unknown, lineArg?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : editor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('Cache Advisor: open a Dockerfile that was built in this window to see why its steps ran.');
    return;
  }
  const t = buildTimelines()?.get(uri);
  if (!t) {
    void vscode.window.showInformationMessage(`Cache Advisor: ${vscode.workspace.asRelativePath(uri)} has not been built in this window. Build it (Build with BuildKit): every step that runs then says why.`);
    return;
  }
  const line = typeof lineArg === 'number' ? lineArg : editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line + 1 : undefined;
  let step = line !== undefined ? t.steps.find(s => s.line !== undefined && s.line <= line && line <= (s.endLine ?? s.line)) : undefined;
  if (!step) {
    const ran = t.steps.filter(s => !s.cached && s.line !== undefined);
    if (ran.length === 0) {
      void vscode.window.showInformationMessage(`Cache Advisor: every step of the last build of ${vscode.workspace.asRelativePath(uri)} was cached.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(ran.map(s => ({ label: `line ${s.line}: ${s.name}`, description: stepNote(s), step: s })), { title: 'Why did this run? Pick a step of the last build' });
    if (!picked) return;
    step = picked.step;
  }
  await explain(uri, t, step);
}

async function explain(uri: vscode.Uri, t: BuildTimeline, s: StepRecord): Promise<void> {
  const where = `line ${s.line}`;
  if (s.cached) {
    void vscode.window.showInformationMessage(`Cache Advisor: ${where} was cached in the last build: nothing it depends on changed.`);
    return;
  }
  const r = s.reason;
  if (!r) {
    const why = t.historyNote ?? 'this build was not compared with an earlier one';
    void vscode.window.showInformationMessage(`Cache Advisor: ${where} ${stepNote(s)}; no reason recorded (${why}).`);
    return;
  }
  if (r.kind === 'files' && r.files?.length) {
    await pickFile(uri, t, s, r);
    return;
  }
  const goTo = r.line !== undefined && r.line !== s.line ? `Go to line ${r.line}` : undefined;
  const detail = reasonDetail(r).map(l => l.trim()).join(' ');
  const answer = await vscode.window.showInformationMessage(`Cache Advisor: ${where} ran — ${detail}`, ...(goTo ? [goTo] : []));
  if (answer === goTo && r.line !== undefined) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = new vscode.Position(Math.min(r.line - 1, doc.lineCount - 1), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  }
}

type FileItem = vscode.QuickPickItem & { file?: string; ignore?: readonly string[] };

async function pickFile(uri: vscode.Uri, t: BuildTimeline, s: StepRecord, r: MissReason): Promise<void> {
  const context = t.context ?? path.dirname(t.dockerfile);
  const items: FileItem[] = [];
  if (r.ignoreSuggestion) {
    items.push({
      label: `$(lightbulb) Add ${r.ignoreSuggestion.join(', ')} to .dockerignore`,
      detail: 'These files do not look needed by the build; ignored, they no longer re-run this step. Or copy only what the build needs (a narrower COPY).',
      ignore: r.ignoreSuggestion,
    });
  }
  (r.files ?? []).forEach((f, i) => items.push({ label: f, description: r.changes?.[i] ?? 'changed', file: f }));
  const more = (r.count ?? 0) - (r.files?.length ?? 0);
  if (more > 0) items.push({ label: `… and ${more} more`, description: 'not listed' });
  const picked = await vscode.window.showQuickPick(items, { title: `Why did line ${s.line} run? ${reasonShort(r)}`, placeHolder: 'Open a changed file' });
  if (!picked) return;
  if (picked.ignore) { await addToDockerignore(uri, context, picked.ignore); return; }
  if (!picked.file) return;
  const file = path.join(context, picked.file);
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    void vscode.window.showInformationMessage(`Cache Advisor: ${picked.file} ${picked.description === 'removed' ? 'was removed' : 'is not a file'}.`);
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}

/** Append the entries to the ignore file BuildKit uses for this build, unsaved, for the user to review. */
async function addToDockerignore(dockerfile: vscode.Uri, context: string, entries: readonly string[]): Promise<void> {
  const [own, shared] = ignoreFileCandidates(dockerfile.fsPath, context);
  const file = fs.existsSync(own) ? own : shared;
  const exists = fs.existsSync(file);
  const doc = await vscode.workspace.openTextDocument(exists ? vscode.Uri.file(file) : vscode.Uri.file(file).with({ scheme: 'untitled' }));
  const present = new Set(doc.getText().split(/\r?\n/).map(l => l.trim()));
  const add = entries.filter(e => !present.has(e));
  if (add.length) {
    const text = doc.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(text.length), `${text && !text.endsWith('\n') ? '\n' : ''}${add.join('\n')}\n`);
    await vscode.workspace.applyEdit(edit);
  }
  await vscode.window.showTextDocument(doc);
  void vscode.window.setStatusBarMessage(`Cache Advisor: review and save ${path.basename(file)}; the next build no longer copies ${entries.join(', ')}`, 5000);
}
