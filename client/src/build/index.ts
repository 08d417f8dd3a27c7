/** Build support set up once at activation: the timelines on screen and the `cache-advisor-build` task type. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { BuildTimeline } from '../../../common/docker/timeline';
import { BuildTaskProvider, notifySummary, TASK_TYPE } from './buildTask';
import { useSnapshotStorage } from './history';
import { BuildTimelines } from './timelines';

let timelines: BuildTimelines | undefined;

/** The timelines on screen (created by `registerBuildSupport`). */
export function buildTimelines(): BuildTimelines | undefined {
  return timelines;
}

/** What happens after every build, from the command or from tasks.json. */
async function onBuilt(dockerfile: vscode.Uri, timeline: BuildTimeline): Promise<void> {
  timelines?.set(dockerfile, timeline);
  notifySummary(dockerfile, timeline);
  // the cache-stats view (when installed) shows what the build added to the cache
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes('cacheAdvisor.refreshCacheStats')) void vscode.commands.executeCommand('cacheAdvisor.refreshCacheStats');
}

export function registerBuildSupport(extension: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  timelines = new BuildTimelines(client);
  useSnapshotStorage(extension);
  extension.subscriptions.push(
    timelines,
    vscode.tasks.registerTaskProvider(TASK_TYPE, new BuildTaskProvider((f, t) => void onBuilt(f, t))),
  );
}

export { onBuilt };
