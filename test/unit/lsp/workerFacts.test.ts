/**
 * Workspace facts on their way to the analysis worker: a large value is sent once and named by number
 * after that; a worker that no longer has one asks again; the worker's findings are the main thread's.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FACTS_KEPT, FactsReceiver, FactsSender, factsKey, type WireFacts } from '../../../server/src/lsp/workerFacts';
import { LintPool } from '../../../server/src/lsp/lintPool';
import { lint } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import type { Finding, WorkspaceFacts } from '../../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../../common/settings';

/** A monorepo's facts: many files, many manifests. */
function monorepo(packages: number): WorkspaceFacts {
  const files = new Set<string>(['package.json', 'package-lock.json']);
  const installFiles: Record<string, string> = { 'package.json': JSON.stringify({ workspaces: ['packages/*'] }) };
  for (let p = 0; p < packages; p++) {
    files.add(`packages/p${p}/package.json`);
    files.add(`packages/p${p}/src/index.ts`);
    installFiles[`packages/p${p}/package.json`] = JSON.stringify({ name: `p${p}`, dependencies: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`dep-${p}-${i}`, `^1.${i}.0`])) });
  }
  return { contextFiles: files, contextDirs: new Set(['packages']), installFiles, ignoreFile: null, contextOrigin: 'dockerfile-folder' };
}

const size = (w: WireFacts) => JSON.stringify(w).length;

describe('lsp: workspace facts sent to the analysis worker', () => {
  it('catches: a large value goes once, then by number; catches-not: the small ones, which go every time', () => {
    const ws = monorepo(100);
    const sender = new FactsSender();
    const receiver = new FactsReceiver();
    const first = sender.encode(ws);
    const second = sender.encode({ ...ws, ignoreFile: '.dockerignore' });
    assert.ok(size(first) > 500_000, `the first request carries the manifests (${size(first)} characters)`);
    assert.ok(size(second) < 200, `later requests name them (${size(second)} characters): ${JSON.stringify(second)}`);
    assert.deepStrictEqual(second.ignoreFile, { inline: '.dockerignore' });
    const got1 = receiver.decode(first)!;
    const got2 = receiver.decode(second)!;
    assert.deepStrictEqual(got1, ws);
    assert.ok(got2.contextFiles instanceof Set && got2.contextFiles.has('packages/p99/package.json'));
    assert.deepStrictEqual(got2, { ...ws, ignoreFile: '.dockerignore' });
  });

  it('the cache key: the same objects and values give the same key; another object or value another key', () => {
    const ws = monorepo(2);
    const sender = new FactsSender();
    const a = factsKey(sender.encode(ws));
    assert.strictEqual(factsKey(sender.encode(ws)), a, 'sent whole or by number, the key is the same');
    assert.strictEqual(factsKey(sender.encode({ ...ws })), a);
    assert.notStrictEqual(factsKey(sender.encode({ ...ws, ignoreFile: '.dockerignore' })), a);
    assert.notStrictEqual(factsKey(sender.encode({ ...ws, installFiles: { ...ws.installFiles } })), a);
  });

  it('a worker that no longer has a value cannot decode, and gets it whole when asked again; each side keeps FACTS_KEPT', () => {
    const sender = new FactsSender();
    const receiver = new FactsReceiver();
    const old = monorepo(1);
    receiver.decode(sender.encode(old));
    // more objects than either side keeps: the oldest is gone from both, so it is sent whole again
    for (let i = 0; i < FACTS_KEPT; i++) receiver.decode(sender.encode({ installFiles: { [`f${i}`]: 'x' } }));
    const again = sender.encode(old);
    assert.ok('value' in (again.installFiles as object));
    assert.deepStrictEqual(receiver.decode(again), old);
    // a new worker that was not told (the pool resets the sender when it starts one): named values are missing
    const fresh = new FactsReceiver();
    assert.strictEqual(fresh.decode(sender.encode(old)), undefined);
    assert.deepStrictEqual(fresh.decode(sender.encode(old, true)), old);
  });

  describe('through a worker thread', function () {
    this.timeout(60_000);
    const TEXT = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n';
    let pool: LintPool;
    afterEach(async () => pool?.dispose());

    const inPool = (workspace: WorkspaceFacts, version: number) =>
      pool.run<Finding[]>({ kind: 'lint', fileKind: DOCKERFILE.id, uri: 'file:///w/Dockerfile', version, text: TEXT, settings: DEFAULT_SETTINGS, workspace });
    const here = (workspace: WorkspaceFacts) => JSON.parse(JSON.stringify(lint(DOCKERFILE, TEXT, DEFAULT_SETTINGS, workspace).findings)) as Finding[];

    it('the worker\'s findings are the main thread\'s, for facts sent whole, by number, and after many others', async () => {
      pool = new LintPool();
      const ws = monorepo(3);
      const ignored: WorkspaceFacts = { ...ws, ignoreFile: '.dockerignore' };
      assert.notDeepStrictEqual(here(ws).map(f => f.rule), here(ignored).map(f => f.rule), 'the facts change the findings');
      assert.deepStrictEqual(await inPool(ws, 1), here(ws));
      assert.deepStrictEqual(await inPool(ignored, 2), here(ignored));
      for (let i = 0; i < FACTS_KEPT + 5; i++) await inPool({ installFiles: { [`f${i}`]: 'x' } }, 3 + i);
      assert.deepStrictEqual(await inPool(ws, 100), here(ws));
    });

    it('a worker that lost a value asks again, and the request is answered', async () => {
      // a stand-in worker that keeps nothing between requests: every value named by number is missing
      const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ca-facts-')), 'forgetful.js');
      fs.writeFileSync(script, `const { parentPort } = require('worker_threads');
parentPort.on('message', req => {
  const missing = Object.values(req.workspace).some(w => 'ref' in w && !('value' in w));
  parentPort.postMessage(missing ? { id: req.id, ok: false, error: 'lost', missingFacts: true } : { id: req.id, ok: true, value: Object.keys(req.workspace) });
});
`);
      pool = new LintPool(script);
      const ws = monorepo(1);
      assert.deepStrictEqual(await inPool(ws, 1), Object.keys(ws));
      assert.deepStrictEqual(await inPool(ws, 2), Object.keys(ws), 'sent by number, refused, sent whole');
    });
  });
});
