/**
 * Builds run as VS Code tasks (the terminal people know, cancellable with the trash can or Ctrl+C):
 * the `cache-advisor-build` task type for tasks.json, and the task the Build command starts.
 * The task's terminal is a pseudoterminal that runs the engine without a shell.
 */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { BuildArgsError, displayCommand, buildCommand, defaultTag } from '../../../common/docker/buildArgs';
import { detectEngine, EngineError, type EngineChoice } from '../../../common/docker/buildEngine';
import { runBuild } from '../../../common/docker/runBuild';
import { formatTable, summaryText, type BuildTimeline } from '../../../common/docker/timeline';
import { cacheSettings, dockerProcessEnv, openDockerSetting } from '../dockerSettings';
import { log } from '../log';
import { snapshotDir } from './history';

export const TASK_TYPE = 'cache-advisor-build';

/** The task definition (package.json `taskDefinitions`). */
export interface BuildTaskDefinition extends vscode.TaskDefinition {
  readonly type: typeof TASK_TYPE;
  readonly dockerfile: string;
  readonly context?: string;
  readonly tag?: string;
  readonly target?: string;
  readonly buildArgs?: Record<string, string>;
  readonly cacheFrom?: string[];
  readonly cacheTo?: string[];
  readonly extraArgs?: string[];
}

/** Called when a build finished (successfully or not) with its timeline. */
export type OnBuilt = (dockerfile: vscode.Uri, timeline: BuildTimeline) => void;

/** Engine settings: the executable only from user (machine) settings, never from a workspace. */
export function engineSettings(scope?: vscode.Uri): { dockerPath?: string; engine: EngineChoice; cacheFrom: string[]; cacheTo: string[] } {
  const cfg = vscode.workspace.getConfiguration('cacheAdvisor', scope);
  const pathSetting = cfg.inspect<string>('dockerPath');
  const dockerPath = (pathSetting?.globalValue ?? '').trim() || undefined;
  const engine = cfg.get<string>('engine') === 'podman' ? 'podman' : 'docker';
  return { dockerPath, engine, ...cacheSettings(scope) };
}

/** `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}` in task definitions (custom executions get no substitution). */
export function substitute(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  return value
    .replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? '')
    .replace(/\$\{workspaceFolderBasename\}/g, folder?.name ?? '')
    .replace(/\$\{userHome\}/g, os.homedir());
}

export function resolvePath(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  const v = substitute(value, folder);
  return path.isAbsolute(v) ? v : path.resolve(folder?.uri.fsPath ?? process.cwd(), v);
}

/** A task that builds `def` (relative paths from the workspace folder). */
export function createBuildTask(def: BuildTaskDefinition, folder: vscode.WorkspaceFolder | undefined, onBuilt: OnBuilt, name?: string): vscode.Task {
  const dockerfile = resolvePath(def.dockerfile, folder);
  const label = name ?? `build ${folder ? path.relative(folder.uri.fsPath, dockerfile) || dockerfile : dockerfile}`;
  const task = new vscode.Task(def, folder ?? vscode.TaskScope.Workspace, label, 'Cache Advisor',
    new vscode.CustomExecution(async resolved => new BuildPty(resolved as BuildTaskDefinition, folder, onBuilt)));
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
  task.group = vscode.TaskGroup.Build;
  return task;
}

