/**
 * "Dockerfile Cache Advisor: Build with BuildKit" from the command palette against a real dockerd, in a
 * real VS Code (code-server + Chromium): the per-step notes appear on the Dockerfile's lines (ran, then
 * cached on the second build), the status bar's "Build again" repeats the last build with its tag and
 * Docker options without asking, and the Build Cache view lists the RUN's cache mount.
 * Docker: test/support/dockerd.ts reuses a running engine or starts Debian's dockerd (no network)
 * and imports local/busybox:latest; it skips on a laptop without Docker and fails with CI=true.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { e2eTools, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { launchBrowser, waitFor, Workbench } from './support/workbench';
import { skipOrFail } from '../support/availability';

const MOUNT_TARGET = '/root/.cache/ca-e2e';

/** Steps: FROM (line 1), WORKDIR (2), COPY (3), RUN with a cache mount (4-5), COPY (6). */
const DOCKERFILE = [
  'FROM local/busybox:latest',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  `RUN --mount=type=cache,target=${MOUNT_TARGET} \\`,
  `    cp requirements.txt ${MOUNT_TARGET}/ && ls ${MOUNT_TARGET}`,
  'COPY . .',
  '',
].join('\n');

/**
 * This machine's dockerd runs without a bridge network (--bridge=none), so every build needs
 * --network=none; users' engines do not. The shim adds it to `build` / `buildx build` and hands
 * everything (probes included) to the real client unchanged.
 */
function writeDockerShim(dir: string, realCli: string): string {
  const shim = path.join(dir, 'docker');
  fs.writeFileSync(shim, [
    '#!/bin/sh',
    `REAL='${realCli.replace(/'/g, "'\\''")}'`,
    'if [ "$1" = build ]; then shift; exec "$REAL" build --network=none "$@"; fi',
    'if [ "$1" = buildx ] && [ "$2" = build ]; then shift 2; exec "$REAL" buildx build --network=none "$@"; fi',
    'exec "$REAL" "$@"',
    '',
  ].join('\n'), { mode: 0o755 });
  return shim;
}

