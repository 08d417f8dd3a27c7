/**
 * The last build of each Dockerfile, whoever started it (the ▷ flow, a tasks.json
 * `cache-advisor-build` task, Build again): its whole task definition, so "Build again" repeats it
 * exactly — tag, build args, target, extra flags — and the ▷ flow proposes what was used last.
 * Kept in the workspace state, so it outlives a window reload.
 */
import * as vscode from 'vscode';
import { resolvePath, TASK_TYPE, type BuildTaskDefinition } from './build/buildTask';
import { log } from './log';

/** A build to repeat: the definition as the task had it (paths unresolved) and where it ran. */
export interface LastBuild {
  readonly definition: BuildTaskDefinition;
  /** The workspace folder the definition's relative paths start at. */
  readonly folder?: string;
  /** The task's name (the terminal's title). */
  readonly name: string;
}

const key = (dockerfile: vscode.Uri) => `cacheAdvisor.lastBuild:${dockerfile.toString()}`;

let state: vscode.Memento | undefined;

/** The last build of `dockerfile` in this workspace, if any. */
export function lastBuild(dockerfile: vscode.Uri): LastBuild | undefined {
  const b = state?.get<LastBuild>(key(dockerfile));
  return b && b.definition?.type === TASK_TYPE && typeof b.definition.dockerfile === 'string' ? b : undefined;
}

/** The workspace folder of a recorded build, when it is still open. */
export function folderOf(b: LastBuild): vscode.WorkspaceFolder | undefined {
  return b.folder ? vscode.workspace.workspaceFolders?.find(f => f.uri.toString() === b.folder) : undefined;
}

/** The Dockerfile a `cache-advisor-build` definition builds. */
export function dockerfileOf(def: BuildTaskDefinition, folder: vscode.WorkspaceFolder | undefined): vscode.Uri {
  return vscode.Uri.file(resolvePath(def.dockerfile, folder));
}

/** Record every `cache-advisor-build` task as it starts. */
export function registerLastBuilds(context: vscode.ExtensionContext): void {
  state = context.workspaceState;
  context.subscriptions.push(
    vscode.tasks.onDidStartTask(e => {
      const task = e.execution.task;
      const def = task.definition as BuildTaskDefinition;
      if (def.type !== TASK_TYPE || typeof def.dockerfile !== 'string') return;
      const folder = typeof task.scope === 'object' ? task.scope : undefined;
      const file = dockerfileOf(def, folder);
      // a plain copy: the definition object belongs to the task system
      const definition = JSON.parse(JSON.stringify(def)) as BuildTaskDefinition;
      void state?.update(key(file), { definition, folder: folder?.uri.toString(), name: task.name } satisfies LastBuild);
      log.info(`task "${task.name}" started: ${JSON.stringify(definition)}`);
    }),
    { dispose: () => { state = undefined; } },
  );
}
