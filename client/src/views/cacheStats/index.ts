import * as vscode from 'vscode';
import { EngineClient } from '../../../../common/docker/engineApi';
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

/** The source the view and the clean-up commands share: the build's endpoint (dockerSettings.dockerHost), same limits. */
export function createSource(): CacheStatsSource {
  return new CacheStatsSource({
    // the docker CLI of the builds also runs `system dial-stdio` for ssh:// endpoints
    engine: () => EngineClient.fromEnvironment({ host: dockerHost(), dockerPath: engineSettings().dockerPath }),
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
      if (e.affectsConfiguration('cacheAdvisor.dockerHost') || e.affectsConfiguration('cacheAdvisor.hostCaches')) void p.refresh();
    }),
    { dispose: () => { provider = undefined; } });
  // The status bar shows the total without opening the view; one /system/df, host caches in a worker.
  void p.current();
}
