/**
 * Hostile repositories and endpoints (issue 22, the file-system / Engine API / output part): each
 * case is a repository or engine that used to hang, crash or misuse the tool, next to its ordinary
 * twin. Budgets are generous bounds on things that used to take minutes or forever.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { keepLineEndings, lineEndingOf, writeFileAtomic, type AtomicWriteFs } from '../../../common/atomicWrite';
import { BoundedReadError, listFolder, MAX_IGNORE_BYTES, MAX_SEARCHED_FOLDER_ENTRIES, readWorkspaceText } from '../../../common/boundedRead';
import { listContextFiles, SNAPSHOT_LIMITS } from '../../../common/docker/buildSnapshot';
import { composeCacheFor } from '../../../common/docker/composeCache';
import { patternList } from '../../../common/analysis/dockerPattern';
import { clearWorkspaceFactsCache, gatherWorkspaceFacts } from '../../../server/src/buildContext/workspaceFacts';
import { perBuildArgs } from '../../../server/src/buildContext/perBuildArgs';
import { resolveBuildContext } from '../../../server/src/buildContext/contextFolder';
import { main } from '../../../server/src/cli';
import { escapeControls } from '../../../server/src/cli/io';
import { runLint } from '../../../server/src/cli/lint';
import { runWhatRebuilds } from '../../../server/src/cli/whatRebuilds';
import { readIgnoreSpec } from '../../../server/src/buildContext/ignore';
import { EngineApiError, EngineClient, parseDockerHost, DEFAULT_MAX_RESPONSE_BYTES } from '../../../common/docker/engineApi';
import { clearHostCache } from '../../../common/docker/prune';
import { captureIO } from '../../support/cliIO';
import { TestClient } from '../../support/lspClient';

const CLI = path.resolve(__dirname, '../../../../dist/cli.js');
const posix = process.platform !== 'win32';

function tmp(prefix = 'ca-hostile-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function tree(files: Record<string, string>): string {
  const dir = tmp();
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const COPY_ALL = 'FROM busybox\nCOPY . /app\nRUN ls /app\n';
/** One safe fix applies (a pip cache mount). */
const FIXABLE = 'FROM python:3.12\nRUN pip install flask\n';

/** A repository whose ignore files are a /dev/zero symlink and a FIFO, as git can check them out. */
function trapRepo(): string {
  const dir = tree({ Dockerfile: COPY_ALL, 'a.txt': 'a\n' });
  fs.symlinkSync('/dev/zero', path.join(dir, '.dockerignore'));
  spawnSync('mkfifo', [path.join(dir, 'Dockerfile.dockerignore')]);
  return dir;
}

