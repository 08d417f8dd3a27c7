/**
 * A lens click in an editor other than VS Code: the server runs the lens's command itself
 * (`workspace/executeCommand`), offers the rows as a message request and shows the chosen line.
 * VS Code's client runs the command itself and says so; the server then does not claim it.
 */
import * as assert from 'assert';
import type { CodeLens, MessageActionItem, ShowDocumentParams, ShowMessageRequestParams } from 'vscode-languageserver-protocol';
import { LENS_DETAILS_COMMAND } from '../../common/protocol';
import { TestClient } from '../support/lspClient';

const URI = 'file:///tmp/lens-command/Dockerfile';
const DOCKERFILE = [
  'FROM local/busybox:latest',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN pip install -r requirements.txt',
  'COPY . .',
  'RUN python -m compileall .',
  '',
].join('\n');

describe('language server: the lens command for clients without their own', function () {
  this.timeout(30_000);
  let client: TestClient;
  afterEach(() => client.stop());

  it('offers the rows of a COPY lens as choices and shows the chosen line', async () => {
    client = new TestClient();
    const init = (await client.initialize(true, { showDocument: true })) as { capabilities: { executeCommandProvider?: { commands: string[] } } };
    assert.deepStrictEqual(init.capabilities.executeCommandProvider?.commands, [LENS_DETAILS_COMMAND]);
    const asked: ShowMessageRequestParams[] = [];
    const shown: ShowDocumentParams[] = [];
    client.conn.onRequest('window/showMessageRequest', (p: ShowMessageRequestParams) => {
      asked.push(p);
      return p.actions!.find(a => /compileall/.test(a.title)) ?? null;
    });
    client.conn.onRequest('window/showDocument', (p: ShowDocumentParams) => { shown.push(p); return { success: true }; });
    await client.open(URI, DOCKERFILE);
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as CodeLens[];
    const copy = lenses.find(l => l.range.start.line === 2)!;
    assert.strictEqual(copy.command?.command, LENS_DETAILS_COMMAND);
    await client.conn.sendRequest('workspace/executeCommand', { command: copy.command!.command, arguments: copy.command!.arguments });
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0].message, /^Cache Advisor: changing requirements\.txt re-runs 4 steps/);
    assert.deepStrictEqual(asked[0].actions!.map((a: MessageActionItem) => a.title.replace(/ \(.*\)$/, '')), [
      'line 3: COPY requirements.txt ./', 'line 4: RUN pip install -r requirements.txt', 'line 5: COPY . .', 'line 6: RUN python -m compileall .',
    ]);
    assert.deepStrictEqual(shown.map(s => [s.uri, s.selection?.start.line, s.takeFocus]), [[URI, 5, true]]);
  });

  it('shows nothing when the choice is dismissed, or when the client cannot show a document', async () => {
    client = new TestClient();
    await client.initialize(true, { showDocument: false });
    const shown: ShowDocumentParams[] = [];
    let asked = 0;
    client.conn.onRequest('window/showMessageRequest', (p: ShowMessageRequestParams) => (++asked === 1 ? null : p.actions![0]));
    client.conn.onRequest('window/showDocument', (p: ShowDocumentParams) => { shown.push(p); return { success: true }; });
    await client.open(URI, DOCKERFILE);
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as CodeLens[];
    for (let i = 0; i < 2; i++) await client.conn.sendRequest('workspace/executeCommand', { command: LENS_DETAILS_COMMAND, arguments: lenses[0].command!.arguments });
    assert.strictEqual(asked, 2);
    assert.deepStrictEqual(shown, []);
  });

  it('leaves the command to a client that runs it itself (VS Code)', async () => {
    client = new TestClient();
    const init = (await client.initialize(true, { initializationOptions: { lensDetailsCommand: 'client' } })) as { capabilities: { executeCommandProvider?: unknown } };
    assert.strictEqual(init.capabilities.executeCommandProvider, undefined);
  });
});
