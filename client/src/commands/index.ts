import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { fixAllInEditor } from './fixAll';
import { restartServer } from './restartServer';
import { refreshCacheStats } from './refreshCacheStats';
import { pruneCacheMounts } from './pruneCacheMounts';
import { pruneOldBuildCache } from './pruneOldBuildCache';
import { pruneAllBuildCache } from './pruneAllBuildCache';
import { removeCacheRecord } from './removeCacheRecord';
import { removeDanglingImages } from './removeDanglingImages';
import { removeVolume } from './removeVolume';
import { clearHostCache } from './clearHostCache';
import { exportCacheReport } from './exportCacheReport';
import { whatRebuilds } from './whatRebuilds';
import { clearRebuildHighlights } from './clearRebuildHighlights';
import { buildImage } from './buildImage';
import { buildAgain } from './buildAgain';
import { clearBuildTimeline } from './clearBuildTimeline';
import { whyDidThisRun } from './whyDidThisRun';
import { openDockerSettings } from './openDockerSettings';
import { showLensDetails } from './showLensDetails';
import { registerBuildSupport } from '../build';
import { registerLastBuilds } from '../lastBuilds';

/** Context every command receives. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly client: () => LanguageClient | undefined;
}

/** The one list of commands. Ids are `cacheAdvisor.<verbNoun>`; each lives in its own file. */
const COMMANDS: Record<string, (ctx: CommandContext, ...args: unknown[]) => unknown> = {
  'cacheAdvisor.fixAll': fixAllInEditor,
  'cacheAdvisor.restartServer': restartServer,
  'cacheAdvisor.refreshCacheStats': refreshCacheStats,
  'cacheAdvisor.pruneCacheMounts': pruneCacheMounts,
  'cacheAdvisor.pruneOldBuildCache': pruneOldBuildCache,
  'cacheAdvisor.pruneAllBuildCache': pruneAllBuildCache,
  'cacheAdvisor.removeCacheRecord': removeCacheRecord,
  'cacheAdvisor.removeDanglingImages': removeDanglingImages,
  'cacheAdvisor.removeVolume': removeVolume,
  'cacheAdvisor.clearHostCache': clearHostCache,
  'cacheAdvisor.exportCacheReport': exportCacheReport,
  'cacheAdvisor.whatRebuilds': whatRebuilds,
  'cacheAdvisor.clearRebuildHighlights': clearRebuildHighlights,
  'cacheAdvisor.build': buildImage,
  'cacheAdvisor.buildAgain': buildAgain,
  'cacheAdvisor.clearBuildTimeline': clearBuildTimeline,
  'cacheAdvisor.whyDidThisRun': whyDidThisRun,
  'cacheAdvisor.openDockerSettings': openDockerSettings,
  // what a CodeLens click runs (common/protocol.ts LENS_DETAILS_COMMAND); not in the palette
  'cacheAdvisor.showLensDetails': showLensDetails,
};

export function registerCommands(extension: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  const ctx: CommandContext = { extension, client };
  // the build commands' timelines on screen and the cache-advisor-build task type
  registerBuildSupport(extension, client);
  // what "Build again" repeats: every cache-advisor-build task as it starts
  registerLastBuilds(extension);
  for (const [id, run] of Object.entries(COMMANDS)) {
    extension.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => run(ctx, ...args)));
  }
}
