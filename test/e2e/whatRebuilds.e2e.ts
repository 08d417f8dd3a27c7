/**
 * "What rebuilds if I change…" in a real VS Code (code-server + Chromium): the highlights land in
 * the Dockerfile already open (no second copy in a split), and they leave — by their own clear
 * command, with Clear Build Timeline, and as soon as the Dockerfile is edited. No Docker needed.
 */
import * as assert from 'assert';
import { useSession } from './support/session';
import { waitFor, type Workbench } from './support/workbench';

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
  const session = useSession('rebuilds', { 'Dockerfile': DOCKERFILE, 'requirements.txt': 'flask==3.0.3\n', '.dockerignore': '.git\n' });
  let wb: Workbench;
  beforeEach(() => { wb = session().wb; });

  /** Ask about requirements.txt (the active editor) and wait for the highlights in the Dockerfile. */
  async function askAboutRequirements(): Promise<Record<number, string>> {
    const tab = wb.page.locator('.tabs-container .tab[aria-label^="requirements.txt"]');
    if (await tab.count()) await tab.first().click();
    else await wb.openFile('requirements.txt');
    await wb.page.locator('.tabs-container .tab.active[aria-label^="requirements.txt"]').waitFor({ timeout: 60_000 });
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
