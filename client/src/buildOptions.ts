/**
 * Which Docker options a build from the ▷ button or the palette gets, and which engine every Docker
 * call talks to. Pure (no `vscode`), so the rules are tested without VS Code: the client reads the
 * settings and hands the plain values in.
 */

import { parse as parseJsonc, type ParseError } from 'jsonc-parser';

/** Build options the ▷ flow passes to the engine: `--build-arg`, `--target` and any other flags. */
export interface BuildOptions {
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly extraArgs: readonly string[];
}

/** The raw values of `cacheAdvisor.build.args`, `.target` and `.extraArgs` (whatever the user typed in JSON). */
export interface BuildOptionSettings {
  readonly args?: unknown;
  readonly target?: unknown;
  readonly extraArgs?: unknown;
}

/**
 * Flags the build sets itself from its own inputs: given again they would fight the context, the
 * Dockerfile, the tag or the progress format the timeline is parsed from.
 */
const OWNED_FLAGS = ['-f', '--file', '-t', '--tag', '--progress', '--cache-from', '--cache-to', '--build-arg', '--target'];

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Settings → options; values of the wrong type are dropped (numbers and booleans become text, as in Compose). */
export function optionsFromSettings(s: BuildOptionSettings): BuildOptions {
  const buildArgs: Record<string, string> = {};
  if (s.args && typeof s.args === 'object' && !Array.isArray(s.args)) {
    for (const [k, v] of Object.entries(s.args as Record<string, unknown>)) {
      if (!ARG_NAME.test(k)) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') buildArgs[k] = String(v);
    }
  }
  const target = typeof s.target === 'string' && s.target.trim() ? s.target.trim() : undefined;
  const extraArgs = Array.isArray(s.extraArgs) ? s.extraArgs.filter((a): a is string => typeof a === 'string' && a.trim() !== '').map(a => a.trim()) : [];
  return { buildArgs, target, extraArgs };
}

/**
 * The options the ▷ flow proposes: what was chosen last time for this Dockerfile, else the settings.
 * A remembered choice is the user's answer for that file and wins as a whole (merging would bring
 * back an arg they deleted).
 */
export function proposedOptions(settings: BuildOptionSettings, remembered: BuildOptions | undefined): BuildOptions {
  return remembered ? { buildArgs: { ...remembered.buildArgs }, target: remembered.target, extraArgs: [...remembered.extraArgs] } : optionsFromSettings(settings);
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The options as one line of flags for the input box: `--build-arg PY=3.12 --target test --no-cache`. */
export function formatOptions(o: BuildOptions): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o.buildArgs)) parts.push('--build-arg', quote(`${k}=${v}`));
  if (o.target) parts.push('--target', quote(o.target));
  parts.push(...o.extraArgs.map(quote));
  return parts.join(' ');
}

/** Split a line like a POSIX shell does for words: whitespace separates, quotes and backslashes group. Nothing is expanded. */
export function splitWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'a single quote is not closed' };
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && /["\\$`]/.test(line[j + 1])) j++;
        cur += line[j];
      }
      if (j >= line.length) return { error: 'a double quote is not closed' };
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * The flags typed in the ▷ flow → options. `--build-arg` and `--target` are taken apart so they are
 * remembered and shown like the settings; the flags the build sets itself are refused with a reason.
 */
export function parseOptions(line: string): BuildOptions | { error: string } {
  const words = splitWords(line);
  if (!Array.isArray(words)) return words;
  const buildArgs: Record<string, string> = {};
  let target: string | undefined;
  const extraArgs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const eq = w.indexOf('=');
    const flag = w.startsWith('-') ? (eq > 0 ? w.slice(0, eq) : w) : undefined;
    const value = () => (eq > 0 ? w.slice(eq + 1) : words[++i]);
    if (flag === '--build-arg') {
      const v = value();
      if (v === undefined) return { error: '--build-arg needs NAME=value' };
      const k = v.indexOf('=');
      const name = k < 0 ? v : v.slice(0, k);
      if (!ARG_NAME.test(name)) return { error: `build argument '${v}' must be NAME=value` };
      // NAME alone passes the variable from the environment in docker; here the value must be written out
      if (k < 0) return { error: `build argument '${v}' needs a value: ${v}=…` };
      buildArgs[name] = v.slice(k + 1);
    } else if (flag === '--target') {
      const v = value();
      if (!v) return { error: '--target needs a stage name' };
      target = v;
    } else if (flag && OWNED_FLAGS.includes(flag)) {
      return { error: `${flag} is set by the build itself (context, Dockerfile, tag, cache settings): leave it out` };
    } else if (!flag && extraArgs.length === 0 && Object.keys(buildArgs).length === 0 && target === undefined) {
      return { error: `'${w}' is not a flag: the context is chosen in the first step` };
    } else {
      extraArgs.push(w);
    }
  }
  return { buildArgs, target, extraArgs };
}

/**
 * The environment Docker runs with: the `cacheAdvisor.dockerHost` setting, when set, becomes
 * DOCKER_HOST, so the build, the Build Cache view, prune and the CLI all reach the same engine.
 * DOCKER_CONTEXT goes: docker lets DOCKER_HOST win anyway, and nothing else should read the context instead.
 */
export function dockerEnv(host: string | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const h = host?.trim();
  if (!h) return env;
  const out: NodeJS.ProcessEnv = { ...env, DOCKER_HOST: h };
  delete out.DOCKER_CONTEXT;
  return out;
}

