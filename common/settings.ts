/** Settings shared by the language server, the CLI and the VS Code client (section `cacheAdvisor`). */

export type SeveritySetting = 'off' | 'hint' | 'information' | 'warning' | 'error';
export type Severity = Exclude<SeveritySetting, 'off'>;

export interface CacheAdvisorSettings {
  /** Per-rule severity overrides: `cacheAdvisor.rules.<id>`. */
  rules: Partial<Record<string, SeveritySetting>>;
  /** Build context relative to the Dockerfile's folder (or absolute); default: the Dockerfile's folder. */
  buildContext?: string;
  /** Files larger than this many bytes get one information diagnostic instead of a full analysis. */
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: CacheAdvisorSettings = {
  rules: {},
  maxFileSize: 2 * 1024 * 1024,
};

const SEVERITIES: readonly SeveritySetting[] = ['off', 'hint', 'information', 'warning', 'error'];

/** Accept `info`/`warn` spellings and reject anything else. */
export function parseSeverity(value: unknown): SeveritySetting | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'info') return 'information';
  if (v === 'warn') return 'warning';
  return SEVERITIES.includes(v as SeveritySetting) ? (v as SeveritySetting) : undefined;
}

/** Merge a (possibly partial, possibly malformed) user configuration over the defaults. */
export function normaliseSettings(raw: unknown): CacheAdvisorSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: CacheAdvisorSettings['rules'] = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, sev] of Object.entries(r.rules as Record<string, unknown>)) {
      const s = parseSeverity(sev);
      if (s) rules[id] = s;
    }
  }
  return {
    rules,
    buildContext: typeof r.buildContext === 'string' && r.buildContext.trim() ? r.buildContext : undefined,
    maxFileSize: typeof r.maxFileSize === 'number' && r.maxFileSize > 0 ? r.maxFileSize : DEFAULT_SETTINGS.maxFileSize,
  };
}


/**
 * Settings as an untrusted workspace may have them: it cannot raise `maxFileSize` above the default
 * (a repository could otherwise make the server analyse huge files). The server cannot tell which
 * level a value came from, so in Restricted Mode a raised user value waits for trust too.
 */
export function untrustedSettings(s: CacheAdvisorSettings): CacheAdvisorSettings {
  return s.maxFileSize > DEFAULT_SETTINGS.maxFileSize ? { ...s, maxFileSize: DEFAULT_SETTINGS.maxFileSize } : s;
}
