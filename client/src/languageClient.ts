import * as path from 'path';
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { WorkspaceTrustNotification, type InitializationOptions } from '../../common/protocol';
import { SERVER_ENV, SERVER_NODE_ARGS } from '../../common/serverEnvironment';
import { outputChannel } from './log';
import { RestartPolicy } from './restartPolicy';

/** Files the server analyses: the dockerfile language plus Dockerfile-named files of any language id, Compose files and CI workflows. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Containerfile.*}' },
  { scheme: 'untitled', language: 'dockerfile' },
  // Compose files: the compose rules (the server ignores YAML that is not compose-named)
  { language: 'dockercompose' },
  // the names of common/analysis/fileNames.ts isComposeFileName (test/unit/fileNames.test.ts compares them)
  { scheme: 'file', pattern: '**/{docker-compose.yml,docker-compose.yaml,docker-compose.*.yml,docker-compose.*.yaml,docker-compose-*.yml,docker-compose-*.yaml,compose.yml,compose.yaml,compose.*.yml,compose.*.yaml,compose-*.yml,compose-*.yaml,*.compose.yml,*.compose.yaml}' },
  // CI workflows: the ci rules (GitHub Actions workflows, whatever language id an extension gives them, and GitLab CI)
  { language: 'github-actions-workflow' },
  { scheme: 'file', pattern: '**/.github/workflows/*.{yml,yaml}' },
  { scheme: 'file', pattern: '**/.gitlab-ci.yml' },
];

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env: SERVER_ENV, execArgv: [...SERVER_NODE_ARGS] } },
    debug: { module, transport: TransportKind.ipc, options: { env: SERVER_ENV, execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      configurationSection: 'cacheAdvisor',
      // the context listing feeds the fixes (which manifests exist): re-lint when it changes
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore,requirements*.txt,package*.json,*.lock,go.mod,go.sum,pyproject.toml}'),
    },
    diagnosticCollectionName: 'cache-advisor',
    // one channel for the server's messages and the client's own log (builds, engine calls, errors)
    outputChannel: outputChannel(context),
    errorHandler: restartingErrorHandler(),
    // read at every (re)start: the server holds back what a Restricted Mode workspace may not set
    initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted, lensDetailsCommand: 'client' }),
  };
  const client = new LanguageClient('cacheAdvisor', 'Dockerfile Cache Advisor', serverOptions, clientOptions);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    if (client.isRunning()) void client.sendNotification(WorkspaceTrustNotification, { trusted: true });
  }));
  return client;
}

/** Restart a crashed server and say so; give up (and say how to retry) if it keeps crashing. */
function restartingErrorHandler(): NonNullable<LanguageClientOptions['errorHandler']> {
  const policy = new RestartPolicy();
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const decision = policy.onServerClosed();
      if (decision.restart) void vscode.window.showWarningMessage(decision.message);
      else void vscode.window.showErrorMessage(decision.message);
      return { action: decision.restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
    },
  };
}