const CSI = { red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', dim: '\x1b[2m', reset: '\x1b[0m' };
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

class BuildPty implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly done = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.write.event;
  readonly onDidClose = this.done.event;
  private readonly abort = new AbortController();

  constructor(private readonly def: BuildTaskDefinition, private readonly folder: vscode.WorkspaceFolder | undefined, private readonly onBuilt: OnBuilt) {}

  open(): void {
    void this.run().then(code => this.done.fire(code));
  }

  close(): void {
    this.abort.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03') { this.write.fire('^C\r\n'); this.abort.abort(); }
  }

  private async run(): Promise<number> {
    if (!vscode.workspace.isTrusted) {
      this.write.fire(crlf(`${CSI.red}Cache Advisor: building is disabled in Restricted Mode (it runs Docker on this workspace's files). Trust the workspace to build.${CSI.reset}\n`));
      return 1;
    }
    const def = this.def;
    const dockerfile = resolvePath(def.dockerfile, this.folder);
    const context = resolvePath(def.context ?? path.dirname(dockerfile), this.folder);
    const settings = engineSettings(vscode.Uri.file(dockerfile));
    const request = {
      dockerfile, context,
      tag: def.tag ? substitute(def.tag, this.folder) : defaultTag(context),
      target: def.target,
      buildArgs: def.buildArgs,
      cacheFrom: def.cacheFrom ?? settings.cacheFrom,
      cacheTo: def.cacheTo ?? settings.cacheTo,
      extraArgs: (def.extraArgs ?? []).map(a => substitute(a, this.folder)),
    };
    try {
      // the same engine as the Build Cache view and prune: cacheAdvisor.dockerHost becomes DOCKER_HOST
      const env = dockerProcessEnv(vscode.Uri.file(dockerfile));
      const engine = await detectEngine({ dockerPath: settings.dockerPath, engine: settings.engine, env });
      if (engine.note) this.write.fire(crlf(`${CSI.yellow}${engine.note}${CSI.reset}\n`));
      const shown = displayCommand(buildCommand(engine, request));
      log.info(`build${env.DOCKER_HOST ? ` (DOCKER_HOST=${env.DOCKER_HOST})` : ''}: ${shown}`);
      this.write.fire(crlf(`${CSI.dim}> ${shown}${CSI.reset}\n\n`));
      const history = snapshotDir();
      const outcome = await runBuild({ engine, request, env, signal: this.abort.signal, onOutput: s => this.write.fire(crlf(s)), ...(history ? { history: { dir: history } } : {}) });
      const t = outcome.timeline;
      log.info(`build of ${dockerfile}: ${summaryText(t)}${t.error ? ` — ${t.error}` : ''}`);
      if (t.historyNote) log.warn(`build of ${dockerfile}: ${t.historyNote}`);
      this.write.fire(crlf(`\n${formatTable(t)}\n`));
      this.onBuilt(vscode.Uri.file(dockerfile), t);
      if (outcome.canceled) return 130;
      return t.success ? 0 : outcome.exitCode || 1;
    } catch (e) {
      const message = e instanceof EngineError || e instanceof BuildArgsError ? e.message : String((e as Error)?.message ?? e);
      log.error(`build of ${dockerfile} did not run: ${message}`);
      this.write.fire(crlf(`\n${CSI.red}${message}${CSI.reset}\n`));
      const actions = e instanceof EngineError && e.problem !== 'daemon' ? ['Open Settings'] : [];
      void vscode.window.showErrorMessage(`Cache Advisor: ${message.split('\n')[0]}`, { detail: message, modal: false }, ...actions).then(a => {
        if (a === 'Open Settings') void openDockerSetting('cacheAdvisor.dockerPath');
      });
      return 2;
    }
  }
}

/** Provides one build task per Dockerfile in the workspace and resolves `cache-advisor-build` tasks from tasks.json. */
export class BuildTaskProvider implements vscode.TaskProvider {
  constructor(private readonly onBuilt: OnBuilt) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const files = await vscode.workspace.findFiles('**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*}', '**/node_modules/**', 20);
    return files.map(f => {
      const folder = vscode.workspace.getWorkspaceFolder(f);
      const rel = folder ? path.relative(folder.uri.fsPath, f.fsPath) : f.fsPath;
      return createBuildTask({ type: TASK_TYPE, dockerfile: rel }, folder, this.onBuilt);
    });
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as BuildTaskDefinition;
    if (def.type !== TASK_TYPE || typeof def.dockerfile !== 'string') return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    return createBuildTask(def, folder, this.onBuilt, task.name);
  }
}

/** A one-line summary for notifications. */
export function notifySummary(dockerfile: vscode.Uri, t: BuildTimeline): void {
  const name = vscode.workspace.asRelativePath(dockerfile);
  if (t.success) void vscode.window.showInformationMessage(`Cache Advisor: built ${name}: ${summaryText(t)}`);
  else if (t.error !== 'cancelled') void vscode.window.showErrorMessage(`Cache Advisor: build of ${name} failed: ${summaryText(t)}${t.error ? ` — ${t.error}` : ''}`);
}
