/**
 * Docker Engine API access over its socket, honouring the same endpoint choice as the docker CLI:
 * an explicit host (setting / --host), then DOCKER_HOST, then DOCKER_CONTEXT or the current context of
 * ~/.docker/config.json, then the platform default.
 *
 * A small HTTP client on Node's `http`/`https` instead of dockerode: dockerode and docker-modem pull in
 * ssh2 with native `.node` add-ons that the esbuild bundles cannot load, and the cache view needs six
 * endpoints. Responses are JSON; errors carry the engine's own message.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { readWorkspaceBytes, readWorkspaceText } from '../boundedRead';
import { DialStdioSocket } from './dialStdio';
import { formatDuration } from '../format';

/** Where the engine listens, and why that endpoint was chosen (shown in error rows and reports). */
export interface EngineEndpoint {
  /** As written by the user or the context, e.g. `unix:///var/run/docker.sock`. */
  readonly host: string;
  /** `setting`, `DOCKER_HOST`, `context "<name>"` or `default`. */
  readonly source: string;
  readonly socketPath?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  /**
   * Reached through `docker <these> system dial-stdio` (ssh:// hosts and contexts): `['-H', 'ssh://…']`
   * or `['--context', name]`. See dialStdio.ts.
   */
  readonly dialStdio?: readonly string[];
}

/** The endpoint could not be worked out (bad DOCKER_HOST, unknown context, unsupported scheme). */
export class EngineConfigError extends Error {}

/** Nothing answered at the endpoint (daemon stopped, socket missing, permission denied, timeout). */
export class EngineUnreachableError extends Error {
  constructor(message: string, readonly endpoint: EngineEndpoint, readonly code?: string) { super(message); }
}

/** The engine answered with an error status; `message` is the engine's own explanation. */
export class EngineApiError extends Error {
  constructor(message: string, readonly status: number, readonly path: string) { super(message); }
}

/** Inputs to endpoint resolution; tests pass their own instead of the process's. */
export interface EndpointOptions {
  /** Explicit host (the `cacheAdvisor.dockerHost` setting or `--host`); wins over everything. */
  host?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/** Docker's config, context and certificate files are small; a FIFO or device there must not hang the client. */
const MAX_CONFIG_BYTES = 1024 * 1024;

function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG || path.join(home, '.docker');
}

function readTls(dir: string, verify: boolean): EngineEndpoint['tls'] {
  const read = (f: string) => { try { return readWorkspaceBytes(path.join(dir, f), { maxBytes: MAX_CONFIG_BYTES }); } catch { return undefined; } };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), rejectUnauthorized: verify };
}

