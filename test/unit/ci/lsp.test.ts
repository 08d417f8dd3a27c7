import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { applyTextEdits, TestClient } from '../../support/lspClient';

const WORKFLOW = 'on: push\njobs:\n  build:\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n';

describe('language server: CI workflows', function () {
  this.timeout(30_000);
  let client: TestClient;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-ci-'));
    client = new TestClient();
    await client.initialize();
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a workflow opened as plain YAML gets diagnostics and the quick fix that adds the cache', async () => {
    const u = 'file://' + path.join(dir, '.github', 'workflows', 'ci.yml');
    const d = await client.open(u, WORKFLOW, 1, 'yaml');
    assert.deepStrictEqual(d.diagnostics.map(x => `${x.range.start.line + 1}:${x.code}`), ['6:ci-build-push-without-cache']);
    const diag = d.diagnostics[0] as Diagnostic;
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: diag.range, context: { diagnostics: [diag] } }) as CodeAction[];
    const fix = actions.find(a => a.isPreferred)!;
    assert.match(fix.title, /GitHub Actions cache/);
    const fixed = applyTextEdits(WORKFLOW, fix.edit!.changes![u]);
    assert.strictEqual(fixed, WORKFLOW + '          cache-from: type=gha\n          cache-to: type=gha,mode=max\n');
    assert.deepStrictEqual(parseDocument(fixed).errors, []);
    const after = await client.replace(u, fixed, 2);
    assert.deepStrictEqual(after.diagnostics, []);
  });

  it('.gitlab-ci.yml too; the --no-cache removal is offered but not preferred', async () => {
    const u = 'file://' + path.join(dir, '.gitlab-ci.yml');
    const text = 'build:\n  script:\n    - docker build --no-cache .\n';
    const d = await client.open(u, text, 1, 'yaml');
    const diag = d.diagnostics.find(x => x.code === 'ci-no-cache') as Diagnostic;
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: diag.range, context: { diagnostics: [diag] } }) as CodeAction[];
    const removal = actions.find(a => a.title === 'Remove --no-cache')!;
    assert.strictEqual(removal.isPreferred, false);
    assert.strictEqual(applyTextEdits(text, removal.edit!.changes![u]), 'build:\n  script:\n    - docker build .\n');
  });
});
