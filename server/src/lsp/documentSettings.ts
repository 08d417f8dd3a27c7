/**
 * Per-document settings pulled from the client, cached until the configuration changes, with what a
 * repository must not choose taken out: in Restricted Mode it cannot raise `maxFileSize`, and
 * `buildContext` never leads out of the document's workspace folder (Fix All writes a .dockerignore there).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ClientCapabilities, Connection, WorkspaceFolder } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, normaliseSettings, untrustedSettings, type CacheAdvisorSettings } from '../../../common/settings';
import { URI } from './uri';

const isInside = (dir: string, root: string) => dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

const realpath = (p: string): string | undefined => {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
};

/**
 * The build context of the Dockerfile at `file`, kept only when its real path (symlinks followed) is
 * inside the workspace folder holding the file. No folders known (a single file, a client without
 * workspace folders): there is no workspace setting to distrust, the value is kept.
 * Returns the value to use and, when it was dropped, why.
 */
export function containedBuildContext(file: string, buildContext: string, folders: readonly string[]): { buildContext?: string; dropped?: string } {
  if (folders.length === 0) return { buildContext };
  const folder = folders.filter(f => isInside(path.resolve(file), path.resolve(f))).sort((a, b) => b.length - a.length)[0];
  if (!folder) return { dropped: 'the Dockerfile is outside the workspace folders' };
  const resolved = path.resolve(path.dirname(file), buildContext);
  const real = realpath(resolved);
  const root = realpath(folder) ?? path.resolve(folder);
  if (real === undefined) return { dropped: `${resolved} does not exist` };
  if (!isInside(real, root)) return { dropped: `${real} is outside the workspace folder ${root}` };
  return { buildContext: resolved };
}

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<CacheAdvisorSettings>>();
  private global: CacheAdvisorSettings = DEFAULT_SETTINGS;
  private folders: string[] = [];
  /** Whether the client runs in a trusted workspace; clients that do not say are trusted. */
  private trusted = true;
  canPull = false;

  constructor(private readonly connection: Connection) {}

  setClientCapabilities(caps: ClientCapabilities): void {
    this.canPull = !!caps.workspace?.configuration;
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.cache.clear();
  }

  setWorkspaceFolders(folders: readonly WorkspaceFolder[] | null | undefined): void {
    this.folders = (folders ?? []).map(f => URI.toPath(f.uri)).filter((p): p is string => !!p);
    this.cache.clear();
  }

  /** Settings for a document: pulled per resource when the client supports it, else the pushed ones. */
  get(uri: string): Promise<CacheAdvisorSettings> {
    let s = this.cache.get(uri);
    if (!s) {
      const raw = this.canPull
        ? this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'cacheAdvisor' }).then(normaliseSettings, () => DEFAULT_SETTINGS)
        : Promise.resolve(this.global);
      s = raw.then(v => this.restrict(uri, v));
      this.cache.set(uri, s);
    }
    return s;
  }

  private restrict(uri: string, s: CacheAdvisorSettings): CacheAdvisorSettings {
    if (!this.trusted) s = untrustedSettings(s);
    const file = URI.toPath(uri);
    if (!s.buildContext || !file) return s;
    const checked = containedBuildContext(file, s.buildContext, this.folders);
    if (checked.dropped) this.connection.console.warn(`cache-advisor: cacheAdvisor.buildContext "${s.buildContext}" ignored for ${uri}: ${checked.dropped}.`);
    return { ...s, buildContext: checked.buildContext };
  }

  /** workspace/didChangeConfiguration: drop the cache; clients that push settings send them here. */
  changed(pushed: unknown): void {
    this.cache.clear();
    const section = (pushed as { cacheAdvisor?: unknown } | undefined)?.cacheAdvisor;
    if (section !== undefined) this.global = normaliseSettings(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
