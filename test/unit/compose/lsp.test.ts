import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { applyTextEdits, TestClient } from '../../support/lspClient';

const COMPOSE = 'services:\n  web:\n    build:\n      context: .\n      args:\n        - PIP_NO_CACHE_DIR=1\n        - DEBUG=0\n    image: acme/web:1\n';

describe('language server: Compose documents', function () {
  this.timeout(30_000);
  let client: TestClient;
  let dir: string;
  const uri = (name: string) => 'file://' + path.join(dir, name);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-compose-'));
    client = new TestClient();
    await client.initialize();
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('language id dockercompose: compose findings with code, source and docs link', async () => {
    const d = await client.open(uri('docker-compose.yml'), COMPOSE, 1, 'dockercompose');
    assert.deepStrictEqual(d.diagnostics.map(x => `${x.range.start.line + 1}:${x.code}`), ['3:compose-missing-cache-from', '6:compose-no-cache-env']);
    for (const x of d.diagnostics) {
      assert.strictEqual(x.source, 'cache-advisor');
      assert.match(x.codeDescription?.href ?? '', new RegExp(`docs/rules\\.md#${x.code}$`));
    }
  });

  it('language id yaml: only compose-named files are analysed', async () => {
    const compose = await client.open(uri('compose.yaml'), COMPOSE, 1, 'yaml');
    assert.strictEqual(compose.diagnostics.length, 2);
    const other = await client.open(uri('ci.yml'), 'jobs:\n  build:\n    steps: []\nCOPY . .\n', 1, 'yaml');
    assert.deepStrictEqual(other.diagnostics, []);
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri('ci.yml') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }) as CodeAction[];
    assert.deepStrictEqual(actions, []);
  });

  it('quick fixes and fix-all for a compose file give valid YAML with the findings gone', async () => {
    const u = uri('app.compose.yaml');
    const d = await client.open(u, COMPOSE, 1, 'dockercompose');
    const env = d.diagnostics.find(x => x.code === 'compose-no-cache-env') as Diagnostic;
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: env.range, context: { diagnostics: [env] } }) as CodeAction[];
    const fix = actions.find(a => a.isPreferred)!;
    assert.match(fix.title, /Remove PIP_NO_CACHE_DIR/);
    const fixed = applyTextEdits(COMPOSE, fix.edit!.changes![u]);
    assert.strictEqual(fixed, 'services:\n  web:\n    build:\n      context: .\n      args:\n        - DEBUG=0\n    image: acme/web:1\n');
    assert.ok(actions.some(a => a.title === 'Ignore compose-no-cache-env here'));
    const all = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: env.range, context: { diagnostics: [], only: ['source.fixAll.cacheAdvisor'] } }) as CodeAction[];
    assert.strictEqual(all.length, 1);
    const everything = applyTextEdits(COMPOSE, all[0].edit!.changes![u]);
    assert.deepStrictEqual(parseDocument(everything).errors, []);
    const after = await client.replace(u, everything, 2);
    assert.deepStrictEqual(after.diagnostics, []);
  });

  it('the ignore action silences the finding', async () => {
    const u = uri('docker-compose.override.yml');
    const d = await client.open(u, COMPOSE, 1, 'dockercompose');
    const first = d.diagnostics[0];
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: first.range, context: { diagnostics: [first] } }) as CodeAction[];
    const ignore = actions.find(a => a.title.startsWith('Ignore'))!;
    const text = applyTextEdits(COMPOSE, ignore.edit!.changes![u]);
    const after = await client.replace(u, text, 2);
    assert.deepStrictEqual(after.diagnostics.map(x => x.code), ['compose-no-cache-env']);
  });

  it('a Dockerfile next to no .dockerignore: the quick fix creates one through the workspace edit', async () => {
    const u = uri('Dockerfile');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM x\nCOPY . /app\n');
    const d = await client.open(u, 'FROM x\nCOPY . /app\n');
    const diag = d.diagnostics.find(x => x.code === 'missing-dockerignore')!;
    assert.ok(diag);
    const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: diag.range, context: { diagnostics: [diag] } }) as CodeAction[];
    const create = actions.find(a => a.title.startsWith('Create .dockerignore'))!;
    const changes = create.edit!.documentChanges as Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: Array<{ newText: string }> }>;
    assert.deepStrictEqual(changes[0], { kind: 'create', uri: uri('.dockerignore'), options: { ignoreIfExists: true } });
    assert.match(changes[1].edits![0].newText, /^\.git$/m);
  });
});
