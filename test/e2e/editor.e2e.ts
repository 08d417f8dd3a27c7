/**
 * The extension in a real VS Code (code-server in headless Chromium), used the way a user does:
 * open a Dockerfile, see squiggles and the Problems panel, fix the COPY line from the quick-fix menu,
 * Fix All the rest, save. The steps run in order on one window (each builds on the one before).
 * Run with `npm run test:e2e`; screenshots go to test-results/e2e/.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { e2eTools, startCodeServer, type RunningCodeServer } from './support/codeServer';
import { launchBrowser, waitFor, Workbench } from './support/workbench';
import { skipOrFail } from '../support/availability';
import { SERVER_ENV, SERVER_NODE_ARGS } from '../../common/serverEnvironment';

export const BEFORE = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'COPY . .',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

const AFTER_QUICK_FIX = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'COPY . .',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

const AFTER_FIX_ALL = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
  'COPY . .',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

const GRAMMAR_SAMPLE = [
  '# cache-advisor ignore=missing-cache-mount',
  'RUN --mount=type=cache,id=pip,target=/root/.cache/pip,sharing=locked,uid=1000 \\',
  '    --network=none pip install flask',
  '# RUN --mount=type=cache,target=/x',
  '',
].join('\n');

describe('VS Code end to end (code-server + Chromium)', function () {
  this.timeout(300_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let workspace: string;

  before(async function () {
    const tools = e2eTools();
    if (typeof tools === 'string') skipOrFail(this, tools);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-e2e-ws-'));
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), BEFORE);
    fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'flask==3.0.3\n');
    fs.writeFileSync(path.join(workspace, 'app.py'), 'print("hello")\n');
    // a project that already ignores its junk: the findings are the three this test fixes
    fs.writeFileSync(path.join(workspace, '.dockerignore'), '.git\n__pycache__/\n*.Dockerfile\n');
    // before code-server starts, so quick open's file index has it
    fs.writeFileSync(path.join(workspace, 'grammar.Dockerfile'), GRAMMAR_SAMPLE);
    server = await startCodeServer({ workspace, tools });
    browser = await launchBrowser(tools.chromium);
    const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
    wb = new Workbench(page);
    await wb.open(server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const file = await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${file}`);
      if (server) console.log(`      code-server log (tail):\n${server.log().split('\n').slice(-30).join('\n')}`);
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('shows squiggles on the COPY and pip lines and the rule ids in the Problems panel', async () => {
    await wb.openFile('Dockerfile');
    assert.strictEqual(await wb.editorText(), BEFORE);
    const lines = await waitFor('squiggles on lines 3 and 4', () => wb.squiggleLines('warning'), l => l.includes(3) && l.includes(4));
    assert.deepStrictEqual(lines, [3, 4], 'squiggles only on the COPY (3) and RUN pip (4) lines');

    const rows = await waitFor('three cache-advisor problems', () => wb.problems(), r => r.filter(x => x.includes('cache-advisor')).length >= 3);
    const problem = (rule: string) => rows.filter(r => r.includes(rule));
    assert.strictEqual(problem('copy-before-install').length, 1, rows.join('\n'));
    assert.match(problem('copy-before-install')[0], /Ln 3, Col 1/);
    assert.match(problem('copy-before-install')[0], /copies the whole build context/);
    assert.strictEqual(problem('missing-cache-mount').length, 1, rows.join('\n'));
    assert.match(problem('missing-cache-mount')[0], /Ln 4/);
    assert.strictEqual(problem('pip-no-cache-dir').length, 1, rows.join('\n'));
    assert.match(problem('pip-no-cache-dir')[0], /Ln 4/);

    // a hover over the COPY squiggle explains the finding
    await wb.clickLine(3);
    await wb.page.keyboard.press('Control+K');
    await wb.page.keyboard.press('Control+I');
    const hover = wb.page.locator('.monaco-hover', { hasText: 'copy-before-install' }).first();
    await hover.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('01-diagnostics');
    await wb.page.keyboard.press('Escape');
  });

  it('the language server runs with the environment and Node flags the client gives it (common/serverEnvironment.ts)', () => {
    // the process the extension host started for this extension's dist/server.js, found by its command line
    const serverJs = path.join(server!.extensionDir, 'dist', 'server.js');
    const argvOf = (pid: string) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; } };
    const servers = fs.readdirSync('/proc').filter(d => /^\d+$/.test(d)).map(pid => ({ pid, argv: argvOf(pid) })).filter(p => p.argv.includes(serverJs));
    const pids = servers.map(p => p.pid);
    assert.strictEqual(pids.length, 1, `one process running ${serverJs}: ${pids.join(', ')}`);
    const env = new Map(fs.readFileSync(`/proc/${pids[0]}/environ`, 'utf8').split('\0').filter(Boolean).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    for (const [k, v] of Object.entries(SERVER_ENV)) assert.strictEqual(env.get(k), v, k);
    // the Node flags come before the script on its command line
    const argv = servers[0].argv;
    for (const flag of SERVER_NODE_ARGS) assert.ok(argv.indexOf(flag) >= 0 && argv.indexOf(flag) < argv.indexOf(serverJs), `${flag} before ${serverJs} in ${argv.join(' ')}`);
  });

  it('activation left the client bundle\'s V8 code cache in the extension\'s global storage (client/src/codeCache.ts)', () => {
    const dir = path.join(server!.userDataDir, 'User', 'globalStorage', 'cache-advisor.dockerfile-cache-advisor', 'code-cache');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    assert.strictEqual(files.length, 1, `one cache file in ${dir}: ${files.join(', ')}`);
    assert.match(files[0], /^client-[0-9a-f]{32}\.v8cache$/);
    assert.ok(fs.statSync(path.join(dir, files[0])).size > 10_000, 'V8 wrote code for the bundle');
  });

  it('fixes the COPY line from the quick-fix menu (Ctrl+.)', async () => {
    await wb.clickLine(3);
    const titles = await wb.openQuickFixMenu();
    assert.ok(titles.some(t => /Move `COPY \. \.` below the install/.test(t)), `quick fixes offered: ${titles.join(' | ')}`);
    assert.ok(titles.some(t => /Ignore copy-before-install/.test(t)), `quick fixes offered: ${titles.join(' | ')}`);
    await wb.screenshot('02-quick-fix');
    await wb.chooseQuickFix(/Move `COPY \. \.` below the install/);

    await waitFor('the COPY fix in the editor', () => wb.editorText(), t => t === AFTER_QUICK_FIX);
    // the COPY finding is gone; the pip ones stay (now on line 4 still)
    const lines = await waitFor('squiggles only on the pip line', () => wb.squiggleLines('warning'), l => !l.includes(3) && !l.includes(5) && l.includes(4));
    assert.deepStrictEqual(lines, [4]);
  });

  it('Fix All applies the rest, and the saved file is the fixed Dockerfile', async () => {
    await wb.runCommand('Dockerfile Cache Advisor: Fix All Caching Problems');
    await waitFor('the fix-all result in the editor', () => wb.editorText(), t => t === AFTER_FIX_ALL);
    await wb.save();
    assert.strictEqual(fs.readFileSync(path.join(workspace, 'Dockerfile'), 'utf8'), AFTER_FIX_ALL);

    await waitFor('no squiggles', () => wb.squiggleLines('warning'), l => l.length === 0);
    await waitFor('no cache-advisor problems', () => wb.problems(), r => !r.some(x => x.includes('cache-advisor')));
    await wb.screenshot('03-fixed');
  });

  it('highlights the RUN --mount flag, its options and the ignore pragma (injection grammar)', async () => {
    await wb.openFile('grammar.Dockerfile');
    const checks: Array<[line: number, column: number, scope: string]> = [
      [1, 5, 'keyword.other.pragma.cache-advisor.dockerfile'],
      [1, 19, 'keyword.control.pragma.ignore.cache-advisor.dockerfile'],
      [1, 30, 'constant.other.rule-id.cache-advisor.dockerfile'],
      [2, 8, 'storage.modifier.flag.mount.dockerfile'],
      [2, 14, 'entity.other.attribute-name.mount-option.type.dockerfile'],
      [2, 20, 'support.constant.mount-type.dockerfile'],
      [2, 25, 'entity.other.attribute-name.mount-option.id.dockerfile'],
      [2, 45, 'string.unquoted.path.dockerfile'],
      [2, 57, 'entity.other.attribute-name.mount-option.sharing.dockerfile'],
      [2, 65, 'support.constant.sharing-mode.dockerfile'],
      [2, 71, 'entity.other.attribute-name.mount-option.uid.dockerfile'],
      [2, 75, 'constant.numeric.dockerfile'],
      [3, 8, 'storage.modifier.flag.dockerfile'],
    ];
    for (const [line, column, scope] of checks) {
      const scopes = await wb.scopesAt(line, column);
      assert.ok(scopes.includes(scope), `${line}:${column}: expected ${scope}, got ${scopes.join(' ')}`);
      assert.ok(scopes.includes('source.dockerfile'), `${line}:${column}: not in a Dockerfile: ${scopes.join(' ')}`);
    }
    // catches-not: the command after the flags, and a --mount inside a comment
    const command = await wb.scopesAt(3, 22);
    assert.ok(!command.some(s => s.startsWith('meta.flag') || s.startsWith('storage.modifier.flag')), command.join(' '));
    const commented = await wb.scopesAt(4, 9);
    assert.ok(commented.some(s => s.startsWith('comment.line')), commented.join(' '));
    assert.ok(!commented.some(s => s.startsWith('storage.modifier.flag')), commented.join(' '));

    await wb.moveCursor(5, 1);
    await wb.screenshot('04-grammar');
  });
});
