import * as assert from 'assert';
import * as fs from 'fs';
import type { CodeAction, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TestClient } from '../support/lspClient';

/** Server RSS in MB, read from /proc (Linux); undefined elsewhere. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const SMALL = 'FROM python:3.12\nRUN pip install --no-cache-dir flask\n';

/** A long generated Dockerfile: multi-stage, comments, labels, ENV, COPY and a RUN every few lines. */
function bigDockerfile(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    if (i % 500 === 0) out.push(`FROM python:3.12 AS s${i}`, 'WORKDIR /app');
    switch (i % 10) {
      case 0: out.push(`RUN pip install --no-cache-dir pkg${i} && echo done${i}`); break;
      case 1: out.push(`ENV V${i}=x${i}`); break;
      case 2: out.push(`COPY f${i}.txt /app/`); break;
      case 3: out.push(`LABEL step${i}="generated line ${i}"`); break;
      default: out.push(`# generated comment ${i}`);
    }
  }
  return out.join('\n') + '\n';
}

describe('language server resilience', function () {
  this.timeout(180_000);
  let client: TestClient;
  beforeEach(async () => {
    client = new TestClient();
    await client.initialize();
  });
  afterEach(async () => {
    await client.stop();
  });

  it('a burst of 1,000 edits: diagnostics for the final version arrive, stale versions are skipped, memory stays flat', async () => {
    const uri = 'untitled:burst/Dockerfile';
    await client.open(uri, SMALL);
    const rss: number[] = [];
    let version = 1;
    for (let burst = 0; burst < 3; burst++) {
      const start = client.published.length;
      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < 1000; i++) {
        version++;
        // toggle `--no-cache-dir` on and off: even versions have it
        const text = version % 2 === 0 ? SMALL : SMALL.replace(' --no-cache-dir', '');
        sends.push(client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] }));
      }
      const final = client.nextDiagnostics(uri, version);
      await Promise.all(sends);
      const last = await final;
      const codes = last.diagnostics.map(d => d.code).sort();
      assert.deepStrictEqual(codes, version % 2 === 0 ? ['missing-cache-mount', 'pip-no-cache-dir'] : ['missing-cache-mount']);
      const published = client.published.slice(start).filter(p => p.uri === uri);
      assert.ok(published.length < 1000, `expected stale versions to be skipped, got ${published.length} publications for 1000 edits`);
      // versions are published in order: an older analysis never overwrites a newer one
      const versions = published.map(p => p.version!);
      assert.deepStrictEqual(versions, [...versions].sort((a, b) => a - b));
      const r = rssMb(client.proc.pid!);
      if (r !== undefined) rss.push(r);
    }
    if (rss.length === 3) assert.ok(rss[2] - rss[0] < 40, `server RSS grew from ${rss[0].toFixed(1)} MB to ${rss[2].toFixed(1)} MB over 2,000 edits`);
  });

  it('a 10 MB Dockerfile gets one "too large" notice; a 50,000-line one is analysed off the main thread', async () => {
    const huge = 'FROM x\n' + '# padding line for size\n'.repeat(Math.ceil((10 * 1024 * 1024) / 24));
    const hugeDiag = await client.open('untitled:huge/Dockerfile', huge);
    assert.strictEqual(hugeDiag.diagnostics.length, 1);
    assert.match(String(hugeDiag.diagnostics[0].message), /too large to analyse/);
    assert.strictEqual(hugeDiag.diagnostics[0].severity, 3);

    const bigUri = 'untitled:big/Dockerfile';
    const bigDone = client.nextDiagnostics(bigUri, 1);
    let bigArrived = false;
    void bigDone.then(() => { bigArrived = true; });
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'dockerfile', version: 1, text: bigDockerfile(50_000) } });
    // while the big file is analysed, a small document is linted and its code actions answered
    const small = await client.open('untitled:small/Dockerfile', SMALL);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'untitled:small/Dockerfile' }, range: small.diagnostics[0].range, context: { diagnostics: small.diagnostics },
    })) as CodeAction[];
    assert.ok(actions.length > 0);
    assert.strictEqual(bigArrived, false, 'the small document should be answered before the 50,000-line analysis finishes');
    const big: PublishDiagnosticsParams = await bigDone;
    assert.ok(big.diagnostics.length > 5_000, `expected the big file's findings, got ${big.diagnostics.length}`);
    // and its code actions come from the worker too
    const bigActions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: bigUri }, range: big.diagnostics[0].range, context: { diagnostics: [big.diagnostics[0]] },
    })) as CodeAction[];
    assert.ok(bigActions.some(a => a.kind === 'quickfix'));
  });

  it('malformed input yields protocol errors or empty answers, never a crash', async () => {
    const uri = 'untitled:m/Dockerfile';
    await client.open(uri, SMALL);
    // changes to a document that was never opened, and edits far outside the document
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: 'untitled:never-opened', version: 2 }, contentChanges: [{ text: 'x' }] });
    const clamped = client.nextDiagnostics(uri, 2);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 999, character: 5 }, end: { line: 1200, character: 0 } }, text: 'RUN npm ci\n' }],
    });
    const after = await clamped;
    assert.ok(after.diagnostics.some(d => d.code === 'missing-cache-mount' && String(d.message).includes('npm ci')));
    // code actions for a closed document, a request with missing params, and an unknown method
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepStrictEqual(await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
    await assert.rejects(client.conn.sendRequest('textDocument/codeAction', {}));
    await assert.rejects(client.conn.sendRequest('cacheAdvisor/noSuchMethod', {}), (e: { code?: number }) => e.code === -32601);
    assert.strictEqual(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nowhere' }, position: { line: -1, character: -1 } }), null);
    // still alive and answering
    const again = await client.open('untitled:m2/Dockerfile', SMALL);
    assert.strictEqual(again.diagnostics.length, 2);
    assert.strictEqual(client.proc.exitCode, null);
  });
});
