/**
 * The host-cache measurement from the production build (minified, as packaged): the worker thread is a
 * real file next to the bundles, so minification cannot break it the way eval'd function source broke.
 * Built into a scratch folder with `esbuild.mjs --production --outdir`: dist/ keeps the development build.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureHostCaches, measureHostCachesInWorker } from '../../common/docker/hostCaches';
import { requireDocker } from '../support/dockerd';

const ROOT = path.resolve(__dirname, '../../..');

describe('host caches measured by the production bundles', function () {
  this.timeout(400_000);
  let tmp: string;
  let out: string;
  let home: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-prod-'));
    out = path.join(tmp, 'dist');
    execFileSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', out], { cwd: ROOT, stdio: 'pipe' });
    home = path.join(tmp, 'home');
    for (const [rel, bytes] of [['.cache/pip/http/a/blob', 1000], ['.cache/pip/wheels/x.whl', 2345], ['.npm/_cacache/index-v5/f', 300]] as const) {
      fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      fs.writeFileSync(path.join(home, rel), Buffer.alloc(bytes));
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the production build is minified and ships the worker next to client.js and cli.js', () => {
    for (const f of ['extension.js', 'client.js', 'cli.js', 'hostCacheWorker.js']) {
      const text = fs.readFileSync(path.join(out, f), 'utf8');
      assert.doesNotMatch(text, /sourceMappingURL/, `${f} is a production build`);
    }
    assert.ok(fs.readFileSync(path.join(out, 'client.js'), 'utf8').includes('hostCacheWorker.js'));
  });

  it('the minified worker gives the same sizes as the walk on this thread', async () => {
    const opts = { env: {}, home };
    const inWorker = await measureHostCachesInWorker(opts, path.join(out, 'hostCacheWorker.js'));
    assert.deepStrictEqual(inWorker, measureHostCaches(opts));
    assert.deepStrictEqual(inWorker.map(s => [s.id, s.bytes]), [['pip', 3345], ['npm', 300]]);
  });

  it('catches: `stats` of the minified cli.js measures the caches in its worker; catches-not: a missing worker is said, not hidden', async function () {
    const docker = await requireDocker(this);
    const env = { PATH: process.env.PATH, HOME: home, DOCKER_HOST: `unix://${docker.socket}` };
    // a shared engine's build cache lists thousands of records: a large JSON answer
    const r = spawnSync(process.execPath, [path.join(out, 'cli.js'), 'stats', '--format', 'json'], { env, encoding: 'utf8', timeout: 150_000, maxBuffer: 1 << 28 });
    assert.strictEqual(r.status, 0, `${r.signal ?? ''} ${r.error ?? ''} ${r.stderr}`);
    assert.deepStrictEqual(JSON.parse(r.stdout).hostCaches.map((h: { id: string; bytes: number; complete: boolean }) => [h.id, h.bytes, h.complete]), [['pip', 3345, true], ['npm', 300, true]]);
    assert.strictEqual(r.stderr, '');

    fs.rmSync(path.join(out, 'hostCacheWorker.js'));
    const missing = spawnSync(process.execPath, [path.join(out, 'cli.js'), 'stats', '--format', 'json'], { env, encoding: 'utf8', timeout: 150_000, maxBuffer: 1 << 28 });
    assert.match(missing.stderr, /host caches not measured: .*hostCacheWorker\.js/);
    assert.deepStrictEqual(JSON.parse(missing.stdout).hostCaches, []);
  });
});
