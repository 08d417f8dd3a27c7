/** What every clean-up command shares: the trust check, a modal confirmation, progress, the result. */
import * as vscode from 'vscode';
import type { PruneResult } from '../../../../common/docker/prune';
import { cacheStatsProvider } from './index';
import { log } from '../../log';
import type { Snapshot } from './rows';
import { formatBytes } from '../../../../common/format';

/** Clean-up runs Docker and deletes data: refuse in an untrusted workspace, and say why. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Cache Advisor: "${action}" is disabled in an untrusted workspace, because it deletes Docker data and files on this machine. Trust the workspace to use it.`,
    'Manage Workspace Trust',
  ).then(choice => { if (choice) void vscode.commands.executeCommand('workbench.trust.manage'); });
  return false;
}

/** A fresh snapshot, so the confirmation states current sizes; undefined (after a message) without Docker. */
export async function freshSnapshot(needsEngine = true): Promise<Snapshot | undefined> {
  const s = await cacheStatsProvider().refresh();
  if (needsEngine && !s.stats) {
    const choice = await vscode.window.showErrorMessage(s.engineError ?? 'Docker is not reachable', 'Retry', 'Open settings');
    if (choice === 'Retry') void vscode.commands.executeCommand('cacheAdvisor.refreshCacheStats');
    if (choice === 'Open settings') void vscode.commands.executeCommand('cacheAdvisor.openDockerSettings', 'cacheAdvisor.dockerHost');
    return undefined;
  }
  return s;
}

export const exactBytes = (b: number) => `${formatBytes(b)} (${b.toLocaleString('en-US')} bytes)`;

export interface Cleanup {
  /** Question in the modal, e.g. "Delete 3 build-cache mounts?". */
  question: string;
  /** What will be deleted and how much it frees. */
  detail: string;
  /** Button text, e.g. "Delete". */
  confirm: string;
  /** Progress title. */
  progress: string;
  run: () => Promise<PruneResult>;
  /** "removed 3 cache mounts" for the result message. */
  summary: (r: PruneResult) => string;
}

/** Modal confirmation → run with progress → "Reclaimed …" → refresh the view. */
export async function confirmAndRun(c: Cleanup): Promise<PruneResult | undefined> {
  const ok = await vscode.window.showWarningMessage(c.question, { modal: true, detail: c.detail }, c.confirm);
  if (ok !== c.confirm) return undefined;
  try {
    log.info(`${c.progress}: ${c.question}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Cache Advisor: ${c.progress}…` }, () => c.run());
    log.info(`${c.progress}: reclaimed ${exactBytes(result.reclaimedBytes)}; ${c.summary(result)}`);
    void vscode.window.showInformationMessage(`Cache Advisor: reclaimed ${exactBytes(result.reclaimedBytes)}; ${c.summary(result)}.`);
    return result;
  } catch (e) {
    log.error(`${c.progress} failed`, e);
    void vscode.window.showErrorMessage(`Cache Advisor: ${c.progress} failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    void cacheStatsProvider().refresh();
  }
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
