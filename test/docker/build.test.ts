/**
 * The build command against a real Docker engine: what was cached and what ran before and after the
 * caching fixes, the CLI's output, and the clear messages when the engine is missing or unreachable.
 * The timeline, rebuild, failure, cancellation and argument-safety specs run against both Docker and
 * Podman in buildEngines.test.ts. Every build runs with --network=none.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { detectEngine, EngineError, type BuildEngine } from '../../common/docker/buildEngine';
import { runBuild } from '../../common/docker/runBuild';
import type { BuildTimeline } from '../../common/docker/timeline';
import { fixAll } from '../../server/src/lint/linter';
import { DOCKERFILE } from '../../server/src/lint/fileKinds';
import { gatherWorkspaceFacts } from '../../server/src/buildContext/workspaceFacts';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { captureIO } from '../support/cliIO';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/build');
const CLI = path.join(ROOT, 'out/server/src/cli.js');
const NET = ['--network=none'];

function copyFixture(name: string, into: string): string {
  const dir = path.join(into, name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function ran(t: BuildTimeline): number[] {
  return t.steps.filter(s => !s.cached).map(s => s.line!);
}


describe('docker: build timeline on a real engine', function () {
  let env: DockerEnv;
  let engine: BuildEngine;
  let tmp: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const tags: string[] = [];
  // a tag per build, so that no rebuild leaves an untagged image behind
  const tag = (n: string) => { const t = `ca-test-${n}-${nonce}:${tags.length + 1}`; tags.push(t); return t; };

  before(async function () {
    env = await requireDocker(this);
    engine = await detectEngine({ dockerPath: env.dockerCli });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-build-'));
  });

  after(function () {
    // one at a time: a build that failed left no image under its tag
    for (const t of tags) if (env) spawnSync(env.dockerCli, ['rmi', '-f', t], { stdio: 'ignore' });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('detects a BuildKit engine for the test client', () => {
    assert.ok(engine.kind === 'buildx' || engine.kind === 'buildkit', engine.kind);
    if (engine.kind === 'buildkit') assert.deepStrictEqual(engine.env, { DOCKER_BUILDKIT: '1' });
  });

  it('the caching fixes make a code-only change re-run fewer steps', async () => {
    const rebuildAfterCodeChange = async (dir: string, name: string) => {
      const req = () => ({ dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag: tag(name), extraArgs: NET });
      const first = await runBuild({ engine, request: req() });
      assert.ok(first.timeline.success, first.timeline.error);
      fs.appendFileSync(path.join(dir, 'main.py'), `echo "${nonce}-${name}"\n`);
      return (await runBuild({ engine, request: req() })).timeline;
    };
    const before = await rebuildAfterCodeChange(copyFixture('unfixed', path.join(tmp, 'before')), 'unfixed');

    const fixedDir = copyFixture('unfixed', path.join(tmp, 'after'));
    const file = path.join(fixedDir, 'Dockerfile');
    const result = fixAll(DOCKERFILE, fs.readFileSync(file, 'utf8'), undefined, gatherWorkspaceFacts(fixedDir));
    assert.deepStrictEqual(result.applied.map(a => a.rule).sort(), ['copy-before-install', 'missing-cache-mount']);
    fs.writeFileSync(file, result.text);
    const after = await rebuildAfterCodeChange(fixedDir, 'fixed');

    const names = (t: BuildTimeline) => t.steps.filter(s => !s.cached).map(s => s.name);
    assert.deepStrictEqual(names(before), ['COPY . .', 'RUN pip install --no-cache-dir -r requirements.txt', 'RUN wc -c main.py > /build.txt']);
    assert.deepStrictEqual(names(after), ['COPY . .', 'RUN wc -c main.py > /build.txt']);
    assert.ok(ran(after).length < ran(before).length);
    assert.ok(after.steps.find(s => s.name.includes('pip install'))!.cached, 'the install stayed cached');
  });

  describe('CLI: dockerfile-cache-advisor build', () => {
    // the CLI keeps build snapshots under the user's cache folder: the tests' own, not the real one
    const xdg = process.env.XDG_CACHE_HOME;
    before(() => { process.env.XDG_CACHE_HOME = path.join(tmp, 'xdg-cache'); });
    after(() => { if (xdg === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = xdg; });

    it('--format json prints exactly the documented shape; exit 0', async () => {
      const dir = copyFixture('multistage', path.join(tmp, 'cli'));
      const io = captureIO();
      const code = await main(['build', path.join(dir, 'Dockerfile'), '--docker-path', env.dockerCli, '--format', 'json', '-q', '-t', tag('cli'), '--', ...NET], io);
      assert.strictEqual(code, 0, io.stderr);
      const json = JSON.parse(io.stdout);
      assert.deepStrictEqual(Object.keys(json), ['steps', 'cachedSteps', 'totalSteps', 'seconds']);
      for (const s of json.steps) {
        assert.deepStrictEqual(Object.keys(s), ['line', 'instruction', 'cached', 'seconds', 'error', ...(s.sharedWith !== undefined ? ['sharedWith'] : []), ...(s.reason !== undefined ? ['reason'] : [])]);
        // a new context: every step that ran is a first build, and only those have a reason
        if (s.reason !== undefined || !s.cached) assert.deepStrictEqual([s.cached, s.reason], [false, { kind: 'first-build' }], JSON.stringify(s));
        assert.deepStrictEqual([typeof s.line, typeof s.instruction, typeof s.cached, typeof s.seconds, s.error], ['number', 'string', 'boolean', 'number', false]);
      }
      // the three identical `FROM local/busybox:latest` are one BuildKit vertex, named after whichever stage
      // the daemon first built it for (that depends on the daemon's history): every FROM line gets a step,
      // the two not printed pointing at the one that was
      const lines: number[] = json.steps.map((s: { line: number }) => s.line);
      assert.deepStrictEqual(lines, [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15]);
      const shared = json.steps.filter((s: { sharedWith?: number }) => s.sharedWith !== undefined);
      assert.strictEqual(shared.length, 2, JSON.stringify(json.steps));
      assert.ok(shared.every((s: { line: number; sharedWith: number }) => [1, 6, 10].includes(s.line) && [1, 6, 10].includes(s.sharedWith) && s.line !== s.sharedWith));
      assert.strictEqual(json.totalSteps, 13);
      assert.strictEqual(json.cachedSteps, json.steps.filter((s: { cached: boolean }) => s.cached).length);
      assert.ok(json.seconds > 0);
    });

    it('text output: the table and the summary; the engine output on stderr; exit 1 when a step fails', async () => {
      const dir = copyFixture('failing', path.join(tmp, 'cli-text'));
      const io = captureIO();
      const code = await main(['build', '--context', dir, '--docker-path', env.dockerCli, '-t', tag('clitext'), '--', ...NET], io);
      assert.strictEqual(code, 1);
      assert.match(io.stdout, /^line +step +result$/m);
      assert.match(io.stdout, /^ +4 +RUN echo "about to fail" && exit 3 +failed/m);
      assert.match(io.stdout, /^\d+\/4 steps cached · [\d.]+s · failed at line 4$/m);
      assert.match(io.stderr, /about to fail/, 'the engine output is echoed');
    });

    it('a docker path that does not exist: exit 2 and what to do', async () => {
      const io = captureIO();
      const missing = path.join(tmp, 'no such dir', 'docker');
      const code = await main(['build', path.join(FIXTURES, 'app'), '--docker-path', missing, '-q'], io);
      assert.strictEqual(code, 2);
      assert.match(io.stderr, /Docker CLI not found: '.*no such dir\/docker'/);
      assert.match(io.stderr, /Install Docker, or correct the path/);
    });

    it('podman chosen but not installed: exit 2 and what to do', () => {
      // a PATH without podman, so the case runs on machines that have it too (CI installs it)
      const emptyPath = fs.mkdtempSync(path.join(tmp, 'no-podman-'));
      const r = spawnSync(process.execPath, [CLI, 'build', path.join(FIXTURES, 'app'), '--engine', 'podman', '-q'], {
        env: { ...process.env, PATH: emptyPath }, encoding: 'utf8', timeout: 60_000,
      });
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, /Podman is not installed/);
      assert.match(r.stderr, /apt-get install podman/);
    });

    it('a daemon nobody listens on: exit 2, where it looked and how to fix it', () => {
      const sock = path.join(tmp, `nobody-${nonce}.sock`);
      const r = spawnSync(process.execPath, [CLI, 'build', path.join(FIXTURES, 'app'), '--docker-path', env.dockerCli, '-q', '--', ...NET], {
        env: { ...process.env, DOCKER_HOST: `unix://${sock}` }, encoding: 'utf8', timeout: 60_000,
      });
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`Cannot reach the Docker daemon at DOCKER_HOST=unix://${sock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(r.stderr, /Start Docker .* DOCKER_HOST/);
    });
  });

  describe('a docker client without BuildKit (Docker 23+ with no buildx plugin)', () => {
    let noBuildkit: string;
    before(function () {
      // the real one when the machine has it (Docker 28 in /usr/local/bin here); else a client that
      // answers exactly as Docker 28 did (test/fixtures/progress/no-buildx.docker28.txt)
      const real = '/usr/local/bin/docker';
      const r = fs.existsSync(real) ? spawnSync(real, ['buildx', 'version']) : undefined;
      if (r && r.status !== 0) noBuildkit = real;
      else {
        noBuildkit = path.join(tmp, 'docker28', 'docker');
        fs.mkdirSync(path.dirname(noBuildkit), { recursive: true });
        fs.writeFileSync(noBuildkit, `#!/bin/sh
if [ "$1" = "--version" ]; then echo "Docker version 28.2.2, build e6534b4"; exit 0; fi
if [ "$1" = "buildx" ]; then echo "docker: unknown command: docker buildx" >&2; exit 1; fi
if [ "$1" = "build" ] && [ "$DOCKER_BUILDKIT" = "1" ]; then
${fs.readFileSync(path.join(ROOT, 'test/fixtures/progress/no-buildx.docker28.txt'), 'utf8').split('\n').filter(Boolean).map(l => `  echo '${l}' >&2`).join('\n')}
  exit 1
fi
exit 1
`, { mode: 0o755 });
      }
    });

    it('as --docker-path: a clear message naming buildx and the fix', async () => {
      const io = captureIO();
      const code = await main(['build', path.join(FIXTURES, 'app'), '--docker-path', noBuildkit, '-q'], io);
      assert.strictEqual(code, 2);
      assert.match(io.stderr, /BuildKit is not available: .*has no BuildKit \(Docker 28\.[\d.]+: BuildKit is enabled but the buildx component is missing or broken\.\)/);
      assert.match(io.stderr, /Install the buildx plugin/);
      assert.match(io.stderr, /cacheAdvisor\.dockerPath \/ --docker-path/);
    });

    it('first on PATH: the next docker with BuildKit is used, and the output says so', async () => {
      const a = path.join(tmp, 'path-a');
      const b = path.join(tmp, 'path-b');
      fs.mkdirSync(a);
      fs.mkdirSync(b);
      fs.symlinkSync(noBuildkit, path.join(a, 'docker'));
      fs.symlinkSync(env.dockerCli, path.join(b, 'docker'));
      const found = await detectEngine({ env: { ...process.env, PATH: `${a}:${b}` } });
      assert.strictEqual(found.command, path.join(b, 'docker'));
      assert.match(found.note!, /^using .*path-b\/docker: .*path-a\/docker has no BuildKit/);
      await assert.rejects(detectEngine({ env: { ...process.env, PATH: a } }), (e: unknown) => e instanceof EngineError && e.problem === 'no-buildkit');
      await assert.rejects(detectEngine({ env: { ...process.env, PATH: path.join(tmp, 'empty') } }), /Docker is not installed: no `docker` on PATH/);
    });
  });
});
