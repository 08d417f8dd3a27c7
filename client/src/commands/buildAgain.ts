import * as vscode from 'vscode';
import { onBuilt } from '../build';
import { createBuildTask } from '../build/buildTask';
import { folderOf, lastBuild } from '../lastBuilds';
import { log } from '../log';
import { buildImage, requireTrustToBuild, savedDockerfile, targetFile } from './buildImage';
import type { CommandContext } from './index';

/**
 * Repeat the last build of a Dockerfile exactly — the same task definition (context, tag, build
 * args, target, extra flags, cache settings) and name — without asking anything. With no build to
 * repeat it is the ▷ flow.
 */
export async function buildAgain(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!(await requireTrustToBuild())) return;
  const file = await savedDockerfile(targetFile(arg));
  if (!file) return;
  const last = lastBuild(file);
  if (!last) {
    log.info(`build again: no earlier build of ${file.fsPath} to repeat; asking`);
    return buildImage(ctx, file);
  }
  await vscode.tasks.executeTask(createBuildTask(last.definition, folderOf(last), (f, t) => void onBuilt(f, t), last.name));
}
