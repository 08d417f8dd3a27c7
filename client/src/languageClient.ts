import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** Files the server analyses: the dockerfile language plus Dockerfile-named files of any language id, and Compose files. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*}' },
  { scheme: 'untitled', language: 'dockerfile' },
  // Compose files: the compose rules (the server ignores YAML that is not compose-named)
  { language: 'dockercompose' },
  { scheme: 'file', pattern: '**/{docker-compose.yml,docker-compose.yaml,docker-compose.*.yml,docker-compose.*.yaml,compose.yml,compose.yaml,compose.*.yml,compose.*.yaml,*.compose.yml,*.compose.yaml}' },
];

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      configurationSection: 'cacheAdvisor',
      // the context listing feeds the fixes (which manifests exist): re-lint when it changes
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore,requirements*.txt,package*.json,*.lock,go.mod,go.sum,pyproject.toml}'),
    },
    diagnosticCollectionName: 'cache-advisor',
  };
  return new LanguageClient('cacheAdvisor', 'Dockerfile Cache Advisor', serverOptions, clientOptions);
}