/** Parse a docker host URL (`unix://`, `tcp://`, `http(s)://`, `npipe://`) into an endpoint. */
export function parseDockerHost(host: string, source: string, tls?: EngineEndpoint['tls']): EngineEndpoint {
  const h = host.trim();
  let m: RegExpExecArray | null;
  if ((m = /^unix:\/\/(.+)$/.exec(h))) return { host: h, source, socketPath: m[1] };
  if ((m = /^npipe:\/\/(.+)$/.exec(h))) return { host: h, source, socketPath: m[1].replace(/\//g, '\\') };
  if (h.startsWith('/')) return { host: `unix://${h}`, source, socketPath: h };
  if ((m = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(h))) {
    const secure = m[1] === 'https' || !!tls;
    const port = m[3] ? Number(m[3]) : secure ? 2376 : 2375;
    return { host: h, source, hostname: m[2].replace(/^\[|\]$/g, ''), port, tls: secure ? tls ?? { rejectUnauthorized: true } : undefined };
  }
  if (/^ssh:\/\/[^/\s]+\/?$/.test(h)) return { host: h, source, dialStdio: ['-H', h] };
  throw new EngineConfigError(`${source} is '${h}': expected unix://, tcp://, https://, ssh://[user@]host[:port] or npipe://`);
}

/**
 * Work out the engine endpoint the way the docker CLI does. Contexts live in
 * `<config>/contexts/meta/<sha256(name)>/meta.json` with TLS material in `<config>/contexts/tls/<same>/docker/`.
 */
export function resolveEndpoint(opts: EndpointOptions = {}): EngineEndpoint {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const platform = opts.platform ?? process.platform;
  const configDir = dockerConfigDir(env, home);
  const envTls = (): EngineEndpoint['tls'] => env.DOCKER_TLS_VERIFY || env.DOCKER_TLS
    ? readTls(env.DOCKER_CERT_PATH || configDir, !!env.DOCKER_TLS_VERIFY)
    : undefined;

  if (opts.host?.trim()) return parseDockerHost(opts.host, 'setting', envTls());
  if (env.DOCKER_HOST?.trim()) return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', envTls());

  let context = env.DOCKER_CONTEXT?.trim();
  if (!context) {
    try {
      const config = JSON.parse(readWorkspaceText(path.join(configDir, 'config.json'), { maxBytes: MAX_CONFIG_BYTES })) as { currentContext?: unknown };
      if (typeof config.currentContext === 'string') context = config.currentContext.trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new EngineConfigError(`cannot read ${path.join(configDir, 'config.json')}: ${(e as Error).message}`);
      }
    }
  }
  if (context && context !== 'default') {
    const digest = crypto.createHash('sha256').update(context).digest('hex');
    const metaFile = path.join(configDir, 'contexts', 'meta', digest, 'meta.json');
    let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    try {
      meta = JSON.parse(readWorkspaceText(metaFile, { maxBytes: MAX_CONFIG_BYTES }));
    } catch (e) {
      throw new EngineConfigError(`docker context "${context}" is current but ${metaFile} cannot be read ` +
        `(${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run \`docker context use default\` or fix the context`);
    }
    const ep = meta.Endpoints?.docker;
    if (typeof ep?.Host !== 'string' || !ep.Host) throw new EngineConfigError(`docker context "${context}" has no docker endpoint in ${metaFile}`);
    const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
    const tls = fs.existsSync(tlsDir) ? readTls(tlsDir, ep.SkipTLSVerify !== true) : undefined;
    const endpoint = parseDockerHost(ep.Host, `context "${context}"`, tls);
    // the context's own ssh settings apply: the CLI reads them from the context
    return endpoint.dialStdio ? { ...endpoint, dialStdio: ['--context', context] } : endpoint;
  }
  return platform === 'win32'
    ? parseDockerHost('npipe:////./pipe/docker_engine', 'default')
    : parseDockerHost('unix:///var/run/docker.sock', 'default');
}

/** Build-cache prune answer of POST /build/prune. */
export interface BuildPruneResponse { CachesDeleted: string[] | null; SpaceReclaimed: number }
/** Image prune answer of POST /images/prune. */
export interface ImagePruneResponse { ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }
/** One entry of GET /images/{id}/history. */
export interface ImageHistoryEntry { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }
/** The parts of GET /images/{id}/json the stats use. */
export interface ImageInspect { Id: string; RootFS?: { Layers?: string[] } }

/** Filters in the engine's `{"key": ["value"]}` shape. */
export type EngineFilters = Record<string, string[]>;

export interface EngineClientOptions {
  /**
   * Idle timeout per request in ms: the longest the engine may stay silent (default 30 s; prune
   * answers only when done, so callers raise it).
   */
  timeoutMs?: number;
  /** Overall deadline per request in ms (default twice the idle timeout): a reply that drips bytes still ends. */
  deadlineMs?: number;
  /** Largest response body accepted (default 64 MiB; a big /system/df is a few MB). */
  maxResponseBytes?: number;
  /** The docker CLI that runs `system dial-stdio` for ssh:// endpoints (default: `docker` on PATH). */
  dockerPath?: string;
  /** Environment of that CLI (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The highest API version this client was written against; newer engines are asked for this one. */
const MAX_API = [1, 47];

/** A Docker Engine API client for one endpoint. Requests are JSON in, JSON out. */
export class EngineClient {
  private apiVersion: Promise<string> | undefined;
  private agent: http.Agent | undefined;

  constructor(readonly endpoint: EngineEndpoint, private readonly options: EngineClientOptions = {}) {}

  /** Client for the endpoint the docker CLI would use (see resolveEndpoint). */
  static fromEnvironment(opts: EndpointOptions & EngineClientOptions = {}): EngineClient {
    return new EngineClient(resolveEndpoint(opts), opts);
  }

  /**
   * Raw request; `path` is unversioned (`/system/df`). Resolves with status, headers and body text.
   * Rejects with EngineUnreachableError when nothing answers, EngineApiError when the answer breaks a
   * bound (size, deadline) or the connection drops mid-answer.
   */
  raw(method: string, apiPath: string, body?: unknown, timeoutMs = this.options.timeoutMs ?? 30_000): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const ep = this.endpoint;
    const deadlineMs = this.options.deadlineMs ?? 2 * timeoutMs;
    const maxBytes = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const where = `${method} ${apiPath.replace(/^\/v[\d.]+(?=\/)/, '').replace(/\?.*$/, '')}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const reqOpts: https.RequestOptions = {
      method,
      path: apiPath,
      headers: { Host: 'docker', Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
      ...(ep.dialStdio ? { agent: this.dialAgent(ep.dialStdio) } : ep.socketPath ? { socketPath: ep.socketPath } : { hostname: ep.hostname, port: ep.port }),
      ...(ep.tls ? { ca: ep.tls.ca, cert: ep.tls.cert, key: ep.tls.key, rejectUnauthorized: ep.tls.rejectUnauthorized, ...tlsIdentity(ep.hostname!) } : {}),
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      let status = 0;
      let deadline: NodeJS.Timeout | undefined;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        fn();
      };
      const fail = (message: string) => {
        const e = new EngineApiError(`${where}: ${message}`, status, apiPath);
        settle(() => reject(e));
        req.destroy(e);
      };
      const req = (ep.tls ? https : http).request(reqOpts, res => {
        status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) { fail(`the engine's answer is ${declared} bytes, more than the ${maxBytes} accepted`); return; }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > maxBytes) { fail(`the engine's answer exceeded ${maxBytes} bytes; stopped reading`); return; }
          chunks.push(c);
        });
        res.on('end', () => settle(() => resolve({ status, headers: res.headers, text: Buffer.concat(chunks, total).toString('utf8') })));
        res.on('close', () => { if (!res.complete) fail('the connection closed in the middle of the answer'); });
        res.on('error', e => fail(`the answer could not be read: ${e.message}`));
      });
      deadline = setTimeout(() => {
        if (status) fail(`no complete answer within ${secs(deadlineMs)}`);
        else req.destroy(Object.assign(new Error(`no answer within ${secs(deadlineMs)}`), { code: 'ETIMEDOUT' }));
      }, deadlineMs);
      req.setTimeout(timeoutMs, () => {
        if (status) fail(`the answer stalled for ${secs(timeoutMs)}`);
        else req.destroy(Object.assign(new Error(`no answer within ${secs(timeoutMs)}`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => settle(() => reject(new EngineUnreachableError(describeConnectError(e, ep), ep, e.code))));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /**
   * Connections through `docker … system dial-stdio`, kept open between requests (each new one is an
   * ssh session): a few at a time, closed after a few idle seconds, never holding the process open.
   */
  private dialAgent(target: readonly string[]): http.Agent {
    if (!this.agent) {
      const env = { ...(this.options.env ?? process.env) };
      // the endpoint flags alone pick the engine
      if (target[0] === '-H') { delete env.DOCKER_HOST; delete env.DOCKER_CONTEXT; }
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8, timeout: 5000 });
      (agent as unknown as { createConnection: () => DialStdioSocket }).createConnection = () => new DialStdioSocket({ target, dockerPath: this.options.dockerPath, env });
      this.agent = agent;
    }
    return this.agent;
  }

  /** Close kept-open connections now (they close by themselves after a few idle seconds). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** The API version to speak: the engine's own, capped at what this client knows. */
  private version(): Promise<string> {
    this.apiVersion ??= this.raw('GET', '/_ping').then(r => {
      if (r.status !== 200) throw new EngineApiError(`GET /_ping answered ${r.status}: ${r.text.trim()}`, r.status, '/_ping');
      const v = String(r.headers['api-version'] ?? '');
      const m = /^(\d+)\.(\d+)$/.exec(v);
      if (!m) return `${MAX_API[0]}.${MAX_API[1]}`;
      const newer = Number(m[1]) > MAX_API[0] || (Number(m[1]) === MAX_API[0] && Number(m[2]) > MAX_API[1]);
      return newer ? `${MAX_API[0]}.${MAX_API[1]}` : v;
    });
    this.apiVersion.catch(() => { this.apiVersion = undefined; });
    return this.apiVersion;
  }

  /** Versioned JSON request; throws EngineApiError with the engine's message on a non-2xx status. */
  async request<T>(method: string, apiPath: string, query: Record<string, string | undefined> = {}, body?: unknown, timeoutMs?: number): Promise<T> {
    const v = await this.version();
    const qs = Object.entries(query).filter(([, val]) => val !== undefined).map(([k, val]) => `${encodeURIComponent(k)}=${encodeURIComponent(val!)}`).join('&');
    const full = `/v${v}${apiPath}${qs ? '?' + qs : ''}`;
    const r = await this.raw(method, full, body, timeoutMs);
    if (r.status < 200 || r.status >= 300) {
      let message = r.text.trim();
      try { message = (JSON.parse(r.text) as { message?: string }).message ?? message; } catch { /* plain text */ }
      throw new EngineApiError(`${method} ${apiPath}: ${message || `status ${r.status}`}`, r.status, apiPath);
    }
    if (!r.text.trim()) return undefined as T;
    try {
      return JSON.parse(r.text) as T;
    } catch {
      throw new EngineApiError(`${method} ${apiPath}: the engine's answer is not JSON (${r.text.length} characters starting ${JSON.stringify(r.text.slice(0, 40))})`, r.status, apiPath);
    }
  }

  /** True when the engine answers /_ping. */
  async ping(): Promise<string> {
    return this.version();
  }

  /**
   * GET /system/df: build cache records, images, volumes, containers. The engine runs one disk-usage
   * walk at a time and answers a second caller "a disk usage operation is already running" (the view
   * refreshing while the CLI's `stats` runs, say): wait for it a few times before giving up.
   */
  async systemDf(retries = 5, waitMs = 1000): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request('GET', '/system/df', {}, undefined, this.options.timeoutMs ?? 120_000);
      } catch (e) {
        if (attempt >= retries || !/disk usage operation is already running/i.test(String((e as Error).message))) throw e;
        await new Promise(r => setTimeout(r, waitMs * (attempt + 1)));
      }
    }
  }

  imageInspect(id: string): Promise<ImageInspect> {
    return this.request('GET', `/images/${encodeURIComponent(id)}/json`);
  }

  imageHistory(id: string): Promise<ImageHistoryEntry[]> {
    return this.request('GET', `/images/${encodeURIComponent(id)}/history`);
  }

  /** POST /build/prune. `all` also removes records shared with images and internal ones (still never in-use ones). */
  pruneBuildCache(filters: EngineFilters, all: boolean): Promise<BuildPruneResponse> {
    return this.request('POST', '/build/prune', { all: all ? 'true' : 'false', filters: JSON.stringify(filters) }, undefined, 600_000);
  }

  pruneImages(filters: EngineFilters): Promise<ImagePruneResponse> {
    return this.request('POST', '/images/prune', { filters: JSON.stringify(filters) }, undefined, 600_000);
  }

  /** DELETE /volumes/{name} without force: the engine refuses a volume in use (409). */
  removeVolume(name: string): Promise<void> {
    return this.request('DELETE', `/volumes/${encodeURIComponent(name)}`, {}, undefined, 120_000);
  }
}

