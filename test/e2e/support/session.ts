/**
 * One spec's VS Code window: a fresh workspace folder holding the given files, code-server on it,
 * Chromium showing it; a screenshot when a test fails; everything removed afterwards.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { skipOrFail } from '../../support/availability';
import { e2eTools, startCodeServer, type RunningCodeServer, type StartOptions } from './codeServer';
import { launchBrowser, Workbench } from './workbench';

export interface Session {
  readonly wb: Workbench;
  readonly workspace: string;
}

/**
 * Register mocha hooks that open the window before the suite's tests and close it after. `files`
 * (paths relative to the workspace, `/`-separated) are written before code-server starts, so quick
 * open's index has them. `options` pass user and machine settings to code-server.
 */
export function useSession(name: string, files: Record<string, string>, options: Pick<StartOptions, 'settings' | 'machineSettings'> = {}): () => Session {
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let session: Session | undefined;
  let workspace: string | undefined;

  before(async function () {
    const tools = e2eTools();
    if (typeof tools === 'string') skipOrFail(this, tools);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), `ca-e2e-${name}-`));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file), text);
    }
    server = await startCodeServer({ workspace, tools, ...options });
    browser = await launchBrowser(tools.chromium);
    const wb = new Workbench(await browser.newPage({ viewport: { width: 1360, height: 820 } }));
    await wb.open(server.url);
    session = { wb, workspace };
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const file = await session.wb.screenshot(`failed-${name}-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  return () => {
    if (!session) throw new Error('the e2e session is not open (its before hook failed or was skipped)');
    return session;
  };
}
