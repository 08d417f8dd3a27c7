import * as vscode from 'vscode';
import { openDockerSetting, settingsCommand } from '../dockerSettings';
import type { CommandContext } from './index';

const DOCKER_SETTINGS = ['cacheAdvisor.dockerHost', 'cacheAdvisor.dockerPath', 'cacheAdvisor.engine', 'cacheAdvisor.build.args', 'cacheAdvisor.build.target', 'cacheAdvisor.build.extraArgs'];

/**
 * Open the Docker settings where they take effect: the Remote tab in a remote window. With a
 * setting id (from an error row or message) it opens that one; from the palette it opens them all.
 */
export async function openDockerSettings(_ctx: CommandContext, key?: unknown): Promise<void> {
  if (typeof key === 'string' && DOCKER_SETTINGS.includes(key)) return openDockerSetting(key);
  const query = '@ext:cache-advisor.dockerfile-cache-advisor docker';
  await vscode.commands.executeCommand(settingsCommand(), { query });
}
