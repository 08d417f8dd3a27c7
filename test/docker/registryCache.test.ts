/**
 * The cache shared through a registry, for real: a registry on 127.0.0.1 (Debian's docker-registry,
 * started and stopped by PID), an image built with the inline cache (BUILDKIT_INLINE_CACHE=1) and
 * pushed, the local image and this test's build-cache records removed, and a rebuild with
 * `--cache-from` the pushed image. What the Compose rules and docs say about the inline cache is what
 * these tests show:
 * - pruning the builder's cache does not clear an inline cache: the rebuild takes every step before
 *   the change from the registry, the same steps a rebuild with the local cache takes;
 * - the inline cache holds the final stage only: when a change reaches a builder stage, that stage's
 *   steps before the change run again (a registry cache with mode=max, from buildx, exports them).
 * Only this test's own records are pruned (see ownBuildCache.ts): the engine is shared.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { detectEngine, type BuildEngine } from '../../common/docker/buildEngine';
import { EngineClient } from '../../common/docker/engineApi';
import { runBuild } from '../../common/docker/runBuild';
import { main } from '../../server/src/cli';
import { captureIO } from '../support/cliIO';
import type { BuildTimeline } from '../../common/docker/timeline';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { startDockerRegistry, type DockerRegistry } from '../support/dockerRegistry';
import { ownRecords, pruneOwnBuildCache } from '../support/ownBuildCache';

const NET = ['--network=none'];
const INLINE = { BUILDKIT_INLINE_CACHE: '1' };

/** line → 'cached' | 'ran' | 'error' */
function outcomes(t: BuildTimeline): Record<number, string> {
  return Object.fromEntries(t.steps.map(s => [s.line ?? -1, s.error ? 'error' : s.cached ? 'cached' : 'ran']));
}

