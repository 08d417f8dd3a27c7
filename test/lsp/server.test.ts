import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { applyTextEdits, TestClient } from '../support/lspClient';

const SAMPLE = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n';

describe('language server over stdio', function () {
  this.timeout(30_000);
  let client: TestClient;
  let dir: string;
  let uri: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-lsp-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask\n');
    fs.writeFileSync(path.join(dir, 'app.py'), 'print(1)\n');
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    client = new TestClient();
    const init = (await client.initialize()) as { capabilities: { codeActionProvider: { codeActionKinds: string[] } }; serverInfo: { name: string } };
    assert.strictEqual(init.serverInfo.name, 'dockerfile-cache-advisor-ls');
    assert.ok(init.capabilities.codeActionProvider.codeActionKinds.includes('source.fixAll.cacheAdvisor'));
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes diagnostics on open with code, source, docs link and related information', async () => {
    const { diagnostics, version } = await client.open(uri, SAMPLE);
    assert.strictEqual(version, 1);
    const codes = diagnostics.map(d => `${d.range.start.line + 1}:${d.code}`).sort();
    assert.deepStrictEqual(codes, ['3:copy-before-install', '4:missing-cache-mount', '4:pip-no-cache-dir']);
    for (const d of diagnostics) {
      assert.strictEqual(d.source, 'cache-advisor');
      assert.match(d.codeDescription!.href, new RegExp(`#${d.code}$`));
      assert.strictEqual((d.data as { version: number }).version, 1);
    }
    const copy = diagnostics.find(d => d.code === 'copy-before-install')!;
    assert.strictEqual(copy.relatedInformation?.[0].location.range.start.line, 3);
  });

  it('re-lints on change (incremental edits) and clears on close', async () => {
    await client.open(uri, SAMPLE);
    const next = client.nextDiagnostics(uri, 2);
    // delete " --no-cache-dir" from line 4
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 15 }, end: { line: 3, character: 30 } }, text: '' }],
    });
    const after = await next;
    assert.deepStrictEqual(after.diagnostics.map(d => d.code).sort(), ['copy-before-install', 'missing-cache-mount']);
    const cleared = client.nextDiagnostics(uri);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepStrictEqual((await cleared).diagnostics, []);
  });

  it('returns quick fixes from Diagnostic.data; applying one removes the finding', async () => {
    const { diagnostics } = await client.open(uri, SAMPLE);
    const copy = diagnostics.find(d => d.code === 'copy-before-install')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: copy.range, context: { diagnostics: [copy], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find(a => a.isPreferred)!;
    assert.ok(fix, 'a preferred quick fix');
    assert.strictEqual(fix.kind, 'quickfix');
    const fixed = applyTextEdits(SAMPLE, fix.edit!.changes![uri]);
    assert.strictEqual(fixed, 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n');
    const after = await client.replace(uri, fixed, 2);
    assert.ok(!after.diagnostics.some(d => d.code === 'copy-before-install'));
    assert.ok(actions.some(a => a.title === 'Ignore copy-before-install for this instruction'));
  });

  it('lists fix-all next to the quick fixes and computes its edit on codeAction/resolve', async () => {
    const { diagnostics } = await client.open(uri, SAMPLE);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics },
    })) as CodeAction[];
    const lazy = actions.find(a => a.kind === 'source.fixAll.cacheAdvisor')!;
    assert.ok(lazy, 'fix-all offered');
    assert.strictEqual(lazy.edit, undefined, 'its edit is computed only when chosen');
    const resolved = (await client.conn.sendRequest('codeAction/resolve', lazy)) as CodeAction;
    assert.strictEqual(applyTextEdits(SAMPLE, resolved.edit!.changes![uri]),
      'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n');
  });

  it('fix-all creates a missing .dockerignore next to the Dockerfile', async () => {
    fs.rmSync(path.join(dir, '.dockerignore'));
    const { diagnostics } = await client.open(uri, SAMPLE);
    assert.ok(diagnostics.some(d => d.code === 'missing-dockerignore'));
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.cacheAdvisor'] },
    })) as CodeAction[];
    const changes = actions[0].edit!.documentChanges!;
    const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).toString();
    assert.ok(changes.some(c => 'kind' in c && c.kind === 'create' && c.uri === ignoreUri), JSON.stringify(changes));
  });

  it('recomputes fixes when the client drops Diagnostic.data or sends a stale version', async () => {
    const { diagnostics } = await client.open(uri, SAMPLE);
    const pip = diagnostics.find(d => d.code === 'pip-no-cache-dir')!;
    const { data: _drop, ...withoutData } = pip;
    const stale: Diagnostic = { ...pip, data: { version: 99, fixes: [] } };
    for (const d of [withoutData, stale]) {
      const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
      const fix = actions.find(a => a.kind === 'quickfix' && a.isPreferred)!;
      assert.match(applyTextEdits(SAMPLE, fix.edit!.changes![uri]), /RUN --mount=type=cache,target=\/root\/.cache\/pip pip install -r requirements.txt/);
    }
  });

  it('source.fixAll.cacheAdvisor fixes everything at once', async () => {
    await client.open(uri, SAMPLE);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.strictEqual(actions.length, 1);
    assert.strictEqual(actions[0].kind, 'source.fixAll.cacheAdvisor');
    const fixed = applyTextEdits(SAMPLE, actions[0].edit!.changes![uri]);
    assert.strictEqual(fixed, 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n');
    const after = await client.replace(uri, fixed, 2);
    assert.deepStrictEqual(after.diagnostics, []);
  });

  it('applies rule severities from settings without a restart', async () => {
    client.settings = { rules: { 'pip-no-cache-dir': 'off', 'copy-before-install': 'error' } };
    const { diagnostics } = await client.open(uri, SAMPLE);
    assert.ok(!diagnostics.some(d => d.code === 'pip-no-cache-dir'));
    assert.strictEqual(diagnostics.find(d => d.code === 'copy-before-install')!.severity, 1);
    client.settings = { rules: { 'copy-before-install': 'hint' } };
    const next = client.nextDiagnostics(uri);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const after = await next;
    assert.strictEqual(after.diagnostics.find(d => d.code === 'copy-before-install')!.severity, 4);
    assert.ok(after.diagnostics.some(d => d.code === 'pip-no-cache-dir'));
  });

  it('answers code actions for unknown documents with an empty list and keeps serving', async () => {
    const none = await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere/Dockerfile' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
    });
    assert.deepStrictEqual(none, []);
    const { diagnostics } = await client.open(uri, SAMPLE);
    assert.ok(diagnostics.length > 0);
  });
});

describe('language server with pushed settings (no workspace/configuration)', function () {
  this.timeout(30_000);
  it('takes settings from didChangeConfiguration', async () => {
    const client = new TestClient();
    try {
      await client.initialize(false);
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { cacheAdvisor: { rules: { 'missing-cache-mount': 'off' } } } });
      const { diagnostics } = await client.open('untitled:Dockerfile', 'FROM python:3\nRUN pip install flask\n');
      assert.deepStrictEqual(diagnostics, []);
    } finally {
      await client.stop();
    }
  });
});