describe('hostile input: workspace files, Engine API and output', function () {
  this.timeout(60_000);

  describe('bounded workspace reads', () => {
    it('reads an ordinary file whole', () => {
      const dir = tree({ Dockerfile: COPY_ALL });
      assert.strictEqual(readWorkspaceText(path.join(dir, 'Dockerfile'), { root: dir }), COPY_ALL);
    });

    it('refuses a symlink to /dev/zero, a FIFO and a file over the cap, without hanging', function () {
      if (!posix) this.skip();
      const dir = trapRepo();
      assert.throws(() => readWorkspaceText(path.join(dir, '.dockerignore'), { root: dir }), (e: unknown) => e instanceof BoundedReadError && /outside/.test(e.message));
      assert.throws(() => readWorkspaceText(path.join(dir, '.dockerignore')), (e: unknown) => e instanceof BoundedReadError && e.reason === 'not-regular');
      assert.throws(() => readWorkspaceText(path.join(dir, 'Dockerfile.dockerignore'), { root: dir }), (e: unknown) => e instanceof BoundedReadError && /a FIFO/.test(e.message));
      fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(MAX_IGNORE_BYTES + 1, 0x61));
      assert.throws(() => readWorkspaceText(path.join(dir, 'big'), { maxBytes: MAX_IGNORE_BYTES }), (e: unknown) => e instanceof BoundedReadError && e.reason === 'too-large');
      assert.strictEqual(readWorkspaceText(path.join(dir, 'big'), { maxBytes: MAX_IGNORE_BYTES + 1 }).length, MAX_IGNORE_BYTES + 1);
    });

    it('follows a symlink inside the root, refuses one escaping it', function () {
      if (!posix) this.skip();
      const outside = tree({ secret: 'node_modules\n' });
      const dir = tree({ 'shared.ignore': '*.log\n' });
      fs.symlinkSync('shared.ignore', path.join(dir, '.dockerignore'));
      assert.deepStrictEqual(readIgnoreSpec(path.join(dir, 'Dockerfile'), dir).patterns, ['*.log']);
      fs.unlinkSync(path.join(dir, '.dockerignore'));
      fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, '.dockerignore'));
      assert.deepStrictEqual(readIgnoreSpec(path.join(dir, 'Dockerfile'), dir).patterns, []);
    });

    it('an unusable <Dockerfile>.dockerignore falls back to the context .dockerignore', function () {
      if (!posix) this.skip();
      const dir = tree({ Dockerfile: COPY_ALL, '.dockerignore': '*.log\n' });
      spawnSync('mkfifo', [path.join(dir, 'Dockerfile.dockerignore')]);
      const spec = readIgnoreSpec(path.join(dir, 'Dockerfile'), dir);
      assert.deepStrictEqual([spec.file, spec.patterns], [path.join(dir, '.dockerignore'), ['*.log']]);
    });

    it('what-rebuilds finishes on a /dev/zero .dockerignore and a FIFO (bounded time and memory)', function () {
      if (!posix) this.skip();
      const dir = trapRepo();
      // a separate process: the old read grew to 16.5 GB before it aborted, or waited on the FIFO for good
      const r = spawnSync(process.execPath, [CLI, 'what-rebuilds', 'a.txt', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      assert.strictEqual(r.signal, null, `killed: ${r.signal}`);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.deepStrictEqual(JSON.parse(r.stdout).dockerfiles[0].rerunLines, [2, 3]);
    });

    it('hover and the whatRebuilds request answer on a /dev/zero .dockerignore and a FIFO', async function () {
      if (process.platform !== 'linux') this.skip();
      const dir = trapRepo();
      const client = new TestClient();
      try {
        client.conn.onRequest('workspace/workspaceFolders', () => [{ uri: pathToFileURL(dir).toString(), name: 'trap' }]);
        await client.initialize();
        const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
        await client.open(uri, COPY_ALL);
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } })) as { contents: { value: string } };
        assert.match(hover.contents.value, /copies 4 files/);
        const why = (await client.conn.sendRequest('cacheAdvisor/whatRebuilds', { uri: pathToFileURL(path.join(dir, 'a.txt')).toString() })) as { dockerfiles: Array<{ rerunLines: number[] }> };
        assert.deepStrictEqual(why.dockerfiles.map(d => d.rerunLines), [[2, 3]]);
        const peak = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${client.proc.pid}/status`, 'utf8'));
        assert.ok(peak && Number(peak[1]) < 512 * 1024, `server peak memory ${peak?.[1]} kB`);
      } finally {
        await client.stop();
      }
    });
  });

  describe('lint: symlinked Dockerfiles', () => {
    function linkedRepo() {
      const outside = tree({ Dockerfile: FIXABLE });
      const dir = tree({ 'real/Dockerfile': FIXABLE, '.dockerignore': '.git\n', 'real/.dockerignore': '.git\n' });
      fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(dir, 'Dockerfile'));
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', '.dockerignore'), '.git\n');
      fs.symlinkSync('../real/Dockerfile', path.join(dir, 'app', 'Dockerfile'));
      return { dir, outside };
    }

    it('a directory lint reads a symlink to a file inside the tree and skips, with a note, one pointing outside', function () {
      if (!posix) this.skip();
      const { dir } = linkedRepo();
      const io = captureIO();
      runLint([dir, '--format', 'json'], io);
      assert.deepStrictEqual(JSON.parse(io.stdout).map((r: { file: string }) => path.relative(dir, r.file)), [path.join('app', 'Dockerfile'), path.join('real', 'Dockerfile')]);
      assert.match(io.stderr, /skipped .*Dockerfile: symlink to .*, outside .*; not followed/);
    });

    it('--fix writes a symlink\'s target inside the tree (the link stays a link) and never one outside', function () {
      if (!posix) this.skip();
      const { dir, outside } = linkedRepo();
      const io = captureIO();
      runLint([dir, '--fix'], io);
      assert.notStrictEqual(fs.readFileSync(path.join(dir, 'real', 'Dockerfile'), 'utf8'), FIXABLE, 'the in-tree target was fixed');
      assert.ok(fs.lstatSync(path.join(dir, 'app', 'Dockerfile')).isSymbolicLink());
      assert.strictEqual(fs.readFileSync(path.join(outside, 'Dockerfile'), 'utf8'), FIXABLE, 'the file outside the tree is untouched');
      const named = captureIO();
      assert.strictEqual(runLint([path.join(dir, 'Dockerfile'), '--fix'], named), 2);
      assert.match(named.stderr, /outside/);
      assert.strictEqual(fs.readFileSync(path.join(outside, 'Dockerfile'), 'utf8'), FIXABLE);
    });
  });

  describe('atomic writes and line endings', () => {
    /** The real fs, except that writing the temporary file fails after half of it, as on a full disk. */
    const fullDisk = (): AtomicWriteFs => ({
      ...fs,
      writeSync: ((fd: number, buf: Uint8Array, off: number, len: number) => {
        if (len > 1) { fs.writeSync(fd, buf, off, Math.floor(len / 2)); }
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }) as unknown as typeof fs.writeSync,
    });

    it('leaves the original intact and no temporary file when the write fails; replaces it when it succeeds', () => {
      const dir = tree({ Dockerfile: COPY_ALL });
      const file = path.join(dir, 'Dockerfile');
      fs.chmodSync(file, 0o640);
      assert.throws(() => writeFileAtomic(file, 'FROM busybox\n# much longer text\n'.repeat(100), { fs: fullDisk() }), /ENOSPC/);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), COPY_ALL);
      assert.deepStrictEqual(fs.readdirSync(dir), ['Dockerfile']);
      writeFileAtomic(file, 'FROM busybox\n');
      assert.strictEqual(fs.readFileSync(file, 'utf8'), 'FROM busybox\n');
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o640, 'the mode is kept');
      assert.deepStrictEqual(fs.readdirSync(dir), ['Dockerfile']);
    });

    it('an exclusive write never replaces a file or writes through a dangling symlink', function () {
      const dir = tree({ '.dockerignore': 'keep\n' });
      assert.throws(() => writeFileAtomic(path.join(dir, '.dockerignore'), 'new\n', { exclusive: true }), /EEXIST/);
      assert.strictEqual(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'), 'keep\n');
      if (!posix) return;
      const other = tree({});
      fs.symlinkSync(path.join(other, 'planted'), path.join(dir, 'link'));
      assert.throws(() => writeFileAtomic(path.join(dir, 'link'), 'new\n', { exclusive: true }), /EEXIST/);
      assert.deepStrictEqual(fs.readdirSync(other), []);
      writeFileAtomic(path.join(dir, 'fresh'), 'new\n', { exclusive: true });
      assert.strictEqual(fs.readFileSync(path.join(dir, 'fresh'), 'utf8'), 'new\n');
    });

    it('--fix keeps CR-only, CRLF and LF line endings', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n';
      for (const eol of ['\r', '\r\n', '\n']) {
        const dir = tree({ Dockerfile: text.replace(/\n/g, eol), 'requirements.txt': 'flask\n', '.dockerignore': '.git\n' });
        const io = captureIO();
        runLint([path.join(dir, 'Dockerfile'), '--fix'], io);
        const after = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
        assert.match(io.stderr, /fixed .*copy-before-install/);
        assert.strictEqual(lineEndingOf(after), eol, JSON.stringify(after));
        assert.ok(after.endsWith(eol));
      }
    });

    it('keepLineEndings leaves mixed files alone', () => {
      assert.strictEqual(keepLineEndings('a\r\nb\nc', 'a\r\nx\nb\nc'), 'a\r\nx\nb\nc');
      assert.strictEqual(keepLineEndings('a\rb\r', 'a\rx\nb'), 'a\rx\rb\r');
    });
  });

  describe('control characters in text output', () => {
    it('escapes C0 (but tab and newline), DEL and C1; leaves other text alone', () => {
      assert.strictEqual(escapeControls('a\tb\nc\x1b[31md\x07\r\x7f\u009b\u00e9'), 'a\tb\nc\\u001b[31md\\u0007\\u000d\\u007f\\u009b\u00e9');
      assert.strictEqual(escapeControls(escapeControls('\x1b')), '\\u001b');
    });

    it('lint and what-rebuilds print escape sequences from Dockerfiles and file names inert; JSON keeps them exact', async () => {
      const evil = 'FROM busybox\nCOPY . /app\x1b]52;c;cHduZWQ=\x07\nRUN ls\n';
      const dir = tree({ Dockerfile: evil, 'a.txt': 'a\n', 'Dockerfile.\x1b[2Jx': 'FROM busybox\nCOPY . /app\n' });
      const lint = captureIO();
      await main(['lint', dir], lint);
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(lint.stdout + lint.stderr), lint.stdout);
      assert.match(lint.stdout, /Dockerfile\.\\u001b\[2Jx:2:1/);
      const why = captureIO();
      const cwd = process.cwd();
      process.chdir(dir);
      try { await main(['what-rebuilds', 'a.txt', '--dockerfile', 'Dockerfile'], why); } finally { process.chdir(cwd); }
      assert.match(why.stdout, /COPY \. \/app\\u001b\]52;c;cHduZWQ=\\u0007/);
      const json = captureIO();
      await main(['lint', dir, '--format', 'json'], json);
      assert.ok(JSON.parse(json.stdout).some((r: { file: string }) => r.file.endsWith('Dockerfile.\x1b[2Jx')));
    });
  });

  describe('incomplete searches', () => {
    it('what-rebuilds says the Dockerfile search stopped early, in text and JSON, and does not exit 0', () => {
      const files: Record<string, string> = { 'a.txt': 'a\n' };
      for (let i = 0; i < 30; i++) files[`pad/${String(i).padStart(2, '0')}`] = '';
      files['zz/Dockerfile'] = 'FROM busybox\nCOPY . /app\n';
      const dir = tree(files);
      const text = captureIO();
      assert.strictEqual(runWhatRebuilds(['zz/x.txt'], text, dir, 10), 1);
      assert.match(text.stdout, /not in the build context of any Dockerfile found, but the search was incomplete/);
      assert.match(text.stderr, /stopped after 10 folder entries/);
      const json = captureIO();
      assert.strictEqual(runWhatRebuilds(['zz/x.txt', '--format', 'json'], json, dir, 10), 1);
      assert.strictEqual(JSON.parse(json.stdout).complete, false);
      const whole = captureIO();
      assert.strictEqual(runWhatRebuilds(['zz/x.txt', '--format', 'json'], whole, dir), 0);
      assert.deepStrictEqual([JSON.parse(whole.stdout).complete, JSON.parse(whole.stdout).dockerfiles.length], [true, 1]);
    });
  });

  describe('folders of very many entries', () => {
    // one folder just past the bound for searching by name, with a Compose file and a CI file in it
    const MANY = MAX_SEARCHED_FOLDER_ENTRIES + 50;
    let big: string;
    let readdirs: string[];
    // the module itself: `import * as fs` gives a read-only view of it, which reads through at each call
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsModule: { readdirSync: unknown } = require('fs');
    const realReaddir = fs.readdirSync;
    before(function () {
      this.timeout(120_000);
      big = tmp();
      for (let i = 0; i < MANY; i++) fs.writeFileSync(path.join(big, `f${String(i).padStart(5, '0')}`), '');
      fs.writeFileSync(path.join(big, 'compose.yaml'), 'services:\n  app:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n      args:\n        GIT_SHA: ${GITHUB_SHA}\n');
      fs.mkdirSync(path.join(big, 'app'));
      fs.writeFileSync(path.join(big, 'app', 'Dockerfile'), 'FROM busybox\nARG GIT_SHA\nCOPY f00000 /f\n');
    });
    after(() => fs.rmSync(big, { recursive: true, force: true }));
    // the analyses below must never list a folder whole: fs.readdirSync is watched while they run
    beforeEach(() => {
      readdirs = [];
      fsModule.readdirSync = (dir: fs.PathLike, ...rest: unknown[]) => {
        readdirs.push(String(dir));
        return (realReaddir as (...a: unknown[]) => unknown)(dir, ...rest);
      };
      clearWorkspaceFactsCache();
    });
    afterEach(() => {
      fsModule.readdirSync = realReaddir;
    });

    it('listFolder reads no more than asked, and says whether that was all', () => {
      const part = listFolder(big, 100);
      assert.deepStrictEqual([part.entries.length, part.complete], [100, false]);
      const whole = listFolder(path.join(big, 'app'), 100);
      assert.deepStrictEqual([whole.entries.map(e => e.name), whole.complete], [['Dockerfile'], true]);
      assert.deepStrictEqual(readdirs, []);
    });

    it('catches: the build-context facts of a context past the bound say nothing, without listing it whole; catches-not: its small subfolder', () => {
      const facts = gatherWorkspaceFacts(big, 0);
      assert.strictEqual(facts.contextFiles, undefined, 'a partial listing must not claim files are missing');
      assert.ok(gatherWorkspaceFacts(path.join(big, 'app'), 0).contextFiles?.has('Dockerfile'));
      assert.deepStrictEqual(readdirs, []);
    });

    it('catches: a folder past the bound is not searched for Compose or CI files (no per-build ARG, context not from Compose); catches-not: the same files in an ordinary folder', () => {
      const dockerfile = path.join(big, 'app', 'Dockerfile');
      assert.deepStrictEqual(perBuildArgs(big), {});
      assert.notStrictEqual(resolveBuildContext(dockerfile, undefined, 0).origin, 'compose');
      assert.deepStrictEqual(composeCacheFor(dockerfile, [big]), []);
      assert.deepStrictEqual(readdirs, []);
      const small = tree({ 'compose.yaml': fs.readFileSync(path.join(big, 'compose.yaml'), 'utf8'), 'app/Dockerfile': 'FROM busybox\nARG GIT_SHA\n' });
      assert.deepStrictEqual(Object.keys(perBuildArgs(small)), ['GIT_SHA']);
      assert.deepStrictEqual(resolveBuildContext(path.join(small, 'app', 'Dockerfile'), undefined, 0), { dir: small, origin: 'compose' });
    });

    it('what-rebuilds over a context past its entry bound stops early and says so, without listing it whole', () => {
      const listed = listContextFiles(big, patternList([]), [''], { ...SNAPSHOT_LIMITS, maxEntries: 1000 });
      assert.strictEqual(listed.paths.length, 1000);
      assert.match(listed.partial ?? '', /more than 1000 entries/);
      assert.deepStrictEqual(readdirs, []);
    });
  });

  describe('a hostile Docker endpoint', () => {
    let server: http.Server | undefined;
    const timers: NodeJS.Timeout[] = [];

    afterEach(async () => {
      timers.splice(0).forEach(clearInterval);
      if (server) {
        server.closeAllConnections();
        await new Promise(r => server!.close(r));
        server = undefined;
      }
    });

    /** An engine on a unix socket in a temp folder (or 127.0.0.1) that answers /_ping and hands the rest to `handler`. */
    async function fakeEngine(handler: http.RequestListener, where: 'unix' | 'tcp' = 'unix'): Promise<string> {
      server = http.createServer((req, res) => {
        if (req.url === '/_ping') { res.writeHead(200, { 'Api-Version': '1.41' }); res.end('OK'); return; }
        handler(req, res);
      });
      if (where === 'unix' && posix) {
        const sock = path.join(tmp(), 'docker.sock');
        await new Promise<void>(r => server!.listen(sock, r));
        return `unix://${sock}`;
      }
      await new Promise<void>(r => server!.listen(0, '127.0.0.1', r));
      return `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    const client = (host: string, opts: ConstructorParameters<typeof EngineClient>[1] = {}) => new EngineClient(parseDockerHost(host, 'test'), opts);

    it('an endless body stops at the size cap with an EngineApiError', async () => {
      const host = await fakeEngine((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        const pump = () => { while (!res.destroyed && res.write(chunk)); };
        res.on('drain', pump);
        pump();
      });
      await assert.rejects(client(host).systemDf(), (e: unknown) => e instanceof EngineApiError && new RegExp(`GET /system/df: the engine's answer exceeded ${DEFAULT_MAX_RESPONSE_BYTES} bytes`).test(e.message));
    });

    it('a declared huge body is refused before it is read', async () => {
      const host = await fakeEngine((_req, res) => { res.writeHead(200, { 'Content-Length': String(10 * 1024 ** 3) }); res.write('{'); });
      await assert.rejects(client(host, { maxResponseBytes: 1024 }).systemDf(), /is 10737418240 bytes, more than the 1024 accepted/);
    });

    it('a reply dripping one byte at a time ends at the overall deadline', async () => {
      const host = await fakeEngine((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        timers.push(setInterval(() => res.write(' '), 20));
      }, 'tcp');
      // the idle timeout alone would never fire: a byte comes every 20 ms
      await assert.rejects(client(host, { timeoutMs: 5_000, deadlineMs: 300 }).systemDf(), (e: unknown) => e instanceof EngineApiError && /no complete answer within 0\.3s/.test(e.message));
    });

    it('a body that is not JSON is an EngineApiError; an ordinary answer is read', async () => {
      const host = await fakeEngine((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(req.url!.includes('/system/df') ? '<html>proxy error</html>' : '[]');
      });
      await assert.rejects(client(host).systemDf(), (e: unknown) => e instanceof EngineApiError && /not JSON/.test(e.message));
      assert.deepStrictEqual(await client(host).imageHistory('x'), []);
    });

    it('prune --dry-run and stats print build-cache descriptions and volume names inert', async () => {
      const host = await fakeEngine((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({
          BuildCache: [{ ID: 'abc123', Type: 'exec.cachemount', Description: 'cached mount /root/.cache from exec \x1b]52;c;cHduZWQ=\x07 \u009b2J', InUse: false, Shared: false, Size: 4096, CreatedAt: '2026-01-01T00:00:00Z', LastUsedAt: '2026-01-01T00:00:00Z', UsageCount: 1 }],
          Images: [], Containers: [],
          Volumes: [{ Name: 'v\x1b[2J', Driver: 'local', Mountpoint: '/x', UsageData: { Size: 1, RefCount: 0 } }],
        }));
      });
      for (const argv of [['prune', '--dry-run', '--all', '--host', host], ['stats', '--no-host-caches', '--host', host]]) {
        const io = captureIO();
        assert.strictEqual(await main(argv, io), 0, io.stderr);
        assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(io.stdout), io.stdout);
        assert.match(io.stdout, /\\u001b/);
      }
    });
  });

  describe('clearing host caches', () => {
    function hfHome(): string {
      const home = tmp('ca-hostile-home-');
      const put = (rel: string, bytes: number | string) => {
        fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
        fs.writeFileSync(path.join(home, rel), typeof bytes === 'string' ? bytes : Buffer.alloc(bytes));
      };
      put('.cache/huggingface/token', 'hf_secret');
      put('.cache/huggingface/stored_tokens', '[work]\nhf_token = hf_other\n');
      put('.cache/huggingface/accelerate/default_config.yaml', 'compute_environment: LOCAL_MACHINE\n');
      put('.cache/huggingface/settings.json', '{}');
      put('.cache/huggingface/hub/models--org--m/blobs/abc', 5000);
      put('.cache/huggingface/xet/chunk', 700);
      put('notes.txt', 'my notes');
      return home;
    }

    it('Hugging Face: the downloads go, the token, stored tokens and configuration stay', async () => {
      const home = hfHome();
      const hf = path.join(home, '.cache/huggingface');
      const r = await clearHostCache('huggingface', { env: {}, home });
      assert.strictEqual(r.reclaimedBytes, 5700);
      assert.deepStrictEqual(fs.readdirSync(hf).sort(), ['accelerate', 'settings.json', 'stored_tokens', 'token']);
      assert.strictEqual(fs.readFileSync(path.join(hf, 'token'), 'utf8'), 'hf_secret');
      assert.ok(fs.existsSync(path.join(hf, 'accelerate/default_config.yaml')));
    });

    it('a cache folder that is a symlink to home (or above it) is refused; home is untouched', async function () {
      if (!posix) this.skip();
      const home = hfHome();
      fs.rmSync(path.join(home, '.cache/huggingface'), { recursive: true });
      fs.symlinkSync(home, path.join(home, '.cache/huggingface'));
      await assert.rejects(clearHostCache('huggingface', { env: {}, home }), /refusing to clear .*huggingface \(which is .*\): it is not a cache directory/);
      fs.symlinkSync(path.dirname(home), path.join(home, '.cache/pip'));
      await assert.rejects(clearHostCache('pip', { env: {}, home }), /refusing to clear/);
      assert.strictEqual(fs.readFileSync(path.join(home, 'notes.txt'), 'utf8'), 'my notes');
    });
  });
});