describe('docker: a cache shared through a registry (inline cache, --cache-from)', function () {
  let env: DockerEnv;
  let engine: BuildEngine;
  let registry: DockerRegistry;
  let client: EngineClient;
  let tmp: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const images: string[] = [];
  /** Measured seconds, printed for the README's "Sharing the cache". */
  const measured: string[] = [];

  before(async function () {
    env = await requireDocker(this);
    engine = await detectEngine({ dockerPath: env.dockerCli });
    registry = await startDockerRegistry(this);
    client = EngineClient.fromEnvironment({ host: `unix://${env.socket}` });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-registry-cache-'));
  });

  after(async function () {
    this.timeout(120_000);
    for (const i of images) spawnSync(env.dockerCli, ['rmi', '-f', i], { stdio: 'ignore' });
    if (client) await pruneOwnBuildCache(client, nonce, new Date(0)).catch(() => undefined);
    await registry?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
     
    if (measured.length) console.log(`      measured: ${measured.join('; ')}`);
  });

  const image = (name: string, tag: string) => { const i = `${registry.host}/ca-test/${name}-${nonce}:${tag}`; images.push(i); return i; };

  function project(name: string, dockerfile: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    fs.writeFileSync(path.join(dir, 'deps.txt'), `b==2\na==1\n${nonce}-${name}\n`);
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v1\n');
    return dir;
  }

  async function build(dir: string, tag: string, cacheFrom: string[] = [], inline = true): Promise<BuildTimeline> {
    const { timeline } = await runBuild({ engine, request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag, buildArgs: inline ? INLINE : {}, cacheFrom, extraArgs: NET } });
    assert.ok(timeline.success, timeline.error);
    return timeline;
  }

  function push(ref: string): void {
    const r = spawnSync(env.dockerCli, ['push', ref], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
  }

  /** No local image and none of this test's build-cache records: only the registry holds the cache. */
  async function forgetLocally(refs: string[], since: Date): Promise<void> {
    for (const r of refs) spawnSync(env.dockerCli, ['rmi', r], { stdio: 'ignore' });
    assert.deepStrictEqual(await pruneOwnBuildCache(client, nonce, since), [], 'records left after the prune');
    assert.strictEqual((await ownRecords(client, nonce, since)).size, 0);
    for (const r of refs) assert.notStrictEqual(spawnSync(env.dockerCli, ['image', 'inspect', r], { stdio: 'ignore' }).status, 0, `${r} still exists`);
  }

  it('single stage: after the builder cache is pruned, --cache-from the pushed image takes every step before the change from the registry', async function () {
    this.timeout(300_000);
    const dir = project('single', [
      'FROM local/busybox:latest',
      'COPY deps.txt /deps.txt',
      `RUN echo "install ${nonce}" && sleep 3 && sort /deps.txt > /deps.lock`,
      'COPY src.txt /src.txt',
      'RUN cat /deps.lock /src.txt > /app.txt',
      '',
    ].join('\n'));
    const since = new Date(Date.now() - 1000);
    const v1 = image('single', 'v1');
    const cold = await build(dir, v1);
    assert.deepStrictEqual(outcomes(cold), { 1: 'cached', 2: 'ran', 3: 'ran', 4: 'ran', 5: 'ran' });
    push(v1);
    await forgetLocally([v1], since);

    // the rebuild as `docker compose build` would run it: the CLI takes the service's cache_from and
    // cache_to; the built-in BuildKit cannot export a registry cache, so that one is left out with a note
    fs.writeFileSync(path.join(dir, 'compose.yaml'), [
      'services:',
      '  app:',
      `    image: ${v1}`,
      '    build:',
      '      context: .',
      '      cache_from:',
      `        - ${v1}`,
      '      cache_to:',
      `        - type=registry,ref=${registry.host}/ca-test/single-${nonce}:buildcache,mode=max`,
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v2\n');
    const before = registry.requests().length;
    const io = captureIO();
    const code = await main(['build', path.join(dir, 'Dockerfile'), '--compose', path.join(dir, 'compose.yaml'), '--docker-path', env.dockerCli,
      '--format', 'json', '-q', '-t', image('single', 'v2'), '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--', ...NET], io);
    assert.strictEqual(code, 0, io.stderr);
    const json = JSON.parse(io.stdout) as { steps: Array<{ line: number; cached: boolean; imported?: true }> };
    const shared = { steps: json.steps.map(x => ({ line: x.line, cached: x.cached, error: false })) } as unknown as BuildTimeline;
    assert.deepStrictEqual(outcomes(shared), { 1: 'cached', 2: 'cached', 3: 'cached', 4: 'ran', 5: 'ran' }, io.stdout);
    // the steps the registry served are marked; FROM came from the local base image
    assert.deepStrictEqual(json.steps.filter(x => x.imported).map(x => x.line), [2, 3], io.stdout);
    assert.match(io.stderr, /Compose service app: cache_from /);
    assert.match(io.stderr, /cache-to 'type=registry,ref=[^']+' left out: .*cannot export a cache/);
    // the cache really came from the registry: the builder fetched the pushed manifest
    const fetched = registry.requests().slice(before);
    assert.ok(fetched.some(r => new RegExp(`^GET /v2/ca-test/single-${nonce}/manifests/\\S+ 200$`).test(r)), fetched.join('\n'));
    assert.ok(!fetched.some(r => /buildcache/.test(r)), 'nothing was exported to the registry cache');

    // the same per-step timeline as a rebuild with the local cache after the same kind of change
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v3\n');
    const local = await build(dir, image('single', 'v3'));
    assert.deepStrictEqual(outcomes(local), outcomes(shared));
    assert.ok(!local.steps.some(x => x.imported), 'the local cache served this one');
    measured.push(`single stage: cold build ${cold.seconds.toFixed(1)} s, rebuild from the registry cache after a source change ${(json as unknown as { seconds: number }).seconds.toFixed(1)} s, with the local cache ${local.seconds.toFixed(1)} s`);
  });

  it('multi-stage: the inline cache holds the final stage only, so a change in the builder stage re-runs its earlier steps', async function () {
    this.timeout(300_000);
    const dockerfile = [
      'FROM local/busybox:latest AS deps',
      'COPY deps.txt /deps.txt',
      `RUN echo "install ${nonce}-multi" && sleep 3 && sort /deps.txt > /deps.lock`,
      'COPY src.txt /src.txt',
      'RUN cat /deps.lock /src.txt > /app.bin',
      '',
      'FROM local/busybox:latest',
      'COPY --from=deps /app.bin /app.bin',
      'RUN wc -c /app.bin > /size.txt',
      '',
    ].join('\n');
    const dir = project('multi', dockerfile);
    const since = new Date(Date.now() - 1000);
    const v1 = image('multi', 'v1');
    const cold = await build(dir, v1);
    assert.deepStrictEqual(outcomes(cold), { 1: 'cached', 2: 'ran', 3: 'ran', 4: 'ran', 5: 'ran', 7: 'cached', 8: 'ran', 9: 'ran' });
    push(v1);

    // with the local cache, only the steps from the change on run
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v2\n');
    const local = await build(dir, image('multi', 'v2'));
    assert.deepStrictEqual(outcomes(local), { 1: 'cached', 2: 'cached', 3: 'cached', 4: 'ran', 5: 'ran', 7: 'cached', 8: 'ran', 9: 'ran' });

    // from the registry's inline cache alone, the builder stage's install runs again
    await forgetLocally([v1, images[images.length - 1]], since);
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v3\n');
    const shared = await build(dir, image('multi', 'v3'), [v1]);
    assert.deepStrictEqual(shared.cacheImports, [{ ref: v1, ok: true }]);
    const o = outcomes(shared);
    assert.strictEqual(o[3], 'ran', `the builder stage's install: ${JSON.stringify(shared.steps)}`);
    assert.deepStrictEqual(o, { 1: 'cached', 2: 'ran', 3: 'ran', 4: 'ran', 5: 'ran', 7: 'cached', 8: 'ran', 9: 'ran' });
    measured.push(`multi-stage, change in the builder stage: local cache ${local.seconds.toFixed(1)} s, registry inline cache ${shared.seconds.toFixed(1)} s (cold ${cold.seconds.toFixed(1)} s)`);
  });

  it('an image pushed without the inline cache gives --cache-from nothing: every step runs', async function () {
    this.timeout(300_000);
    const dir = project('plain', [
      'FROM local/busybox:latest',
      'COPY deps.txt /deps.txt',
      `RUN echo "install ${nonce}-plain" && sleep 1 && sort /deps.txt > /deps.lock`,
      'COPY src.txt /src.txt',
      'RUN cat /deps.lock /src.txt > /app.txt',
      '',
    ].join('\n'));
    const since = new Date(Date.now() - 1000);
    const v1 = image('plain', 'v1');
    await build(dir, v1, [], false);
    push(v1);
    await forgetLocally([v1], since);
    fs.writeFileSync(path.join(dir, 'src.txt'), 'v2\n');
    const before = registry.requests().length;
    const again = await build(dir, image('plain', 'v2'), [v1], false);
    assert.deepStrictEqual(outcomes(again), { 1: 'cached', 2: 'ran', 3: 'ran', 4: 'ran', 5: 'ran' });
    // not for want of asking: the builder fetched the image and found no cache metadata in it
    const fetched = registry.requests().slice(before);
    assert.ok(fetched.some(r => new RegExp(`^GET /v2/ca-test/plain-${nonce}/manifests/\\S+ 200$`).test(r)), fetched.join('\n'));
  });
});
