import * as assert from 'assert';
import * as fs from 'fs';
import Module = require('module');
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor, loadWithCodeCache } from '../../client/src/codeCache';

/** A CommonJS module whose exports tell which text ran, and that it got Node's wrapper arguments. */
const moduleText = (tag: string) => `'use strict';
const helper = require('./helper.js');
function answer() { return ${JSON.stringify(tag)} + helper.suffix; }
module.exports = { answer, file: __filename, dir: __dirname, sameExports: exports === module.exports };
`;

describe('client: loading the client bundle through V8\'s code cache (codeCache.ts)', () => {
  let tmp: string;
  let file: string;
  let cacheDir: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-codecache-'));
    file = path.join(tmp, 'dist', 'client.js');
    cacheDir = path.join(tmp, 'storage', 'code-cache');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'dist', 'helper.js'), `exports.suffix = '!';\n`);
    fs.writeFileSync(file, moduleText('first'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  type Exports = { answer(): string; file: string; dir: string; sameExports: boolean };

  it('runs the module as Node would, writes the cache after use, and the next load uses it', () => {
    const a = loadWithCodeCache(file, cacheDir);
    assert.strictEqual(a.cache, 'none');
    const ex = a.exports as Exports;
    assert.deepStrictEqual([ex.answer(), ex.file, ex.dir, ex.sameExports], ['first!', file, path.dirname(file), true]);
    assert.strictEqual(a.save(), true);
    assert.ok(fs.statSync(a.cacheFile!).size > 0);
    const b = loadWithCodeCache(file, cacheDir);
    assert.strictEqual(b.cache, 'used');
    assert.strictEqual((b.exports as Exports).answer(), 'first!');
    assert.strictEqual(b.save(), false, 'a cache V8 used is kept as it is');
  });

  it('a changed bundle of the same length never runs the old code (V8 itself only compares lengths)', () => {
    const a = loadWithCodeCache(file, cacheDir);
    (a.exports as Exports).answer();
    a.save();
    const changed = moduleText('other');
    assert.strictEqual(changed.length, moduleText('first').length);
    fs.writeFileSync(file, changed);
    const b = loadWithCodeCache(file, cacheDir);
    assert.strictEqual(b.cache, 'none');
    assert.strictEqual((b.exports as Exports).answer(), 'other!');
    assert.notStrictEqual(b.cacheFile, a.cacheFile);
    assert.strictEqual(b.save(), true);
    // the old bundle's cache is removed with it
    assert.deepStrictEqual(fs.readdirSync(cacheDir), [path.basename(b.cacheFile!)]);
  });

  it('a corrupted cache file is rejected, the module still runs, and the file is written again', () => {
    const target = cacheFileFor(cacheDir, 'client', fs.readFileSync(file, 'utf8'));
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(target, Buffer.from('not V8 code at all, but long enough to look like a header'.repeat(8)));
    const a = loadWithCodeCache(file, cacheDir);
    assert.strictEqual(a.cache, 'rejected');
    assert.strictEqual((a.exports as Exports).answer(), 'first!');
    assert.strictEqual(a.save(), true);
    assert.strictEqual(loadWithCodeCache(file, cacheDir).cache, 'used');
  });

  it('without a cache folder, or one it cannot write, the module loads and nothing is written', () => {
    const a = loadWithCodeCache(file, undefined);
    assert.deepStrictEqual([a.cache, a.cacheFile, (a.exports as Exports).answer(), a.save()], ['none', undefined, 'first!', false]);
    // a file where the cache folder should be
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
    fs.writeFileSync(cacheDir, 'in the way');
    const b = loadWithCodeCache(file, cacheDir);
    assert.strictEqual((b.exports as Exports).answer(), 'first!');
    assert.strictEqual(b.save(), false);
    assert.strictEqual(fs.readFileSync(cacheDir, 'utf8'), 'in the way');
  });

  it('the module gets the require it is given (the extension host\'s, which provides `vscode`)', () => {
    fs.writeFileSync(file, `module.exports = require('vscode');\n`);
    const provided = { window: 'stub' };
    const fallback = Module.createRequire(file);
    const req = Object.assign((id: string) => (id === 'vscode' ? provided : fallback(id)), fallback) as NodeJS.Require;
    assert.strictEqual(loadWithCodeCache(file, cacheDir, req).exports, provided);
  });
});