function engineGet(socket: string, p: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: socket, path: p }, res => {
      let body = '';
      res.on('data', d => { body += d; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

describe('VS Code end to end: Build with BuildKit and the Build Cache view', function () {
  this.timeout(300_000);
  let docker: DockerEnv;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let workspace: string;
  let shimDir: string;
  const tags = new Set<string>();
  // a label only this run's builds carry: proves the Docker options of the ▷ flow reach the engine
  const label = `ca-e2e.run=${crypto.randomUUID()}`;

  before(async function () {
    const tools = e2eTools();
    if (typeof tools === 'string') skipOrFail(this, tools);
    docker = await requireDocker(this);
    this.timeout(300_000);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-e2e-build-'));
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), DOCKERFILE);
    // new content each run, so the COPY and the RUN really run on the first build
    fs.writeFileSync(path.join(workspace, 'requirements.txt'), `flask==3.0.3  # ${crypto.randomUUID()}\n`);
    fs.writeFileSync(path.join(workspace, '.dockerignore'), '.git\n');
    shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-e2e-docker-'));
    const shim = writeDockerShim(shimDir, docker.dockerCli);
    server = await startCodeServer({
      workspace, tools,
      settings: { 'cacheAdvisor.hostCaches.enabled': false },
      // machine-scoped: a workspace cannot pick the executable; in a remote window they live here
      machineSettings: { 'cacheAdvisor.dockerPath': shim, 'cacheAdvisor.dockerHost': `unix://${docker.socket}` },
    });
    browser = await launchBrowser(tools.chromium);
    wb = new Workbench(await browser.newPage({ viewport: { width: 1360, height: 820 } }));
    await wb.open(server.url);
    await wb.openFile('Dockerfile');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const file = await wb.screenshot(`failed-build-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await server?.stop();
    for (const tag of tags) spawnSync(docker.dockerCli, ['image', 'rm', '-f', tag], { encoding: 'utf8' });
    if (docker) {
      // remove this test's cache mount record; other records on a shared engine stay
      const df = await engineGet(docker.socket, '/v1.41/system/df').catch(() => undefined) as { BuildCache?: Array<{ ID: string; Type: string; Description: string; InUse: boolean }> } | undefined;
      for (const r of df?.BuildCache ?? []) {
        if (r.Type === 'exec.cachemount' && !r.InUse && r.Description.includes(`cached mount ${MOUNT_TARGET} `)) {
          spawnSync(docker.dockerCli, ['builder', 'prune', '-f', '--filter', `id=${r.ID}`], { encoding: 'utf8' });
        }
      }
    }
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
    if (shimDir) fs.rmSync(shimDir, { recursive: true, force: true });
  });

  async function buildFromPalette(): Promise<string> {
    await wb.runCommand('Dockerfile Cache Advisor: Build with BuildKit', { asks: true });
    const context = await wb.inputBox('build context');
    assert.strictEqual(context, workspace, 'the context defaults to the Dockerfile\'s folder');
    await wb.page.keyboard.press('Enter');
    const tag = await wb.inputBox('image tag');
    assert.ok(tag, 'a default tag is offered');
    tags.add(tag);
    await wb.page.keyboard.press('Enter');
    const options = await wb.inputBox('Docker options');
    if (!options.includes(label)) {
      assert.strictEqual(options, '', 'no Docker options are set in the settings');
      await wb.page.locator('.quick-input-widget input').fill(`--label ${label}`);
    }
    await wb.page.keyboard.press('Enter');
    return tag;
  }

  function imageLabels(tag: string): Record<string, string> | undefined {
    const r = spawnSync(docker.dockerCli, ['image', 'inspect', '--format', '{{json .Config.Labels}}', tag], { encoding: 'utf8' });
    return r.status === 0 ? JSON.parse(r.stdout) ?? {} : undefined;
  }

  it('shows per-step notes after a build: the RUN ran, the base image was cached', async () => {
    await buildFromPalette();
    const notes = await waitFor('build notes on the RUN and COPY lines', () => wb.lineAnnotations(),
      n => /^(ran|cached|failed)/.test(n[4] ?? '') && (/^failed/.test(n[4]) || /^(ran|cached|failed)/.test(n[6] ?? '')), 180_000);
    assert.match(notes[4], /^ran \d/, `RUN: ${JSON.stringify(notes)}`);
    assert.match(notes[3], /^ran \d/, `COPY requirements.txt: ${JSON.stringify(notes)}`);
    assert.match(notes[1], /^cached/, `FROM an image that is present: ${JSON.stringify(notes)}`);
    await wb.screenshot('05-build-timeline');
  });

  it('a second build proposes the last tag and options and shows every step cached', async () => {
    const tag = await buildFromPalette();
    assert.strictEqual(tags.size, 1, `the second build proposes the first one's tag: ${[...tags].join(', ')}`);
    const notes = await waitFor('every step cached', () => wb.lineAnnotations(),
      n => [1, 3, 4, 6].every(l => /^cached/.test(n[l] ?? '')) || Object.values(n).some(x => /^failed/.test(x)), 180_000);
    for (const l of [1, 2, 3, 6]) assert.match(notes[l], /^cached/, `line ${l}: ${JSON.stringify(notes)}`);
    assert.match(notes[4], /^cached/);
    const [k, v] = label.split('=');
    assert.strictEqual(await waitFor('the built image', async () => imageLabels(tag)?.[k], x => x !== undefined), v, 'the --label typed in the ▷ flow reached the engine');
  });

  it('"Build again" in the status bar repeats the last build (tag and options) without asking', async () => {
    const [tag] = tags;
    // the image goes, so only a repeated build with the same tag and flags brings it back with the label
    spawnSync(docker.dockerCli, ['image', 'rm', '-f', tag], { encoding: 'utf8' });
    assert.strictEqual(imageLabels(tag), undefined);
    await wb.page.locator('.statusbar-item', { hasText: /steps cached/ }).first().click();
    const labels = await waitFor(`${tag} built again`, async () => imageLabels(tag), x => x !== undefined, 180_000);
    const [k, v] = label.split('=');
    assert.strictEqual(labels![k], v, `the same Docker options: ${JSON.stringify(labels)}`);
    assert.strictEqual(await wb.page.locator('.quick-input-widget input').isVisible(), false, 'nothing was asked');
  });

  it('the Build Cache view lists the RUN\'s cache mount', async () => {
    await wb.runCommand('Focus on Build Cache View');
    const rows = await waitFor(`a cache mount row for ${MOUNT_TARGET}`, () => wb.viewRows('Build Cache'),
      r => r.some(x => x.startsWith(MOUNT_TARGET)));
    const row = rows.find(x => x.startsWith(MOUNT_TARGET))!;
    assert.match(row, /used \d+×/, row);
    assert.ok(rows.some(r => /^Cache mounts/i.test(r)), rows.join('\n'));
    await wb.screenshot('06-build-cache-view');
  });

  it('after a file changes, the note says why the step ran and "Why did this run?" lists the file', async () => {
    await wb.openFile('Dockerfile');
    fs.appendFileSync(path.join(workspace, 'requirements.txt'), `requests==2.32.3  # ${crypto.randomUUID()}\n`);
    await wb.page.locator('.statusbar-item', { hasText: /steps cached/ }).first().click();
    const notes = await waitFor('the reason on the COPY line', () => wb.lineAnnotations(),
      n => /— requirements\.txt changed$/.test(n[3] ?? '') || Object.values(n).some(x => /^failed/.test(x)), 180_000);
    assert.match(notes[3], /^ran [\d.]+s — requirements\.txt changed$/, JSON.stringify(notes));
    assert.match(notes[4], /^ran [\d.]+s — line 3 ran$/, JSON.stringify(notes));
    await wb.clickLine(3);
    await wb.runCommand('Dockerfile Cache Advisor: Why Did This Run?', { asks: true });
    const picker = wb.page.locator('.quick-input-widget', { has: wb.page.locator('.quick-input-title', { hasText: 'Why did line 3 run?' }) });
    await picker.waitFor({ state: 'visible' });
    const rows = await waitFor('the changed file in the picker', async () => (await picker.locator('.monaco-list-row').allTextContents()).map(t => t.replace(/\s+/g, ' ').trim()),
      r => r.length > 0);
    assert.strictEqual(rows.length, 1, rows.join('\n'));
    assert.match(rows[0], /^requirements\.txt ?changed/, rows.join('\n'));
    await wb.screenshot('07-why-did-this-run');
    await wb.page.keyboard.press('Escape');
  });
});
