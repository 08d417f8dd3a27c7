/**
 * Stats and clean-up for Podman users against a real podman 4.3: the libpod API of a
 * `podman system service` this suite starts on its own socket (and stops by PID), Buildah's cache
 * mounts on disk, and the CLI's `stats --engine podman` / `prune --engine podman`. Builds use
 * --network=none.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { buildahCacheRoots, collectPodmanStats, knownCacheMounts, PodmanClient } from '../../common/docker/podmanStats';
import { parseDockerHost } from '../../common/docker/engineApi';
import { requirePodman, startPodmanService, stopPodmanService, type PodmanEnv, type PodmanService } from '../support/podman';
import { captureIO } from '../support/cliIO';
import { CacheStatsSource, rootRows, type Row } from '../../client/src/views/cacheStats/rows';
import { previewPrune, runPrune } from '../../client/src/views/cacheStats/engineOps';

describe('podman: cache stats and clean-up on a real engine', function () {
  let env: PodmanEnv;
  let svc: PodmanService | undefined;
  let client: PodmanClient;
  let tmp: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const tags: string[] = [];
  const volumes: string[] = [];
  const dockerfile = (fileFor: string) => [
    'FROM local/busybox:latest',
    `COPY ${fileFor} /in.txt`,
    `RUN --mount=type=cache,target=/root/.cache/ca,id=ca-id-${nonce} dd if=/dev/zero of=/root/.cache/ca/blob bs=1024 count=100 2>/dev/null && echo filled`,
    `RUN --mount=type=cache,target=/ca-t-${nonce}/t sh -c "echo 12345 > /ca-t-${nonce}/t/f"`,
    '',
  ].join('\n');

  function build(dir: string, tag: string): string {
    tags.push(tag);
    const r = spawnSync(env.podmanCli, ['build', '--layers', '--network=none', '--tag', tag, dir], { encoding: 'utf8', timeout: 120_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    return r.stdout + r.stderr;
  }

  /** The CLI with the service's socket, from `cwd` (where it looks for Dockerfiles). */
  async function cli(args: string[], cwd: string, interactive = false, answer = false) {
    const io = captureIO();
    if (interactive) Object.assign(io, { interactive: true, confirm: async () => answer });
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const code = await main([...args, '--engine', 'podman', '--host', svc!.host], io);
      return { code, out: io.stdout, err: io.stderr };
    } finally {
      process.chdir(before);
    }
  }

  let dir: string;
  const idFolder = () => path.join(buildahCacheRoots()[0], `ca-id-${nonce}`);
  const targetFolder = () => path.join(buildahCacheRoots()[0], `ca-t-${nonce}`);

  before(async function () {
    env = await requirePodman(this);
    this.timeout(180_000);
    svc = await startPodmanService(env);
    client = new PodmanClient(parseDockerHost(svc.host, 'test'));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-podman-stats-'));
    dir = path.join(tmp, 'ctx');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile('a.txt'));
    fs.writeFileSync(path.join(dir, 'a.txt'), nonce);
    assert.match(build(dir, `ca-podman-stats-${nonce}:1`), /filled/);
  });

  after(async function () {
    this.timeout(60_000);
    for (const t of tags) if (env) spawnSync(env.podmanCli, ['rmi', '-f', t], { stdio: 'ignore' });
    for (const v of volumes) if (env) spawnSync(env.podmanCli, ['volume', 'rm', '-f', v], { stdio: 'ignore' });
    if (env) {
      fs.rmSync(idFolder(), { recursive: true, force: true });
      fs.rmSync(targetFolder(), { recursive: true, force: true });
    }
    await stopPodmanService(svc);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Buildah keeps cache mounts under /var/tmp/buildah-cache, named by id= or else by the target path', () => {
    assert.strictEqual(fs.statSync(path.join(idFolder(), 'blob')).size, 102400);
    assert.strictEqual(fs.readFileSync(path.join(targetFolder(), 't', 'f'), 'utf8'), '12345\n');
  });

  it('maps the folders to the Dockerfile\'s mounts, with size and age; images, intermediate images and volumes', async () => {
    const vol = `ca-vol-${nonce}`;
    volumes.push(vol);
    assert.strictEqual(spawnSync(env.podmanCli, ['volume', 'create', vol]).status, 0);
    const known = knownCacheMounts([{ file: 'Dockerfile', text: fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8') }]);
    assert.deepStrictEqual(known.map(k => [k.key, k.id, k.target]), [[`ca-id-${nonce}`, `ca-id-${nonce}`, '/root/.cache/ca'], [`ca-t-${nonce}/t`, undefined, `/ca-t-${nonce}/t`]]);
    const stats = await collectPodmanStats(client, { knownMounts: known });
    const byId = stats.cacheMounts.find(m => m.id === idFolder())!;
    assert.ok(byId, JSON.stringify(stats.cacheMounts.map(m => m.id)));
    assert.strictEqual(byId.target, '/root/.cache/ca');
    assert.ok(byId.bytes >= 102400, String(byId.bytes));
    assert.match(byId.description, new RegExp(`id=ca-id-${nonce} target=/root/.cache/ca`));
    assert.strictEqual(byId.createdBy, 'Dockerfile:3');
    assert.ok(Date.now() - Date.parse(byId.lastUsed!) < 10 * 60_000, byId.lastUsed);
    const byTarget = stats.cacheMounts.find(m => m.target === `/ca-t-${nonce}/t`)!;
    assert.ok(byTarget && byTarget.bytes === 6, JSON.stringify(byTarget));
    assert.strictEqual(byTarget.createdBy, 'Dockerfile:4');

    const image = stats.images.items.find(i => i.tags.includes(`localhost/ca-podman-stats-${nonce}:1`));
    assert.ok(image && image.bytes > 0 && !image.dangling, JSON.stringify(image));
    assert.strictEqual(new Set(stats.images.items.map(i => i.id)).size, stats.images.items.length, 'each image once');
    assert.ok((stats.buildCache.byType['podman.intermediate']?.count ?? 0) >= 2, 'the build\'s intermediate images are build cache');
    const v = stats.volumes.items.find(x => x.name === vol);
    assert.ok(v && v.bytes === 0 && !v.inUse && v.mountpoint, JSON.stringify(v));
    assert.match(stats.engine!.source, /^podman 4\./);
  });

  it('without a Dockerfile that names them, says honestly that id or target is not known', async () => {
    const stats = await collectPodmanStats(client, { knownMounts: [] });
    const m = stats.cacheMounts.find(x => x.id === idFolder())!;
    assert.strictEqual(m.target, `ca-id-${nonce} (id=ca-id-${nonce} or target=/ca-id-${nonce}: no Dockerfile in view says which)`);
    assert.strictEqual(m.createdBy, undefined);
    // a target path is reported by its top folder when nothing says more
    assert.ok(stats.cacheMounts.some(x => x.id === targetFolder() && x.bytes === 6));
  });

  it('CLI stats --engine podman: JSON with the cache mounts by target; a socket nobody serves is exit 2 with the fix', async () => {
    const r = await cli(['stats', '--format', 'json', '--no-host-caches'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.ok(json.cacheMounts.some((m: { target: string; bytes: number }) => m.target === '/root/.cache/ca' && m.bytes >= 102400), r.out.slice(0, 2000));
    const io = captureIO();
    const code = await main(['stats', '--engine', 'podman', '--host', `unix://${path.join(tmp, 'nobody.sock')}`, '--no-host-caches'], io);
    assert.strictEqual(code, 2);
    assert.match(io.stderr, /Podman is not reachable at unix:\/\/.*nobody\.sock \(setting\): ENOENT\. Start the Podman API service: systemctl start podman\.socket/);
  });

  it('CLI prune --engine podman: the Docker confirmations; --older-than keeps fresh mounts and removes old ones', async () => {
    const refused = await cli(['prune', '--cache-mounts'], dir);
    assert.strictEqual(refused.code, 2);
    assert.match(refused.err, /refusing to prune without --yes: stdin is not a terminal \(would remove \d+ cache mounts? of build-cache mounts/);
    const declined = await cli(['prune', '--cache-mounts'], dir, true, false);
    assert.strictEqual(declined.code, 1);
    assert.match(declined.err, /Nothing removed/);
    assert.ok(fs.existsSync(idFolder()));

    // our folder is fresh: a 30-day limit keeps it
    const dry = await cli(['prune', '--cache-mounts', '--older-than', '30d', '--dry-run', '--format', 'json'], dir);
    assert.strictEqual(dry.code, 0, dry.err);
    assert.ok(!JSON.parse(dry.out).records.some((r: { id: string }) => r.id === idFolder()));
    // made 40 days old (every file in it): now it goes, and only folders that old go
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const p of [path.join(idFolder(), 'blob'), idFolder()]) fs.utimesSync(p, old, old);
    assert.ok(fs.existsSync(targetFolder()));
    const pruned = await cli(['prune', '--cache-mounts', '--older-than', '30d', '--yes', '--format', 'json'], dir);
    assert.strictEqual(pruned.code, 0, pruned.err);
    const result = JSON.parse(pruned.out);
    assert.ok(result.deleted.includes(idFolder()), pruned.out);
    assert.ok(result.reclaimedBytes >= 102400);
    assert.ok(!fs.existsSync(idFolder()));
    assert.ok(!result.deleted.some((d: string) => d.startsWith(targetFolder())), 'the fresh target-only mount stays');
    assert.ok(fs.existsSync(targetFolder()));

    // the cache really is empty now: the next build fills it again (the RUN is cached as a layer, so
    // build from a changed file)
    fs.writeFileSync(path.join(dir, 'a.txt'), `${nonce}-2`);
    assert.match(build(dir, `ca-podman-stats-${nonce}:1`), /filled/);
    assert.strictEqual(fs.statSync(path.join(idFolder(), 'blob')).size, 102400);
  });

  it('the Build Cache view with cacheAdvisor.engine = podman: rows from Podman, clean-up acts on Podman only', async () => {
    const source = new CacheStatsSource({
      engine: () => { throw new Error('the view asked Docker while showing Podman'); },
      measureHostCaches: async () => [],
      podman: () => client,
      knownMounts: async () => knownCacheMounts([{ file: 'Dockerfile', text: fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8') }]),
    });
    const snap = await source.load();
    assert.strictEqual(snap.engineError, undefined);
    assert.strictEqual(snap.engineHost, svc!.host);
    const flat = (rows: Row[]): Row[] => rows.flatMap(r => [r, ...flat(r.children ?? [])]);
    const rows = flat(rootRows(snap, { loadHistory: async () => [] }));
    assert.ok(rows.some(r => r.label === '/root/.cache/ca'), rows.map(r => r.label).join(' | '));
    // the target-only mount, by the age filter: fresh, so a 30-day clean-up leaves it
    const fresh = previewPrune(source, snap.stats!, { kind: 'cacheMounts', olderThanMs: 30 * 86_400_000 });
    const tFolder = path.join(targetFolder(), 't');
    assert.ok(!fresh.ids.includes(tFolder));
    const one = await runPrune(source, snap.stats!, { kind: 'record', id: tFolder });
    assert.deepStrictEqual(one.deleted, [tFolder]);
    assert.strictEqual(one.reclaimedBytes, 6);
    assert.ok(!fs.existsSync(tFolder));
    const intermediate = snap.stats!.buildCache.records.find(r => r.type === 'podman.intermediate')!;
    await assert.rejects(runPrune(source, snap.stats!, { kind: 'record', id: intermediate.id }), /only cache mounts are removed one by one/);
  });

  it('CLI prune --engine podman --all: clears cache mounts and dangling images, keeps tagged images', async () => {
    // the previous test's rebuild moved the tag: the first image is now dangling (no name, no children)
    const stats = await collectPodmanStats(client, {});
    const dangling = stats.images.items.filter(i => i.dangling).map(i => i.id);
    assert.ok(dangling.length >= 1, 'a rebuild under the same tag left a dangling image');
    const r = await cli(['prune', '--all', '--yes', '--format', 'json'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.ok(out.deleted.includes(idFolder()));
    for (const id of dangling) assert.ok(out.deleted.includes(id), `dangling ${id} removed`);
    const after = await collectPodmanStats(client, {});
    assert.strictEqual(after.images.items.filter(i => i.dangling).length, 0);
    assert.ok(after.images.items.some(i => i.tags.includes(`localhost/ca-podman-stats-${nonce}:1`)), 'the tagged image stays');
    assert.ok(after.images.items.some(i => i.tags.includes('localhost/local/busybox:latest')), 'the base image stays');
    assert.ok(!fs.existsSync(idFolder()));
  });

  it('removes an unused volume through the API', async () => {
    const vol = `ca-vol2-${nonce}`;
    volumes.push(vol);
    assert.strictEqual(spawnSync(env.podmanCli, ['volume', 'create', vol]).status, 0);
    await client.removeVolume(vol);
    assert.ok(!(await collectPodmanStats(client, {})).volumes.items.some(v => v.name === vol));
  });
});
