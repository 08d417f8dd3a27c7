import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { defaultTag, validateTag } from '../../../server/src/docker/buildArgs';
import { onBuilt } from '../build';
import { createBuildTask, engineSettings, TASK_TYPE } from '../build/buildTask';
import type { CommandContext } from './index';

interface Remembered {
  readonly context: string;
  readonly tag: string;
}

const memoryKey = (dockerfile: vscode.Uri) => `cacheAdvisor.build:${dockerfile.toString()}`;

/** The Dockerfile to build: the explorer/editor-title argument, else the active editor's file. */
function targetFile(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

/**
 * Build the image with BuildKit as a task, asking for (and remembering per Dockerfile) the context
 * and the tag. The timeline appears on the Dockerfile when the build ends.
 */
export async function buildImage(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const trust = 'Manage Workspace Trust';
    const answer = await vscode.window.showWarningMessage(
      'Cache Advisor: building is disabled in Restricted Mode: it runs Docker on this workspace\'s Dockerfile and files. Trust the workspace to build.', trust);
    if (answer === trust) void vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const file = targetFile(arg);
  if (!file || file.scheme !== 'file') {
    void vscode.window.showInformationMessage('Cache Advisor: open a Dockerfile saved on disk (or right-click one in the Explorer) to build it.');
    return;
  }
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === file.toString());
  if (open?.isDirty && !(await open.save())) {
    void vscode.window.showWarningMessage('Cache Advisor: save the Dockerfile first: the build reads it from disk.');
    return;
  }

  const remembered = ctx.extension.workspaceState.get<Remembered>(memoryKey(file));
  const dir = path.dirname(file.fsPath);
  const configured = vscode.workspace.getConfiguration('cacheAdvisor', file).get<string>('buildContext')?.trim();
  const defaultContext = configured ? path.resolve(dir, configured) : dir;

  const contextInput = await vscode.window.showInputBox({
    title: 'Build with BuildKit (1/2): build context',
    prompt: `Folder sent to the builder (relative paths start at ${dir})`,
    value: remembered?.context ?? defaultContext,
    ignoreFocusOut: true,
    validateInput: v => {
      const p = path.resolve(dir, v.trim() || '.');
      try {
        return fs.statSync(p).isDirectory() ? undefined : `${p} is not a folder`;
      } catch {
        return `${p} does not exist`;
      }
    },
  });
  if (contextInput === undefined) return;
  const context = path.resolve(dir, contextInput.trim() || '.');

  const tag = await vscode.window.showInputBox({
    title: 'Build with BuildKit (2/2): image tag',
    prompt: 'name[:tag] of the image to build',
    value: remembered?.tag ?? defaultTag(context),
    ignoreFocusOut: true,
    validateInput: v => validateTag(v.trim()),
  });
  if (tag === undefined) return;
  await ctx.extension.workspaceState.update(memoryKey(file), { context, tag: tag.trim() } satisfies Remembered);

  const settings = engineSettings(file);
  const folder = vscode.workspace.getWorkspaceFolder(file);
  const task = createBuildTask(
    { type: TASK_TYPE, dockerfile: file.fsPath, context, tag: tag.trim(), cacheFrom: settings.cacheFrom, cacheTo: settings.cacheTo },
    folder, (f, t) => void onBuilt(f, t), `build ${vscode.workspace.asRelativePath(file)}`);
  await vscode.tasks.executeTask(task);
}
