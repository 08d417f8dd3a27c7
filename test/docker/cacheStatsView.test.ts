import * as assert from 'assert';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { buildCacheStats } from '../../common/docker/cacheStats';
import { EngineClient, parseDockerHost } from '../../common/docker/engineApi';
import type { HostCacheStat } from '../../common/docker/hostCaches';
import { asRow, CacheStatsSource, rootRows, statusBarText, type Row } from '../../client/src/views/cacheStats/rows';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { build, cacheFixture, cleanupFixtures, type CacheFixture } from './cacheStatsFixture';
import { requireWithVscodeStub, TreeItemCollapsibleState, type MarkdownString, type TreeItem } from './cacheStatsVscodeStub';

const { CacheStatsProvider } = requireWithVscodeStub<typeof import('../../client/src/views/cacheStats/provider')>('../../client/src/views/cacheStats/provider');

const HOST: HostCacheStat[] = [{ id: 'pip', label: 'pip', path: '/home/u/.cache/pip', bytes: 3 * 1024 ** 2, files: 12, complete: true }];

async function walk(p: InstanceType<typeof CacheStatsProvider>, row?: Row, depth = 0): Promise<Row[]> {
  const out: Row[] = [];
  for (const child of await p.getChildren(row)) {
    out.push(child);
    if (depth < 3 && child.kind !== 'image') out.push(...await walk(p, child, depth + 1));
  }
  return out;
}

describe('Build Cache view against a real engine', function () {
  let env: DockerEnv;
  let fx: CacheFixture;

  before(async function () {
    env = await requireDocker(this);
    fx = cacheFixture(env);
    build(env, fx.dir, fx.tag);
  });
  after(function () { if (env) cleanupFixtures(env); });

  const source = (host: string) => new CacheStatsSource({ engine: () => new EngineClient(parseDockerHost(host, 'setting')), measureHostCaches: async () => HOST });

  it('the provider shows the cache mount by target, with exact bytes and dates in the tooltip', async () => {
    const p = new CacheStatsProvider(source(`unix://${env.socket}`));
    const roots = await p.getChildren();
    assert.deepStrictEqual(roots.map(r => r.label), ['Build cache', 'Images', 'Volumes', 'Host caches']);
    const all = await walk(p);
    const mount = all.find(r => r.kind === 'cacheMount' && r.record?.description.includes(fx.marker));
    assert.ok(mount, 'a cache-mount row for the fixture');
    const item = p.getTreeItem(mount) as unknown as TreeItem;
    assert.strictEqual(item.label, '/root/.cache/pip');
    assert.match(String(item.description), /^512 KiB · used \d+× · /);
    assert.strictEqual(item.contextValue, 'cacheMount');
    const tip = (item.tooltip as MarkdownString).value;
    assert.match(tip, /size: 512 KiB \(524,288 bytes\)/);
    assert.match(tip, /last used: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

    const group = all.find(r => r.id === 'bc/type/exec.cachemount')!;
    assert.strictEqual((p.getTreeItem(group) as unknown as TreeItem).collapsibleState, TreeItemCollapsibleState.Expanded);
    assert.strictEqual(group.contextValue, 'cacheMountGroup');

    const image = all.find(r => r.kind === 'image' && r.image?.tags.includes(fx.tag))!;
    assert.match(image.description ?? '', /· 4 layers/);
    const history = await p.getChildren(image);
    assert.strictEqual(history.length, 4, 'docker history: import + three RUN steps');
    assert.ok(history.some(h => h.label.includes(`dd if=/dev/urandom`)));

    const host = all.find(r => r.kind === 'hostCache')!;
    assert.deepStrictEqual([host.label, host.description, host.contextValue], ['pip', '3 MiB · /home/u/.cache/pip', 'hostCache']);
    assert.strictEqual(asRow(mount), mount);
    assert.strictEqual(asRow(undefined), undefined);
  });

  it('refresh() fires onDidChangeTreeData and the status bar gets the build-cache total', async () => {
    const p = new CacheStatsProvider(source(`unix://${env.socket}`));
    let changed = 0;
    let status: ReturnType<typeof statusBarText>;
    p.onDidChangeTreeData(() => { changed++; });
    p.onDidLoad(s => { status = statusBarText(s); });
    const s = await p.refresh();
    assert.strictEqual(changed, 1);
    assert.ok(s.stats && status!);
    assert.match(status!.text, /^\$\(database\) \d/);
    assert.ok(status!.tooltip.includes(`${s.stats.buildCache.totalBytes.toLocaleString('en-US')} bytes`));
  });

  it('a stopped engine is an error row with Retry and Open settings, never an exception', async () => {
    // a socket file nobody listens on any more: what a stopped dockerd leaves behind
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-stopped-'));
    const sock = path.join(dir, 'docker.sock');
    const server = net.createServer().listen(sock);
    await new Promise(r => server.once('listening', r));
    await new Promise(r => server.close(r));
    for (const host of [`unix://${sock}`, 'unix:///nonexistent/docker.sock']) {
      const p = new CacheStatsProvider(source(host));
      const roots = await p.getChildren();
      assert.deepStrictEqual(roots.map(r => r.kind), ['error', 'section'], host);
      const err = p.getTreeItem(roots[0]) as unknown as TreeItem;
      assert.strictEqual(err.label, 'Docker is not reachable');
      assert.match(String(err.description), /docker\.sock \(setting\)/);
      assert.strictEqual(err.contextValue, 'engineError');
      const actions = (await p.getChildren(roots[0])).map(r => p.getTreeItem(r) as unknown as TreeItem);
      assert.deepStrictEqual(actions.map(a => [a.label, a.command?.command]), [
        ['Retry', 'cacheAdvisor.refreshCacheStats'],
        ['Open settings', 'cacheAdvisor.openDockerSettings'],
      ]);
      const hostRows = await p.getChildren(roots[1]);
      assert.strictEqual(hostRows[0].label, 'pip', 'host caches still shown');
      let status: unknown = 'unset';
      p.onDidLoad(s => { status = statusBarText(s); });
      await p.refresh();
      assert.strictEqual(status, undefined, 'no status bar item without an engine');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a bad DOCKER_HOST and a failing host-cache measurement are rows too', async () => {
    const p = new CacheStatsProvider(new CacheStatsSource({
      engine: () => EngineClient.fromEnvironment({ env: { DOCKER_HOST: 'ftp://me@box' }, home: os.tmpdir() }),
      measureHostCaches: () => Promise.reject(new Error('worker crashed')),
    }));
    const roots = await p.getChildren();
    assert.match(roots[0].description ?? '', /DOCKER_HOST is 'ftp:\/\/me@box': expected unix:\/\//);
    const host = await p.getChildren(roots[1]);
    assert.deepStrictEqual([host[0].kind, host[0].label, host[0].description], ['error', 'Could not measure host caches', 'worker crashed']);
  });

  it('empty engine sections say so', () => {
    const rows = rootRows({ stats: buildCacheStats({ df: { Images: [], Volumes: [], BuildCache: null, LayersSize: 0 } }), hostCaches: [], loadedAt: new Date() });
    assert.deepStrictEqual(rows.map(r => r.children?.[0]?.label), ['No build cache yet', 'No images', 'No volumes', 'No pip, uv, npm, yarn, pnpm, Go or Hugging Face cache found']);
  });
});
