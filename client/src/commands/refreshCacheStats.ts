import { cacheStatsProvider } from '../views/cacheStats';
import type { CommandContext } from './index';

/**
 * Reload the Build Cache view and the status bar. The build command runs this after each build.
 * Never shows a popup: an unreachable engine is an error row in the view.
 */
export async function refreshCacheStats(_ctx: CommandContext): Promise<void> {
  await cacheStatsProvider().refresh();
}
