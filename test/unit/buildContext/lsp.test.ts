import * as assert from 'assert';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { WhatRebuildsRequest, type WhatRebuildsResult } from '../../../common/protocol';
import { TestClient } from '../../support/lspClient';
import { FIXTURES } from './fixtures';

const uriOf = (...p: string[]) => pathToFileURL(path.join(FIXTURES, ...p)).toString();

describe('language server: hover, CodeLens and cacheAdvisor/whatRebuilds over stdio', function () {
  this.timeout(30_000);
  let client: TestClient;

  beforeEach(async () => {
    client = new TestClient();
    client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: pathToFileURL(FIXTURES).toString(), name: 'context' }]);
    const init = (await client.initialize()) as { capabilities: { hoverProvider?: boolean; codeLensProvider?: unknown } };
    assert.strictEqual(init.capabilities.hoverProvider, true);
    assert.ok(init.capabilities.codeLensProvider);
  });

  afterEach(() => client.stop());

  it('hovers a COPY with its files and lenses the install', async () => {
    const uri = uriOf('multistage', 'Dockerfile');
    const fs = await import('fs');
    await client.open(uri, fs.readFileSync(path.join(FIXTURES, 'multistage', 'Dockerfile'), 'utf8'));
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } })) as Hover;
    assert.match((hover.contents as MarkupContent).value, /^\*\*COPY\*\*: changing what it copies re-runs this step and 1 later step[\s\S]*copies 1 file[\s\S]*`requirements\.txt`/);
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    const first = lenses.slice(0, 2);
    assert.deepStrictEqual(first.map(l => [l.range.start.line, l.command?.title, l.command?.command]), [
      [2, 'changing requirements.txt re-runs 8 steps (6 in stage build, stage test, stage final)', 'cacheAdvisor.showLensDetails'],
      [3, 'cached unless: requirements.txt', 'cacheAdvisor.showLensDetails'],
    ]);
  });

  it('answers whatRebuilds for every Dockerfile of the workspace whose context holds the file', async () => {
    const r = (await client.conn.sendRequest(WhatRebuildsRequest.method, { uri: uriOf('multistage', 'src', 'app.py') })) as WhatRebuildsResult;
    assert.strictEqual(r.file, 'multistage/src/app.py');
    assert.strictEqual(r.dockerfiles.length, 1);
    const d = r.dockerfiles[0];
    assert.strictEqual(d.dockerfile, 'multistage/Dockerfile');
    assert.deepStrictEqual(d.rerunLines, [7, 8, 16, 18]);
    assert.deepStrictEqual(d.ranges.map(x => x.start.line + 1), [7, 8, 16, 18]);
    assert.deepStrictEqual(d.conditionalLines, [16, 18]);
    assert.strictEqual(d.summary, 'changing multistage/src/app.py re-runs 4 of 10 steps, from line 7 (2 of them only if the files taken from stage build change)');
  });

  it('uses the unsaved text of an open Dockerfile, and reports an ignored file as not in the context', async () => {
    const uri = uriOf('per-dockerfile', 'Dockerfile');
    await client.open(uri, 'FROM local/busybox:latest\nRUN echo first\nCOPY . /ctx/\nRUN ls /ctx\n');
    const b = (await client.conn.sendRequest(WhatRebuildsRequest.method, { uri: uriOf('per-dockerfile', 'b.txt') })) as WhatRebuildsResult;
    assert.deepStrictEqual(b.dockerfiles.map(d => [d.dockerfile, d.rerunLines]), [['per-dockerfile/Dockerfile', [3, 4]]]);
    const a = (await client.conn.sendRequest(WhatRebuildsRequest.method, { uri: uriOf('per-dockerfile', 'a.txt') })) as WhatRebuildsResult;
    assert.deepStrictEqual(a.dockerfiles.map(d => [d.inContext, d.reason]), [[false, 'ignored']]);
  });
});