/**
 * The certificate is checked against the endpoint's host name or IP address, never the `Host: docker`
 * header (which Node would otherwise take as the server name); SNI only for a name, as TLS allows.
 */
function tlsIdentity(hostname: string): Pick<https.RequestOptions, 'servername' | 'checkServerIdentity'> {
  return {
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(hostname, cert),
    ...(net.isIP(hostname) ? {} : { servername: hostname }),
  };
}

/** 0.4s, 30.0s, 10m00s: the one duration format (common/format.ts). */
const secs = (ms: number) => formatDuration(ms / 1000);

function describeConnectError(e: NodeJS.ErrnoException, ep: EngineEndpoint): string {
  const where = `${ep.host} (${ep.source})`;
  switch (e.code) {
    case 'ENOENT': return `Docker is not reachable: no socket at ${where}. Is the Docker engine running?`;
    case 'ECONNREFUSED': return `Docker is not reachable: connection refused at ${where}. Is the Docker engine running?`;
    case 'EACCES': return `Docker is not reachable: permission denied on ${where}. Add your user to the docker group or point the setting at a socket you can use.`;
    case 'ETIMEDOUT': return `Docker is not reachable: ${where} did not answer (${e.message}).`;
    default: return `Docker is not reachable at ${where}: ${e.message}`;
  }
}