/** Where a setting's value can live (package.json `scope`). */
export type SettingScope = 'machine' | 'machine-overridable' | 'resource' | 'window' | 'application';

/** Settings VS Code ignores from the workspace in Restricted Mode (package.json `restrictedConfigurations`). */
export const RESTRICTED_SETTINGS = [
  'cacheAdvisor.dockerPath', 'cacheAdvisor.dockerHost', 'cacheAdvisor.maxFileSize',
  'cacheAdvisor.build.args', 'cacheAdvisor.build.target', 'cacheAdvisor.build.extraArgs',
  'cacheAdvisor.build.cacheFrom', 'cacheAdvisor.build.cacheTo', 'cacheAdvisor.cacheFrom', 'cacheAdvisor.cacheTo',
] as const;

/** Scopes of the Docker settings (as in package.json), for the advice shown with them. */
export const DOCKER_SETTING_SCOPES: Readonly<Record<string, SettingScope>> = {
  'cacheAdvisor.dockerPath': 'machine',
  'cacheAdvisor.engine': 'machine',
  'cacheAdvisor.dockerHost': 'machine-overridable',
  'cacheAdvisor.build.args': 'machine-overridable',
  'cacheAdvisor.build.target': 'machine-overridable',
  'cacheAdvisor.build.extraArgs': 'machine-overridable',
  'cacheAdvisor.build.cacheFrom': 'machine-overridable',
  'cacheAdvisor.build.cacheTo': 'machine-overridable',
  'cacheAdvisor.cacheFrom': 'machine-overridable',
  'cacheAdvisor.cacheTo': 'machine-overridable',
};

/** A list setting's entries: strings only, trimmed, empty ones dropped. */
export function cacheEntries(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map(x => x.trim()) : [];
}

/** `cacheAdvisor.build.cacheFrom`/`cacheTo`, else the old `cacheAdvisor.cacheFrom`/`cacheTo` when the new one is not set. */
export function cacheSettingValue(current: unknown, old: unknown): string[] {
  return current === undefined ? cacheEntries(old) : cacheEntries(current);
}

/** The values of one setting by level, as `WorkspaceConfiguration.inspect` returns them. */
export interface SettingValues {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/**
 * The values of `keys` as written in the workspace's settings files. VS Code drops a machine setting
 * from a folder's configuration model before `inspect()` sees it (the Settings editor still marks it
 * "Modified in Workspace"), so the only way to warn about it is to read what was written: each folder's
 * `.vscode/settings.json` (the workspace level in a single-folder window, the folder level in a
 * multi-root one) and a `.code-workspace` file's `settings`. Unparsable files count as empty.
 */
export function writtenValues(keys: readonly string[], files: { readonly folders: readonly string[]; readonly workspaceFile?: string }): Map<string, SettingValues> {
  const read = (text: string | undefined): Record<string, unknown> => {
    if (text === undefined) return {};
    const errors: ParseError[] = [];
    const v = parseJsonc(text, errors, { allowTrailingComma: true }) as unknown;
    return !errors.length && v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  };
  const multiRoot = files.workspaceFile !== undefined;
  const folderObjects = files.folders.map(read);
  const wsSettings = read(files.workspaceFile).settings;
  const workspaceObject = wsSettings && typeof wsSettings === 'object' ? (wsSettings as Record<string, unknown>) : {};
  const out = new Map<string, SettingValues>();
  for (const key of keys) {
    const inFolder = folderObjects.find(o => o[key] !== undefined)?.[key];
    const values: SettingValues = multiRoot
      ? { workspaceValue: workspaceObject[key], workspaceFolderValue: inFolder }
      : { workspaceValue: inFolder };
    if (values.workspaceValue !== undefined || values.workspaceFolderValue !== undefined) out.set(key, values);
  }
  return out;
}

/** `inspect()`'s values with what the settings files say where `inspect()` has nothing. */
export function withWritten(inspected: SettingValues | undefined, written: SettingValues | undefined): SettingValues {
  return {
    globalValue: inspected?.globalValue,
    workspaceValue: inspected?.workspaceValue ?? written?.workspaceValue,
    workspaceFolderValue: inspected?.workspaceFolderValue ?? written?.workspaceFolderValue,
  };
}

/** Where a value of a setting with `scope` must be written to take effect, for a person to read. */
export function scopeAdvice(scope: SettingScope, remote: string | undefined): string {
  const user = remote ? `the Remote [${remote}] settings (settings of the machine Docker runs on)` : 'your User settings';
  if (scope === 'machine') return `It only takes effect in ${user}: a workspace cannot choose it.`;
  if (scope === 'machine-overridable') return `Set it in ${user}; a trusted workspace may override it.`;
  return `Set it in ${user} or in the workspace.`;
}

/**
 * Values VS Code ignores where they are: a workspace value of a machine setting always, of a
 * restricted one in an untrusted workspace. Each entry names the level and why.
 */
export function ignoredValues(key: string, scope: SettingScope, values: SettingValues, o: { trusted: boolean; restricted: boolean }): string[] {
  const out: string[] = [];
  const levels: Array<[string, unknown]> = [['workspace settings', values.workspaceValue], ['folder settings', values.workspaceFolderValue]];
  for (const [level, v] of levels) {
    if (v === undefined) continue;
    if (scope === 'machine') out.push(`${key} in the ${level} is ignored: it is a machine setting.`);
    else if (o.restricted && !o.trusted) out.push(`${key} in the ${level} is ignored until the workspace is trusted.`);
  }
  return out;
}
