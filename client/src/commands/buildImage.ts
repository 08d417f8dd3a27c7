import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { defaultTag, validateTag } from '../../../common/docker/buildArgs';
import { composeCacheFor, mergeEntries } from '../../../common/docker/composeCache';
import { onBuilt } from '../build';
import { createBuildTask, engineSettings, resolvePath, substitute, TASK_TYPE } from '../build/buildTask';
import { formatOptions, parseOptions, proposedOptions, type BuildOptions } from '../buildOptions';
import { buildOptionSettings } from '../dockerSettings';
import { folderOf, lastBuild } from '../lastBuilds';
import { log } from '../log';
import type { CommandContext } from './index';

/** The Dockerfile to build: the explorer/editor-title argument, else the active editor's file. */
export function targetFile(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

/** Refuse in Restricted Mode (the build runs Docker on the workspace's files), offering to trust. */
export async function requireTrustToBuild(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const trust = 'Manage Workspace Trust';
  const answer = await vscode.window.showWarningMessage(
    'Cache Advisor: building is disabled in Restricted Mode: it runs Docker on this workspace\'s Dockerfile and files. Trust the workspace to build.', trust);
  if (answer === trust) void vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** The Dockerfile as a saved file on disk, or undefined after saying why not. */
export async function savedDockerfile(file: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (!file || file.scheme !== 'file') {
    void vscode.window.showInformationMessage('Cache Advisor: open a Dockerfile saved on disk (or right-click one in the Explorer) to build it.');
    return undefined;
  }
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === file.toString());
  if (open?.isDirty && !(await open.save())) {
    void vscode.window.showWarningMessage('Cache Advisor: save the Dockerfile first: the build reads it from disk.');
    return undefined;
  }
  return file;
}

/**
 * Build the image with BuildKit as a task, asking for the context, the tag and the Docker options
 * (build args, target, other flags). Each step proposes what the last build of this Dockerfile used
 * — from this flow or from a tasks.json task — else the settings. The timeline appears on the
 * Dockerfile when the build ends.
 */
export async function buildImage(_ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!(await requireTrustToBuild())) return;
  const file = await savedDockerfile(targetFile(arg));
  if (!file) return;

  const last = lastBuild(file);
  const lastFolder = last && folderOf(last);
  const dir = path.dirname(file.fsPath);
  const configured = vscode.workspace.getConfiguration('cacheAdvisor', file).get<string>('buildContext')?.trim();
  const defaultContext = last ? resolvePath(last.definition.context ?? dir, lastFolder) : configured ? path.resolve(dir, configured) : dir;

  const contextInput = await vscode.window.showInputBox({
    title: 'Build with BuildKit (1/3): build context',
    prompt: `Folder sent to the builder (relative paths start at ${dir})`,
    value: defaultContext,
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
    title: 'Build with BuildKit (2/3): image tag',
    prompt: 'name[:tag] of the image to build',
    value: last?.definition.tag ? substitute(last.definition.tag, lastFolder) : defaultTag(context),
    ignoreFocusOut: true,
    validateInput: v => validateTag(v.trim()),
  });
  if (tag === undefined) return;

  const remembered: BuildOptions | undefined = last
    ? { buildArgs: last.definition.buildArgs ?? {}, target: last.definition.target, extraArgs: last.definition.extraArgs ?? [] }
    : undefined;
  const optionsInput = await vscode.window.showInputBox({
    title: 'Build with BuildKit (3/3): Docker options',
    prompt: 'Flags for the build, e.g. --build-arg NAME=value --target stage --no-cache (empty: none). Defaults: cacheAdvisor.build.args, .target, .extraArgs',
    placeHolder: '--build-arg NAME=value --target stage --no-cache',
    value: formatOptions(proposedOptions(buildOptionSettings(file), remembered)),
    ignoreFocusOut: true,
    validateInput: v => { const o = parseOptions(v); return 'error' in o ? o.error : undefined; },
  });
  if (optionsInput === undefined) return;
  const options = parseOptions(optionsInput);
  if ('error' in options) return;

  const settings = engineSettings(file);
  const folder = vscode.workspace.getWorkspaceFolder(file);
  // the caches `docker compose build` would import and export for this Dockerfile
  const compose = composeCacheFor(file.fsPath, [path.dirname(file.fsPath), ...(folder ? [folder.uri.fsPath] : [])]);
  for (const c of compose) log.info(`Build: Compose service ${c.service} (${c.file}) adds cache_from [${c.cacheFrom.join(', ')}], cache_to [${c.cacheTo.join(', ')}]${c.skipped.length ? `; left out ${c.skipped.join(', ')}` : ''}`);
  const task = createBuildTask(
    {
      type: TASK_TYPE, dockerfile: file.fsPath, context, tag: tag.trim(),
      ...(Object.keys(options.buildArgs).length ? { buildArgs: { ...options.buildArgs } } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.extraArgs.length ? { extraArgs: [...options.extraArgs] } : {}),
      cacheFrom: compose.reduce((a, c) => mergeEntries(a, c.cacheFrom), settings.cacheFrom),
      cacheTo: compose.reduce((a, c) => mergeEntries(a, c.cacheTo), settings.cacheTo),
    },
    folder, (f, t) => void onBuilt(f, t), `build ${vscode.workspace.asRelativePath(file)}`);
  await vscode.tasks.executeTask(task);
}
