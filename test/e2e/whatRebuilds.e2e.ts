/**
 * "What rebuilds if I change…" in a real VS Code (code-server + Chromium): the highlights land in
 * the Dockerfile already open (no second copy in a split), and they leave — by their own clear
 * command, with Clear Build Timeline, and as soon as the Dockerfile is edited. No Docker needed.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { e2eTools, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { launchBrowser, waitFor, Workbench } from './support/workbench';
import { skipOrFail } from '../support/availability';

/** Changing requirements.txt misses the cache at the COPY on line 3; lines 4 and 5 re-run. */
const DOCKERFILE = [
  'FROM local/busybox:latest',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN cat requirements.txt',
  'COPY . .',
  '',
].join('\n');

const highlighted = (n: Record<number, string>) => Object.entries(n).filter(([, t]) => /what rebuilds/.test(t)).map(([l]) => Number(l));

describe('VS Code end to end: What rebuilds highlights', function () {
  this.timeout(300_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let workspace: string;

  before(async function () {
    const tools = e2eTools();
    if (typeof tools === 'string') skipOrFail(this, tools);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-e2e-rebuilds-'));
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'flask==3.0.3\n');
    fs.writeFileSync(path.join(workspace, '.dockerignore'), '.git\n');
    server = await startCodeServer({ workspace, tools });
    browser = await launchBrowser(tools.chromium);
    wb = new Workbench(await browser.newPage({ viewport: { width: 1360, height: 820 } }));
    await wb.open(server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const file = await wb.screenshot(`failed-rebuilds-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Ask about requirements.txt (the active editor) and wait for the highlights in the Dockerfile. */
  async function askAboutRequirements(): Promise<Record<number, string>> {
    await wb.openFile('requirements.txt');
    await wb.runCommand('Dockerfile Cache Advisor: What rebuilds if I change…');
    await wb.page.locator('.tabs-container .tab.active[aria-label^="Dockerfile"]').waitFor({ timeout: 60_000 });
    return waitFor('what-rebuilds highlights on lines 3-5', () => wb.lineAnnotations(), n => highlighted(n).length === 3);
  }

  it('highlights the Dockerfile where it is already open, not in a second copy', async () => {
    await wb.openFile('Dockerfile');
    const notes = await askAboutRequirements();
    assert.deepStrictEqual(highlighted(notes), [3, 4, 5], JSON.stringify(notes));
    assert.match(notes[3], /first cache miss/);
    assert.strictEqual(await wb.page.locator('.editor-group-container').count(), 1, 'one editor group: the open Dockerfile was reused');
    assert.strictEqual(await wb.page.locator('.tabs-container .tab[aria-label^="Dockerfile"]').count(), 1, 'one Dockerfile tab');
  });

  it('Clear What-Rebuilds Highlights removes them', async () => {
    await wb.runCommand('Dockerfile Cache Advisor: Clear What-Rebuilds Highlights');
    await waitFor('no highlights', () => wb.lineAnnotations(), n => highlighted(n).length === 0);
  });

  it('Clear Build Timeline removes them too', async () => {
    await askAboutRequirements();
    await wb.runCommand('Dockerfile Cache Advisor: Clear Build Timeline');
    await waitFor('no highlights', () => wb.lineAnnotations(), n => highlighted(n).length === 0);
  });

  it('they leave as soon as the Dockerfile is edited', async () => {
    await askAboutRequirements();
    await wb.clickLine(5);
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.type(' ');
    await waitFor('no highlights after an edit', () => wb.lineAnnotations(), n => highlighted(n).length === 0);
  });
});
