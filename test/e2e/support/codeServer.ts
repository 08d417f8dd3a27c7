/**
 * Starts code-server (VS Code in the browser, Node extension host) on 127.0.0.1 with a fresh user-data
 * dir, a fresh extensions dir holding only the packaged extension, and a workspace folder; stops it by
 * PID. Paths come from scripts/e2e/install.sh through the environment (see scripts/e2e/run.sh).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../../support/freePort';
import { unpackVsix } from './vsix';

export interface E2eTools {
  readonly codeServer: string;
  readonly node24Bin: string;
  readonly chromium: string;
  readonly vsix: string;
}

/** The tools the e2e needs, or a reason why they are missing. */
export function e2eTools(): E2eTools | string {
  const env = process.env;
  const missing = ['CODE_SERVER', 'NODE24_BIN', 'CHROMIUM', 'CACHE_ADVISOR_VSIX'].filter(k => !env[k]);
  if (missing.length) return `${missing.join(', ')} not set: run the e2e through \`npm run test:e2e\` (scripts/e2e/run.sh installs and sets them)`;
  const tools = { codeServer: env.CODE_SERVER!, node24Bin: env.NODE24_BIN!, chromium: env.CHROMIUM!, vsix: env.CACHE_ADVISOR_VSIX! };
  for (const [k, p] of Object.entries(tools)) if (!fs.existsSync(p)) return `${k} ${p} does not exist`;
  return tools;
}

/** User settings for a quiet, deterministic workbench: no welcome page, tips, AI panels or update checks. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'editor.fontSize': 15,
  'editor.lightbulb.enabled': 'on',
  'window.menuBarVisibility': 'compact',
  'security.workspace.trust.enabled': false,
};

function healthy(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, res => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

export interface RunningCodeServer {
  readonly url: string;
  readonly extensionDir: string;
  readonly userDataDir: string;
  /** Everything code-server printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly workspace: string;
  readonly tools: E2eTools;
  /** Extra user settings on top of USER_SETTINGS. */
  readonly settings?: Record<string, unknown>;
  /**
   * Settings of the machine code-server runs on (<user-data-dir>/Machine/settings.json): where
   * `machine`-scoped settings such as cacheAdvisor.dockerPath must go in a remote window.
   */
  readonly machineSettings?: Record<string, unknown>;
  /** Leave workspace trust on (code-server then asks whether to trust the folder). */
  readonly workspaceTrust?: boolean;
}

export async function startCodeServer(opts: StartOptions): Promise<RunningCodeServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-e2e-cs-'));
  const extensionsDir = path.join(root, 'extensions');
  const userDataDir = path.join(root, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = { ...USER_SETTINGS, ...(opts.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}), ...opts.settings };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (opts.machineSettings) {
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }
  const extensionDir = unpackVsix(opts.tools.vsix, extensionsDir);

  const port = await freePort();
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    opts.workspace,
  ];
  let output = '';
  const child: ChildProcess = spawn(opts.tools.codeServer, args, {
    // its own process group, so stop() ends code-server and the extension host / language server it forked
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${opts.tools.node24Bin}${path.delimiter}${process.env.PATH}`, HOME: process.env.HOME ?? os.homedir() },
  });
  child.stdout!.on('data', d => { output += d; });
  child.stderr!.on('data', d => { output += d; });
  let exited: string | undefined;
  child.on('exit', (code, signal) => { exited = `code-server exited (${code ?? signal})`; });

  const deadline = Date.now() + 90_000;
  while (!(await healthy(port))) {
    if (exited) throw new Error(`${exited} before it answered:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`code-server did not answer on 127.0.0.1:${port} within 90 s:\n${output}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }

  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}`,
    extensionDir,
    userDataDir,
    log: () => output,
    async stop() {
      if (exited || child.pid === undefined) return;
      const gone = new Promise<void>(r => child.once('exit', () => r()));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } }, 10_000);
      await gone;
      clearTimeout(timer);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
