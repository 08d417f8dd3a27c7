/**
 * Hostile input against the server over stdio: bursts of edits, files just under every limit, an ENV
 * expansion bomb, and repository settings that try to raise limits or lead Fix All out of the
 * workspace. Time bounds here are generous upper bounds (these used to take tens of seconds).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeAction, CodeLens, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TestClient } from '../support/lspClient';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const SMALL = 'FROM python:3.12\nRUN pip install --no-cache-dir flask\n';

/** A Dockerfile of about `chars` characters: stages, installs, ENV, COPY, labels and comments. */
function sizedDockerfile(chars: number, tag = ''): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < chars; i++) {
    const line = i % 400 === 0 ? `FROM python:3.12 AS s${i}`
      : i % 10 === 1 ? `RUN pip install pkg${i}${tag} && echo done${i}`
      : i % 10 === 2 ? `ENV V${i}=x${i}`
      : i % 10 === 3 ? `COPY f${i}.txt /app/`
      : i % 10 === 4 ? `LABEL step${i}="generated line ${i}"`
      : `# generated comment ${i}`;
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n') + '\n';
}

/** A Compose file of about `chars` characters, every service built with a cache-disabling build arg. */
function sizedCompose(chars: number): string {
  const out = ['services:'];
  let size = 10;
  for (let i = 0; size < chars; i++) {
    const block = `  s${i}:\n    build:\n      context: ./s${i}\n      args:\n        PIP_NO_CACHE_DIR: "1"\n    image: img${i}`;
    out.push(block);
    size += block.length + 1;
  }
  return out.join('\n') + '\n';
}

/** Nine ENV lines, each repeating the previous variable ten times: 10^9 characters if expanded. */
const ENV_BOMB = ['FROM python:3.12', 'ENV A=xxxxxxxxxx', ...'BCDEFGHI'.split('').map((v, i) => `ENV ${v}=${`$${'ABCDEFGHI'[i]}`.repeat(10)}`), 'RUN pip install flask'].join('\n') + '\n';

const since = (t: number) => Date.now() - t;

/** Resolve with how long `p` took, or fail after `ms`. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms); });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Initialize like VS Code does: workspace folders, trust in initializationOptions, lazy fix-all. */
async function initialize(client: TestClient, opts: { folders?: string[]; trusted?: boolean } = {}): Promise<void> {
  await client.conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: (opts.folders ?? []).map(f => ({ uri: pathToFileURL(f).toString(), name: path.basename(f) })),
    initializationOptions: opts.trusted === undefined ? undefined : { workspaceTrusted: opts.trusted },
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } }, publishDiagnostics: { versionSupport: true, dataSupport: true } },
    },
  });
  await client.conn.sendNotification('initialized', {});
}

