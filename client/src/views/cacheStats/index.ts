import * as vscode from 'vscode';
import { EngineClient } from '../../../../common/docker/engineApi';
import { knownCacheMounts, PodmanClient } from '../../../../common/docker/podmanStats';
import { DEFAULT_LIMITS, measureHostCachesInWorker } from '../../../../common/docker/hostCaches';
import { dockerHost } from '../../dockerSettings';
import { engineSettings } from '../../build/buildTask';
import { log } from '../../log';
import { CacheStatsProvider } from './provider';
import { CacheStatsSource, statusBarText } from './rows';

export const VIEW_ID = 'cacheAdvisor.cacheStats';

let provider: CacheStatsProvider | undefined;

/** Settings the view reads (section `cacheAdvisor`). */
function config() {
  const c = vscode.workspace.getConfiguration('cacheAdvisor');
  return {
    hostCachesEnabled: c.get<boolean>('hostCaches.enabled', true),
    maxEntries: c.get<number>('hostCaches.maxEntries', DEFAULT_LIMITS.maxEntries),
    timeoutMs: 1000 * c.get<number>('hostCaches.timeoutSeconds', DEFAULT_LIMITS.timeoutMs / 1000),
  };
}

/** Dockerfiles above this are not read for cache-mount names (the linter's default limit, 2 MiB). */
const MAX_DOCKERFILE_BYTES = 2 * 1024 * 1024;

/** The source the view and the clean-up commands share: the build's endpoint (dockerSettings.dockerHost), same limits. */
export function createSource(): CacheStatsSource {
  return new CacheStatsSource({
    // the docker CLI of the builds also runs `system dial-stdio` for ssh:// endpoints
    engine: () => EngineClient.fromEnvironment({ host: dockerHost(), dockerPath: engineSettings().dockerPath }),
    // cacheAdvisor.engine picks the engine the view shows, as it picks the one the build uses
    podman: () => (vscode.workspace.getConfiguration('cacheAdvisor').get<string>('engine', 'docker') === 'podman'
      ? PodmanClient.fromEnvironment({ host: dockerHost() })
      : undefined),
    knownMounts: async () => {
      const uris = await vscode.workspace.findFiles('**/{Dockerfile,Containerfile,*.Dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}', '**/node_modules/**', 200);
      const files = await Promise.all(uris.map(async u => {
        // a repository's "Dockerfile" may be huge or not a regular file: read only regular files up to the lint limit
        const stat = await vscode.workspace.fs.stat(u).then(x => x, () => undefined);
        if (!stat || stat.type !== vscode.FileType.File || stat.size > MAX_DOCKERFILE_BYTES) return undefined;
        return { file: vscode.workspace.asRelativePath(u), text: Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8') };
      }));
      return knownCacheMounts(files.filter((f): f is { file: string; text: string } => f !== undefined));
    },
    measureHostCaches: () => {
      const c = config();
      return c.hostCachesEnabled ? measureHostCachesInWorker({ maxEntries: c.maxEntries, timeoutMs: c.timeoutMs }) : Promise.resolve([]);
    },
  });
}

/** The view's provider (commands refresh it and read its snapshot); created on first use. */
export function cacheStatsProvider(): CacheStatsProvider {
  return (provider ??= new CacheStatsProvider(createSource()));
}

/** Register the Build Cache tree view and its status bar item (build-cache total). */
export function registerCacheStatsView(context: vscode.ExtensionContext): void {
  const p = cacheStatsProvider();
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: p, showCollapseAll: true });
  const status = vscode.window.createStatusBarItem('cacheAdvisor.buildCache', vscode.StatusBarAlignment.Right, 50);
  status.name = 'Docker Build Cache';
  status.command = `${VIEW_ID}.focus`;
  context.subscriptions.push(view, status, p,
    p.onDidLoad(s => {
      if (s.engineError) log.warn(`Build Cache view: ${s.engineError}`);
      else log.info(`Build Cache view: read the engine at ${s.engineHost ?? 'the default endpoint'}`);
      if (s.hostCacheError) log.warn(`Build Cache view: host caches: ${s.hostCacheError}`);
      const t = statusBarText(s);
      if (!t) { status.hide(); return; }
      status.text = t.text;
      status.tooltip = t.tooltip;
      status.show();
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('cacheAdvisor.dockerHost') || e.affectsConfiguration('cacheAdvisor.engine') || e.affectsConfiguration('cacheAdvisor.hostCaches')) void p.refresh();
    }),
    { dispose: () => { provider = undefined; } });
  // The status bar shows the total without opening the view; one /system/df, host caches in a worker.
  // Started after activation returns: the editor does not wait for the request and the worker to start.
  const first = setTimeout(() => void p.current(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(first) });
}
