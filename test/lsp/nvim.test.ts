/**
 * The stand-alone server (`node dist/server.js --stdio`) driven by Neovim's built-in LSP client,
 * headless (test/nvim/smoke.lua): diagnostics arrive, a quick fix is offered and applies. Skips with a
 * printed reason when nvim is not installed, except with CI=true (.ci/run installs Debian's neovim).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from '../support/availability';

const ROOT = path.resolve(__dirname, '../../..');
const SMOKE = path.join(ROOT, 'test', 'nvim', 'smoke.lua');
const SERVER = path.join(ROOT, 'dist', 'server.js');

const DOCKERFILE = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'COPY . .',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

interface SmokeResult { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function nvimPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describe('Neovim LSP client (headless smoke test)', function () {
  this.timeout(90_000);
  let nvim: string;
  let dir: string;

  before(function () {
    const found = nvimPath();
    if (!found) skipOrFail(this, 'nvim is not installed (apt-get install neovim; .ci/run does)');
    nvim = found;
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-nvim-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
    // a project that ignores its junk: the findings are the three layer-cache ones checked below
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n__pycache__/\n');
  });

  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  function smoke(file: string, extraEnv: Record<string, string> = {}): SmokeResult {
    const r = spawnSync(nvim, ['--headless', '--clean', '-n', '-u', 'NONE', '-c', `luafile ${SMOKE}`], {
      encoding: 'utf8',
      timeout: 80_000,
      cwd: dir,
      env: { ...process.env, CACHE_ADVISOR_SERVER: SERVER, CACHE_ADVISOR_DOCKERFILE: file, CACHE_ADVISOR_NODE: process.execPath, ...extraEnv },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('gets the diagnostics with rule ids on the right lines', () => {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    const r = smoke(file);
    console.log(r.stdout.split('\n').filter(Boolean).map(l => `        ${l.slice(0, 110)}`).join('\n'));
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^diagnostics 3$/m);
    const diagnostics = r.stdout.split('\n').filter(l => l.startsWith('diagnostic '));
    assert.deepStrictEqual(diagnostics.map(l => l.split(' ').slice(1, 4).join(' ')), [
      '3:1 warning copy-before-install',
      '4:5 warning missing-cache-mount',
      '4:17 warning pip-no-cache-dir',
    ]);
  });

  it('offers the quick fix on the COPY line, and applying it reorders the Dockerfile', () => {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    const r = smoke(file, { CACHE_ADVISOR_FIX_LINE: '3' });
    assert.strictEqual(r.status, 0, r.stderr);
    const actions = r.stdout.split('\n').filter(l => l.startsWith('action ')).map(l => l.slice('action '.length));
    assert.match(actions[0], /^Move `COPY \. \.` below the install/);
    assert.ok(actions.includes('Ignore copy-before-install for this instruction'), actions.join('\n'));
    const fixed = /--- fixed ---\n([\s\S]*?)--- end ---/.exec(r.stdout);
    assert.ok(fixed, r.stdout);
    assert.strictEqual(fixed[1], [
      'FROM python:3.12-slim',
      'WORKDIR /app',
      'COPY requirements.txt ./',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'COPY . .',
      'CMD ["python", "app.py"]',
      '',
    ].join('\n'));
  });

  it('a clean Dockerfile gets an empty diagnostics list', () => {
    const file = path.join(dir, 'clean.Dockerfile');
    fs.writeFileSync(file, 'FROM busybox\nCOPY app.sh /app.sh\nCMD ["/app.sh"]\n');
    const r = smoke(file);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^diagnostics 0$/m);
    assert.doesNotMatch(r.stdout, /^diagnostic /m);
  });
});
