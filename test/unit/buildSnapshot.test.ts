/**
 * The build snapshot on disk: the files a step reads after .dockerignore (BuildKit's rules), hashing
 * bounds, the history store (last N builds, atomic, damaged files ignored, never in the workspace).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashFiles, noCacheOf, planSnapshot, SNAPSHOT_LIMITS, type BuildSnapshot } from '../../common/docker/buildSnapshot';
import { cliSnapshotDir, historyFile, loadHistory, saveSnapshot } from '../../common/docker/snapshotStore';

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

describe('build snapshot', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-snap-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const plan = (text: string, extra: Partial<Parameters<typeof planSnapshot>[0]> = {}) =>
    planSnapshot({ dockerfile: path.join(tmp, 'Dockerfile'), context: tmp, text, buildArgs: new Map(), ...extra });

  it('COPY . . reads every file the .dockerignore lets through, exceptions included', async () => {
    tree(tmp, { 'app.py': 'print(1)', 'notes.md': 'n', 'logs/a.log': 'x', 'logs/keep.log': 'k', '.dockerignore': '*.md\nlogs\n!logs/keep.log\n' });
    const s = await plan('FROM scratch\nCOPY . /app\n');
    const copy = s.steps.find(x => x.keyword === 'COPY')!;
    const files = copy.files!.map(i => s.paths[i]).filter(p => !fs.statSync(path.join(tmp, p)).isDirectory());
    assert.deepStrictEqual(files.sort(), ['.dockerignore', 'app.py', 'logs/keep.log']);
    assert.ok(copy.broad);
  });

  it('<Dockerfile>.dockerignore wins over the context\'s .dockerignore', async () => {
    tree(tmp, { 'a.txt': 'a', 'b.txt': 'b', '.dockerignore': 'a.txt\n', 'Dockerfile.dockerignore': 'b.txt\n' });
    const s = await plan('FROM scratch\nCOPY *.txt /\n');
    assert.deepStrictEqual(s.paths, ['a.txt']);
  });

  it('a narrow COPY reads only its file; a content change changes the hash, a touch does not', async () => {
    tree(tmp, { 'requirements.txt': 'flask\n', 'app.py': 'x' });
    const text = 'FROM scratch\nCOPY requirements.txt /\n';
    const a = await plan(text);
    assert.deepStrictEqual(a.paths, ['requirements.txt']);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(tmp, 'requirements.txt'), later, later);
    assert.deepStrictEqual((await plan(text)).hashes, a.hashes);
    fs.writeFileSync(path.join(tmp, 'requirements.txt'), 'flask==3\n');
    assert.notDeepStrictEqual((await plan(text)).hashes, a.hashes);
  });

  it('a file over the size bound is compared by size and time, not read', async () => {
    tree(tmp, { 'big.bin': 'x'.repeat(2048), 'small.txt': 's' });
    for (const f of ['big.bin', 'small.txt']) fs.chmodSync(path.join(tmp, f), 0o644);
    const hashes = await hashFiles(tmp, ['big.bin', 'small.txt'], { ...SNAPSHOT_LIMITS, maxFileBytes: 1024 });
    assert.match(hashes[0], /^stat:2048:\d+:644$/);
    assert.match(hashes[1], /^[0-9a-f]{32}:644$/);
  });

  it('the file count bound makes the snapshot say it is partial', async () => {
    tree(tmp, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, String(i)])));
    const s = await plan('FROM scratch\nCOPY . /\n', { limits: { maxFiles: 10 } });
    assert.strictEqual(s.paths.length, 10);
    assert.match(s.partial!, /more than 10 files/);
  });

  it('build args decide the sources and the expanded text', async () => {
    tree(tmp, { 'a/x': '1', 'b/x': '2' });
    const s = await plan('FROM scratch\nARG DIR=a\nCOPY ${DIR}/ /src/\n', { buildArgs: new Map([['DIR', 'b']]) });
    const copy = s.steps.find(x => x.keyword === 'COPY')!;
    assert.strictEqual(copy.expanded, 'COPY b/ /src/');
    assert.deepStrictEqual(copy.args, { DIR: 'b' });
    assert.ok(s.paths.every(p => p.startsWith('b')), s.paths.join());
  });

  it('--no-cache and --no-cache-filter are read from the engine arguments', () => {
    assert.strictEqual(noCacheOf(['--network=none', '--no-cache']), true);
    assert.deepStrictEqual(noCacheOf(['--no-cache-filter', 'deps,test']), ['deps', 'test']);
    assert.deepStrictEqual(noCacheOf(['--no-cache-filter=deps']), ['deps']);
    assert.strictEqual(noCacheOf(['--network=none']), undefined);
  });

  describe('the history store', () => {
    const snapOf = (n: number): BuildSnapshot => ({ version: 1, dockerfile: '/w/Dockerfile', context: '/w', finishedAt: `2026-11-26T10:00:${String(n).padStart(2, '0')}Z`, paths: [], hashes: [], steps: [] });

    it('keeps the last N builds, newest first, one file per Dockerfile and target', () => {
      for (let n = 0; n < 12; n++) saveSnapshot(tmp, snapOf(n), 10);
      const h = loadHistory(tmp, '/w/Dockerfile', undefined);
      assert.strictEqual(h.length, 10);
      assert.strictEqual(h[0].finishedAt, '2026-11-26T10:00:11Z');
      assert.deepStrictEqual(loadHistory(tmp, '/w/Dockerfile', 'test'), []);
      assert.notStrictEqual(historyFile(tmp, '/w/Dockerfile', 'test'), historyFile(tmp, '/w/Dockerfile', undefined));
      assert.deepStrictEqual(fs.readdirSync(tmp).filter(f => f.endsWith('.tmp')), []);
    });

    it('a damaged history file counts as none, and the next save replaces it', () => {
      fs.writeFileSync(historyFile(tmp, '/w/Dockerfile', undefined), '{"version":1,"dockerfile":"/w/Dock');
      assert.deepStrictEqual(loadHistory(tmp, '/w/Dockerfile', undefined), []);
      saveSnapshot(tmp, snapOf(1));
      assert.strictEqual(loadHistory(tmp, '/w/Dockerfile', undefined).length, 1);
    });

    it('the CLI keeps it under the user\'s cache folder', () => {
      assert.strictEqual(cliSnapshotDir({ XDG_CACHE_HOME: '/c' }, '/home/u'), '/c/dockerfile-cache-advisor/build-snapshots');
      assert.strictEqual(cliSnapshotDir({}, '/home/u'), '/home/u/.cache/dockerfile-cache-advisor/build-snapshots');
      assert.strictEqual(cliSnapshotDir({ XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/dockerfile-cache-advisor/build-snapshots');
    });
  });
});
