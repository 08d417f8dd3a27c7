import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestClient } from '../support/lspClient';

const root = path.resolve(__dirname, '../../..');
const preload = path.join(root, 'test/support/noNetwork.cjs');

describe('security: no network requests of its own, no telemetry', function () {
  this.timeout(60_000);
  let logFile: string;
  beforeEach(() => {
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ca-net-')), 'net.log');
  });

  it('the CLI lints, fixes and reports without touching the network', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-net-cli-'));
    fs.copyFileSync(path.join(root, 'samples/python-app/Dockerfile'), path.join(dir, 'Dockerfile'));
    for (const args of [['lint', dir], ['--format', 'sarif', dir], ['--fix', dir], ['what-rebuilds', path.join(dir, 'Dockerfile'), '--dockerfile', path.join(dir, 'Dockerfile')]]) {
      const r = spawnSync(process.execPath, ['--require', preload, path.join(root, 'dist/cli.js'), ...args], { env: { ...process.env, NO_NETWORK_LOG: logFile }, encoding: 'utf8' });
      assert.ok(r.status !== null && r.status <= 2, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.strictEqual(fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '', '');
  });

  it('the language server answers diagnostics, code actions and hovers without touching the network', async () => {
    const client = new TestClient(['--stdio'], ['--require', preload], { NO_NETWORK_LOG: logFile });
    try {
      await client.initialize();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-net-ls-'));
      const uri = `file://${path.join(dir, 'Dockerfile')}`;
      const { diagnostics } = await client.open(uri, 'FROM python:3.12\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n');
      assert.ok(diagnostics.length > 0);
      await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
      await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
      await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    } finally {
      await client.stop();
    }
    assert.strictEqual(fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '', '');
  });

  it('the recorder itself works (a connection attempt is logged)', () => {
    const r = spawnSync(process.execPath, ['--require', preload, '-e', "require('net').connect(9, '127.0.0.1').on('error', () => {})"], { env: { ...process.env, NO_NETWORK_LOG: logFile }, encoding: 'utf8' });
    assert.strictEqual(r.status, 0);
    assert.match(fs.readFileSync(logFile, 'utf8'), /connect 127\.0\.0\.1:9/);
  });
});
