/**
 * Two first-ten-minutes flows in a real VS Code (code-server + Chromium), no Docker needed:
 * - Docker settings in a remote window (code-server is one: its extension host runs on the server):
 *   a machine setting written into the workspace is ignored by VS Code, so the extension warns, and
 *   both the warning's button and "Open Docker Settings" land on the Remote tab, where the settings are
 *   listed (the User tab would say "No Settings Found").
 * - A CodeLens click: the lens above a COPY opens a quick pick of the steps it re-runs; picking one moves
 *   the cursor to that step's line.
 */
import * as assert from 'assert';
import { useSession } from './support/session';
import { UI_TIMEOUT, waitFor, type Workbench } from './support/workbench';

const DOCKERFILE = [
  'FROM local/busybox:latest',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN pip install -r requirements.txt',
  'COPY . .',
  'RUN python -m compileall .',
  '',
].join('\n');

/**
 * The Settings editor's active target tab ("User", "Remote [...]", "Workspace"), the titles of the
 * settings on screen and its "N Settings Found" count, once the search has been applied: the editor
 * first draws its default list, then the filtered one, so wait until a title matches `expect`.
 */
async function settingsEditor(wb: Workbench, expect: RegExp): Promise<{ tab: string; titles: string[]; found: number; empty: boolean }> {
  const editor = wb.page.locator('.settings-editor');
  await editor.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return waitFor(`the Settings editor to list ${expect}`, async () => {
    const tab = (await editor.locator('.settings-tabs-widget .action-label.checked').first().textContent().catch(() => '')) ?? '';
    const titles = (await editor.locator('.setting-item-contents .setting-item-title').allTextContents()).map(t => t.replace(/\s+/g, ' ').trim());
    const count = (await editor.getByText(/\d+ Settings? Found/i).first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
    const empty = await editor.locator('.no-results-message').isVisible().catch(() => false);
    return { tab: tab.trim(), titles, found: Number(/(\d+) Settings? Found/i.exec(count)?.[1] ?? 0), empty };
  }, s => s.titles.some(t => expect.test(t)) || s.empty);
}

describe('VS Code end to end: Docker settings in a remote window', function () {
  this.timeout(300_000);
  const session = useSession('settings', {
    'Dockerfile': DOCKERFILE,
    'requirements.txt': 'flask==3.0.3\n',
    // a machine setting in the workspace: VS Code ignores it, the extension must say so
    '.vscode/settings.json': JSON.stringify({ 'cacheAdvisor.dockerPath': '/opt/not-used/docker' }, null, 2),
  });
  let wb: Workbench;
  beforeEach(() => { wb = session().wb; });

  it('warns that the workspace value is ignored, and its button opens the Remote tab on that setting', async () => {
    await wb.openFile('Dockerfile');
    const toast = wb.page.locator('.notification-toast', { hasText: 'cacheAdvisor.dockerPath in the workspace settings is ignored' });
    await toast.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const button = toast.locator('.monaco-button', { hasText: /Open (Remote|User) Settings/ });
    assert.strictEqual((await button.textContent())?.trim(), 'Open Remote Settings', 'code-server is a remote window');
    await button.click();
    const s = await settingsEditor(wb, /Docker Path/);
    await wb.screenshot('settings-remote-tab');
    assert.match(s.tab, /^Remote/, `active tab: ${s.tab}`);
    assert.ok(!s.empty, 'the Remote tab lists the setting (the User tab would say "No Settings Found")');
    assert.ok(s.titles.some(t => /Docker Path/.test(t)), s.titles.join(' | '));
  });

  it('"Open Docker Settings" from the palette lists every Docker setting in the Remote tab', async () => {
    // back to the Dockerfile first: the Settings editor's search box keeps F1 to itself
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.tabs-container .tab[aria-label^="Dockerfile"]').first().click();
    await wb.page.locator('.tabs-container .tab.active[aria-label^="Dockerfile"]').waitFor({ timeout: UI_TIMEOUT });
    await wb.runCommand('Dockerfile Cache Advisor: Open Docker Settings');
    const s = await settingsEditor(wb, /Cache Advisor/);
    assert.match(s.tab, /^Remote/, `active tab: ${s.tab}`);
    assert.ok(!s.empty, 'the Remote tab lists the Docker settings');
    // the list is virtualised (only the rows on screen exist): count them instead
    // (dockerHost, dockerPath, build.args/target/extraArgs/cacheFrom/cacheTo and more)
    assert.ok(s.found >= 6, `${s.found} settings found: ${s.titles.join(' | ')}`);
    assert.ok(s.titles.every(t => t.startsWith('Cache Advisor')), s.titles.join(' | '));
  });
});

describe('VS Code end to end: CodeLens click', function () {
  this.timeout(300_000);
  const session = useSession('codelens', { 'Dockerfile': DOCKERFILE, 'requirements.txt': 'flask==3.0.3\n', '.dockerignore': '.git\n' });
  let wb: Workbench;
  beforeEach(() => { wb = session().wb; });

  it('the lens above a COPY lists the steps it re-runs; picking one moves the cursor to its line', async () => {
    await wb.openFile('Dockerfile');
    const lens = wb.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: /changing requirements\.txt re-runs/ }).first();
    await lens.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await lens.click();
    const pick = wb.page.locator('.quick-input-widget');
    await pick.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const rows = pick.locator('.monaco-list-row');
    await waitFor('rows in the lens quick pick', () => rows.allTextContents(), r => r.length > 0);
    const texts = (await rows.allTextContents()).map(t => t.replace(/\s+/g, ' '));
    await wb.screenshot('codelens-details');
    const compile = texts.findIndex(t => /compileall/.test(t));
    assert.ok(compile >= 0, `the RUN on line 6 is among the re-run steps: ${texts.join(' | ')}`);
    await rows.nth(compile).click();
    await pick.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    const position = wb.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
    await waitFor('the cursor on line 6', async () => (await position.textContent()) ?? '', t => /Ln 6,/.test(t));
  });
});
