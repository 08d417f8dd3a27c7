/** Per-document settings pulled from the client, cached until the configuration changes. */
import type { ClientCapabilities, Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, normaliseSettings, type CacheAdvisorSettings } from './settings';

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<CacheAdvisorSettings>>();
  private global: CacheAdvisorSettings = DEFAULT_SETTINGS;
  canPull = false;

  constructor(private readonly connection: Connection) {}

  setClientCapabilities(caps: ClientCapabilities): void {
    this.canPull = !!caps.workspace?.configuration;
  }

  /** Settings for a document: pulled per resource when the client supports it, else the pushed ones. */
  get(uri: string): Promise<CacheAdvisorSettings> {
    if (!this.canPull) return Promise.resolve(this.global);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'cacheAdvisor' })
        .then(normaliseSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
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