describe('hostile input: the server stays responsive and within its limits', function () {
  this.timeout(180_000);
  let client: TestClient;
  let tmp: string;
  beforeEach(() => {
    client = new TestClient();
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ca-hostile-')));
  });
  afterEach(async () => {
    await client.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('50 fast edits of a file just under the worker threshold: one analysis for the latest version, and a CodeLens request answered during the burst', async () => {
    await initialize(client);
    const uri = 'untitled:burst/Dockerfile';
    const base = sizedDockerfile(30_000);
    await client.open(uri, base);
    const start = client.published.length;
    const sent = Date.now();
    let lens: Promise<CodeLens[]> | undefined;
    for (let v = 2; v <= 51; v++) {
      void client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: base.replace('pkg1 ', `pkg1-${v} `) }] });
      if (v === 26) lens = client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<CodeLens[]>;
    }
    const final = await within(15_000, 'diagnostics of the last version', client.nextDiagnostics(uri, 51));
    const lenses = await within(10_000, 'the CodeLens request', lens!);
    assert.ok(Array.isArray(lenses));
    assert.ok(final.diagnostics.some(d => String(d.message).includes('pkg1-51')), 'the final diagnostics are for the last text');
    const versions = client.published.slice(start).filter(p => p.uri === uri).map(p => p.version!);
    assert.deepStrictEqual(versions, [...versions].sort((a, b) => a - b));
    assert.ok(versions.length <= 10, `edits were not coalesced: ${versions.length} analyses published (${versions.join(',')}) in ${since(sent)} ms`);
  });

  it('an edit of a 190,000-character Dockerfile does not hold up a small document', async () => {
    await initialize(client);
    const bigUri = 'untitled:big/Dockerfile';
    const big = sizedDockerfile(190_000);
    await within(60_000, 'the big file\'s first diagnostics', client.open(bigUri, big));
    let bigDone = false;
    const bigNext = client.nextDiagnostics(bigUri, 2);
    void bigNext.then(() => { bigDone = true; });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version: 2 }, contentChanges: [{ text: big.replace('pkg1 ', 'pkg1-edited ') }] });
    const t = Date.now();
    await within(3_000, 'the small document\'s diagnostics', client.open('untitled:small/Dockerfile', SMALL));
    assert.strictEqual(bigDone, false, `the small document waited for the big one (${since(t)} ms)`);
    const after = await within(60_000, 'the big file\'s new diagnostics', bigNext);
    assert.ok(after.diagnostics.some(d => String(d.message).includes('pkg1-edited')));
    // lenses and hover of the big file come from the worker
    const lenses = (await within(30_000, 'the big file\'s lenses', client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: bigUri } }))) as CodeLens[];
    assert.ok(lenses.length > 100, `expected a lens above each install, got ${lenses.length}`);
    const copyLine = big.split('\n').findIndex(l => l.startsWith('COPY '));
    const hover = await within(30_000, 'a hover in the big file', client.conn.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line: copyLine, character: 1 } }));
    assert.ok(hover, 'a hover on COPY');
    // its fix-all runs off this thread too: a small document is answered meanwhile
    const fixAll = client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: bigUri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.cacheAdvisor'] },
    }) as Promise<CodeAction[]>;
    let fixAllDone = false;
    void fixAll.then(() => { fixAllDone = true; });
    await within(3_000, 'a small document during fix-all', client.replace('untitled:small/Dockerfile', SMALL.replace('flask', 'requests'), 2));
    assert.strictEqual(fixAllDone, false, 'the small document waited for fix-all');
    const actions = await within(120_000, 'fix-all of the big file', fixAll);
    assert.strictEqual(actions[0]?.kind, 'source.fixAll.cacheAdvisor');
  });

  it('a 1.7 MB Compose file is analysed off the main thread', async () => {
    await initialize(client);
    const uri = 'untitled:stack/compose.yaml';
    const composeDone = client.nextDiagnostics(uri, 1);
    let arrived = false;
    void composeDone.then(() => { arrived = true; });
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: sizedCompose(1_700_000) } });
    await within(3_000, 'a small document next to the Compose file', client.open('untitled:small/Dockerfile', SMALL));
    assert.strictEqual(arrived, false, 'the small document waited for the Compose analysis');
    const compose: PublishDiagnosticsParams = await within(120_000, 'the Compose file\'s diagnostics', composeDone);
    assert.ok(compose.diagnostics.some(d => d.code === 'compose-no-cache-env'), JSON.stringify(compose.diagnostics.slice(0, 2)));
  });

  it('an ENV expansion bomb: the server publishes diagnostics, the CLI exits cleanly without a stack', async () => {
    await initialize(client);
    const diag = await within(10_000, 'diagnostics of the bomb', client.open('untitled:bomb/Dockerfile', ENV_BOMB));
    assert.ok(diag.diagnostics.some(d => d.code === 'missing-cache-mount'), JSON.stringify(diag.diagnostics));
    assert.strictEqual(client.proc.exitCode, null);

    const file = path.join(tmp, 'Dockerfile');
    fs.writeFileSync(file, ENV_BOMB);
    const cli = spawnSync(process.execPath, [CLI, file], { encoding: 'utf8', timeout: 30_000 });
    assert.doesNotMatch(cli.stderr, /RangeError|\n\s+at /, cli.stderr);
    assert.match(cli.stdout, /missing-cache-mount/);
    assert.ok(cli.status === 0 || cli.status === 1, `exit ${cli.status}: ${cli.stderr}`);
  });

  it('an untrusted workspace cannot raise maxFileSize; once trusted, the raised limit applies', async () => {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    await initialize(client, { folders: [ws], trusted: false });
    client.settings = { maxFileSize: 8 * 1024 * 1024 };
    const uri = pathToFileURL(path.join(ws, 'Dockerfile')).toString();
    const text = SMALL + '# padding past the default limit\n'.repeat(Math.ceil((2 * 1024 * 1024) / 33) + 10);
    const first = await within(30_000, 'diagnostics in Restricted Mode', client.open(uri, text));
    assert.deepStrictEqual(first.diagnostics.map(d => d.code), ['file-too-large']);
    const trusted = client.nextDiagnostics(uri, 1);
    await client.conn.sendNotification('cacheAdvisor/workspaceTrust', { trusted: true });
    const after = await within(60_000, 'diagnostics once trusted', trusted);
    assert.ok(after.diagnostics.some(d => d.code === 'pip-no-cache-dir'), JSON.stringify(after.diagnostics.map(d => d.code)));
  });

  it('buildContext outside the workspace folder is ignored (with a log line); Fix All creates nothing outside it', async () => {
    const ws = path.join(tmp, 'ws');
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(path.join(ws, 'svc'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(ws, 'requirements.txt'), 'flask\n');
    const logs: string[] = [];
    client.conn.onNotification('window/logMessage', (p: { message: string }) => { logs.push(p.message); });
    await initialize(client, { folders: [ws] });
    const uri = pathToFileURL(path.join(ws, 'Dockerfile')).toString();
    const text = 'FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n';
    const fixAllEdit = async () => {
      const actions = (await client.conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.cacheAdvisor'] },
      })) as CodeAction[];
      return (actions[0]?.edit?.documentChanges ?? []).filter((c): c is { kind: 'create'; uri: string } => 'kind' in c && c.kind === 'create').map(c => c.uri);
    };

    for (const [version, escape] of [[1, '../outside'], [2, outside], [3, os.homedir()]] as const) {
      client.settings = { buildContext: escape };
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      const diag = version === 1 ? await client.open(uri, text) : await client.replace(uri, text + '#'.repeat(version), version);
      assert.ok(diag.diagnostics.some(d => d.code === 'missing-dockerignore'), JSON.stringify(diag.diagnostics.map(d => d.code)));
      const created = await fixAllEdit();
      assert.deepStrictEqual(created, [pathToFileURL(path.join(ws, '.dockerignore')).toString()], `buildContext ${escape}`);
    }
    assert.ok(logs.some(l => /buildContext.*ignored/.test(l)), logs.join('\n'));
    assert.deepStrictEqual(fs.readdirSync(outside), []);

    // catches-not: a context inside the workspace is used
    client.settings = { buildContext: 'svc' };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.replace(uri, text, 4);
    assert.deepStrictEqual(await fixAllEdit(), [pathToFileURL(path.join(ws, 'svc', '.dockerignore')).toString()]);
  });
});
