/**
 * The Docker settings as the client reads them: one engine endpoint for the view, the build and
 * prune; the ▷ flow's build options; and a way to the settings that works in remote windows, where
 * machine settings live in the Remote tab and a value in the workspace is silently ignored.
 */
import * as vscode from 'vscode';
import { cacheSettingValue, DOCKER_SETTING_SCOPES as SCOPES, dockerEnv, ignoredValues, optionsFromSettings, RESTRICTED_SETTINGS, scopeAdvice, withWritten, writtenValues, type BuildOptions, type SettingValues } from './buildOptions';

/**
 * The engine endpoint the user chose (`cacheAdvisor.dockerHost`), or undefined for docker's own
 * choice. A workspace value counts only in a trusted workspace.
 */
export function dockerHost(scope?: vscode.Uri): string | undefined {
  const value = trustedValue(vscode.workspace.getConfiguration('cacheAdvisor', scope), 'dockerHost');
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

/** The environment every Docker process runs with: DOCKER_HOST from the setting when it is set. */
export function dockerProcessEnv(scope?: vscode.Uri): NodeJS.ProcessEnv {
  return dockerEnv(dockerHost(scope), process.env);
}

/** `cacheAdvisor.build.*` for a Dockerfile; only the user's own values in an untrusted workspace. */
export function buildOptionSettings(scope: vscode.Uri): BuildOptions {
  const cfg = vscode.workspace.getConfiguration('cacheAdvisor', scope);
  return optionsFromSettings({ args: trustedValue(cfg, 'build.args'), target: trustedValue(cfg, 'build.target'), extraArgs: trustedValue(cfg, 'build.extraArgs') });
}

/**
 * `cacheAdvisor.build.cacheFrom` / `cacheTo` (a cache destination pushes to a registry: restricted like
 * the other build options), falling back to the old `cacheAdvisor.cacheFrom` / `cacheTo`.
 */
export function cacheSettings(scope?: vscode.Uri): { cacheFrom: string[]; cacheTo: string[] } {
  const cfg = vscode.workspace.getConfiguration('cacheAdvisor', scope);
  const value = (key: string) => {
    const v = cfg.inspect(key);
    // undefined when set at no level (the default does not count), so the old name still applies
    return vscode.workspace.isTrusted ? v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue : v?.globalValue;
  };
  return {
    cacheFrom: cacheSettingValue(value('build.cacheFrom'), value('cacheFrom')),
    cacheTo: cacheSettingValue(value('build.cacheTo'), value('cacheTo')),
  };
}

/** A restricted setting's value: every level in a trusted workspace, the user's own value otherwise. */
function trustedValue(cfg: vscode.WorkspaceConfiguration, key: string): unknown {
  return vscode.workspace.isTrusted ? cfg.get(key) : cfg.inspect(key)?.globalValue;
}

/**
 * Open the Settings editor on a Docker setting: the Remote tab in a remote window (machine settings
 * from the local User tab do not reach a remote extension host), with a note of where the value must
 * live and a warning for every value VS Code is ignoring.
 */
export async function openDockerSetting(key: string): Promise<void> {
  const remote = vscode.env.remoteName;
  const scope = SCOPES[key] ?? 'resource';
  const values = withWritten(vscode.workspace.getConfiguration().inspect(key), (await readWrittenValues([key])).get(key));
  const ignored = ignoredValues(key, scope, values, { trusted: vscode.workspace.isTrusted, restricted: (RESTRICTED_SETTINGS as readonly string[]).includes(key) });
  await vscode.commands.executeCommand(settingsCommand(), { query: key });
  const advice = `Cache Advisor: ${key}: ${scopeAdvice(scope, remote)}`;
  if (ignored.length) void vscode.window.showWarningMessage(`${ignored.join(' ')} ${scopeAdvice(scope, remote)}`);
  else void vscode.window.setStatusBarMessage(advice, 8000);
}

/**
 * The Settings editor tab where machine settings take effect: Remote in a remote window. Both
 * commands take `{ query }` (the remote one ignores a plain string).
 */
export function settingsCommand(): string {
  return vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
}

/**
 * Warn about Docker settings sitting where VS Code ignores them: at start, and whenever one of them
 * changes (the moment someone writes one into .vscode/settings.json).
 */
export function registerDockerSettingsChecks(context: vscode.ExtensionContext): void {
  void warnAboutIgnoredValues(Object.keys(SCOPES));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(e => {
    const changed = Object.keys(SCOPES).filter(k => e.affectsConfiguration(k));
    if (changed.length) void warnAboutIgnoredValues(changed);
  }));
  // a machine setting written into .vscode/settings.json changes no configuration VS Code reports
  const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/settings.json');
  const recheck = () => void warnAboutIgnoredValues(Object.keys(SCOPES));
  context.subscriptions.push(watcher, watcher.onDidChange(recheck), watcher.onDidCreate(recheck));
}

/** Settings files larger than this are not read for the check (a settings file is a few KiB). */
const MAX_SETTINGS_FILE = 1024 * 1024;

async function readSmallText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size > MAX_SETTINGS_FILE) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** What the workspace's settings files say about `keys` (see writtenValues). */
async function readWrittenValues(keys: readonly string[]): Promise<Map<string, SettingValues>> {
  const folders = await Promise.all((vscode.workspace.workspaceFolders ?? []).map(f => readSmallText(vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'))));
  const wsFile = vscode.workspace.workspaceFile;
  const workspaceFile = wsFile && wsFile.scheme !== 'untitled' ? (await readSmallText(wsFile)) ?? '{}' : undefined;
  return writtenValues(keys, { folders: folders.filter((t): t is string => t !== undefined), workspaceFile });
}

let lastWarning: string | undefined;

async function warnAboutIgnoredValues(keys: readonly string[]): Promise<void> {
  const problems: Array<{ key: string; text: string }> = [];
  const written = await readWrittenValues(keys);
  for (const key of keys) {
    const values = withWritten(vscode.workspace.getConfiguration().inspect(key), written.get(key));
    const restricted = (RESTRICTED_SETTINGS as readonly string[]).includes(key);
    for (const text of ignoredValues(key, SCOPES[key], values, { trusted: vscode.workspace.isTrusted, restricted })) problems.push({ key, text });
  }
  const text = `Cache Advisor: ${problems.map(p => p.text).join(' ')}`;
  // the file watcher and the configuration event may both report one edit: say each thing once
  if (!problems.length || text === lastWarning) return;
  lastWarning = text;
  const open = vscode.env.remoteName ? 'Open Remote Settings' : 'Open User Settings';
  void vscode.window.showWarningMessage(text, open).then(a => {
    if (a) void openDockerSetting(problems[0].key);
  });
}
