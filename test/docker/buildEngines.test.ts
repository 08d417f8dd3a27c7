/**
 * The build runner against both real engines, Docker (BuildKit) and Podman (buildah): the per-step
 * timeline, a fully cached rebuild, a code change, a failing step, cancellation, and arguments that
 * must never reach a shell. The same fixtures serve both: each engine has `local/busybox:latest` in its
 * own store. Every build runs with --network=none. With CI=true neither engine may be missing.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { detectEngine, type BuildEngine } from '../../common/docker/buildEngine';
import { runBuild } from '../../common/docker/runBuild';
import type { BuildTimeline } from '../../common/docker/timeline';
import { requireDocker } from '../support/dockerd';
import { requirePodman } from '../support/podman';
import { captureIO } from '../support/cliIO';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/build');
const CLI = path.join(ROOT, 'out/server/src/cli.js');
const NET = ['--network=none'];

/** What differs between the engines, and nothing else. */
interface EngineCase {
  readonly name: 'docker' | 'podman';
  /** The CLI binary, and the CLI options that choose this engine. */
  setup(ctx: Mocha.Context): Promise<{ cli: string; baseImage: string; engine: BuildEngine; cliArgs: string[] }>;
  /** Lines of the app fixture that are steps: BuildKit counts FROM/RUN/COPY/WORKDIR, podman every instruction. */
  readonly appLines: number[];
  /** First build: the steps from the changed requirements.txt on (WORKDIR and ENV may be cached from earlier runs). */
  readonly firstRan: number[];
  /** After a code change: the steps that ran (podman re-runs CMD too: it is a layer of its own). */
  readonly touchedRan: number[];
  readonly failingLines: number[];
  /** How the engine says a RUN exited with 3. */
  readonly exit3: RegExp;
}

const ENGINES: EngineCase[] = [
  {
    name: 'docker',
    async setup(ctx) {
      const env = await requireDocker(ctx);
      const engine = await detectEngine({ dockerPath: env.dockerCli });
      return { cli: env.dockerCli, baseImage: env.baseImage, engine, cliArgs: ['--docker-path', env.dockerCli] };
    },
    appLines: [3, 5, 6, 7, 9, 10],
    firstRan: [6, 7, 9, 10],
    touchedRan: [9, 10],
    failingLines: [1, 2, 3, 4],
    exit3: /exit code: 3/,
  },
  {
    name: 'podman',
    async setup(ctx) {
      const env = await requirePodman(ctx);
      const engine = await detectEngine({ engine: 'podman', dockerPath: env.podmanCli });
      return { cli: env.podmanCli, baseImage: env.baseImage, engine, cliArgs: ['--engine', 'podman', '--docker-path', env.podmanCli] };
    },
    appLines: [3, 4, 5, 6, 7, 9, 10, 11],
    firstRan: [6, 7, 9, 10, 11],
    touchedRan: [9, 10, 11],
    failingLines: [1, 2, 3, 4],
    exit3: /exit status 3/,
  },
];

/** line → 'cached' | 'ran' | 'error' */
function outcomes(t: BuildTimeline): Record<number, string> {
  return Object.fromEntries(t.steps.map(s => [s.line ?? -1, s.error ? 'error' : s.cached ? 'cached' : 'ran']));
}

const ran = (t: BuildTimeline) => t.steps.filter(s => !s.cached).map(s => s.line!);

for (const ec of ENGINES) {
  describe(`${ec.name}: build timeline on a real engine`, function () {
    let cli: string;
    let baseImage: string;
    let engine: BuildEngine;
    let cliArgs: string[];
    let tmp: string;
    const nonce = crypto.randomBytes(6).toString('hex');
    const tags: string[] = [];
    // a tag per build, so that no rebuild leaves an untagged image behind
    const tag = (n: string) => { const t = `ca-test-${n}-${nonce}:${tags.length + 1}`; tags.push(t); return t; };
    const copyFixture = (name: string, into: string) => {
      const dir = path.join(into, name);
      fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
      return dir;
    };

    before(async function () {
      ({ cli, baseImage, engine, cliArgs } = await ec.setup(this));
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ca-build-${ec.name}-`));
    });

    after(function () {
      // one at a time: a build that failed left no image under its tag
      for (const t of tags) if (cli) spawnSync(cli, ['rmi', '-f', t], { stdio: 'ignore' });
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('detects the engine', () => {
      if (ec.name === 'podman') assert.strictEqual(engine.kind, 'podman');
      else assert.ok(engine.kind === 'buildx' || engine.kind === 'buildkit', engine.kind);
    });

    describe('the app fixture: first build, second build, a code change', () => {
      let dir: string;
      before(() => {
        dir = copyFixture('app', tmp);
        // content no earlier run has built: the first build really is a first build
        fs.appendFileSync(path.join(dir, 'requirements.txt'), `nonce==${nonce}\n`);
      });
      const build = async () => (await runBuild({ engine, request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag: tag('app'), extraArgs: NET } })).timeline;

      it('first build: a step per line, every step from the new content on ran, its output logged', async () => {
        const timeline = await build();
        assert.ok(timeline.success, timeline.error);
        assert.deepStrictEqual(timeline.steps.map(s => s.line), ec.appLines);
        const o = outcomes(timeline);
        for (const line of ec.firstRan) assert.strictEqual(o[line], 'ran', `line ${line}: ${JSON.stringify(timeline.steps)}`);
        assert.strictEqual(o[3], 'cached', 'FROM of a local image pulls nothing');
        assert.ok(timeline.steps.find(s => s.line === 7)!.logs!.includes('installed 3 packages'));
        assert.strictEqual(timeline.steps.find(s => s.line === 7)!.endLine, 8, 'the RUN spans a continuation line');
      });

      it('second build: all cached', async () => {
        const timeline = await build();
        assert.ok(timeline.success, timeline.error);
        assert.strictEqual(timeline.totalSteps, ec.appLines.length);
        assert.strictEqual(timeline.cachedSteps, ec.appLines.length, JSON.stringify(timeline.steps));
      });

      it('after touching main.py exactly COPY . . and the steps below it re-run', async () => {
        fs.appendFileSync(path.join(dir, 'main.py'), `echo "${nonce}"\n`);
        const timeline = await build();
        assert.deepStrictEqual(ran(timeline), ec.touchedRan);
      });
    });

    it('a failing step is reported with its line and the engine message', async () => {
      const dir = copyFixture('failing', tmp);
      fs.appendFileSync(path.join(dir, 'ok.txt'), `${nonce}\n`);
      const { timeline, exitCode } = await runBuild({ engine, request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag: tag('failing'), extraArgs: NET } });
      assert.notStrictEqual(exitCode, 0);
      assert.strictEqual(timeline.success, false);
      assert.deepStrictEqual(timeline.steps.map(s => s.line), ec.failingLines, 'the step after the failed one never started');
      assert.deepStrictEqual(timeline.steps.filter(s => s.error).map(s => s.line), [4]);
      assert.match(timeline.error!, ec.exit3);
      assert.deepStrictEqual(timeline.steps.find(s => s.line === 4)!.logs, ['about to fail']);
    });

    it('stops a running build when cancelled', async () => {
      const dir = path.join(tmp, 'slow');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${baseImage}\nRUN echo "started ${nonce}" && sleep 60\n`);
      const ac = new AbortController();
      const started = Date.now();
      const { timeline, canceled } = await runBuild({
        engine,
        request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag: tag('slow'), extraArgs: NET },
        signal: ac.signal,
        onOutput: s => { if (s.includes(`started ${nonce}`)) ac.abort(); },
      });
      assert.strictEqual(canceled, true);
      assert.ok(Date.now() - started < 50_000, 'the build stopped before its step would have finished');
      assert.strictEqual(timeline.success, false);
      assert.strictEqual(timeline.error, 'cancelled');
      const step = timeline.steps.find(s => s.line === 2)!;
      assert.ok(!step.cached && (step.incomplete || step.canceled || step.error), JSON.stringify(step));
      if (ec.name === 'podman') {
        // an interrupted podman build leaves its working container: remove ours (by the image it used)
        const ps = spawnSync(cli, ['ps', '-a', '--external', '--format', 'json'], { encoding: 'utf8' });
        const ours = (JSON.parse(ps.stdout || '[]') as Array<{ Id: string; Command?: string[] | null; Image: string }>)
          .filter(c => (c.Command ?? []).includes('buildah') && /local\/busybox:latest$/.test(c.Image));
        for (const c of ours) spawnSync(cli, ['rm', '-f', c.Id], { stdio: 'ignore' });
      }
    });

    describe('arguments never reach a shell', () => {
      // podman reads --file as a CSV record: the quote and the comma must survive that too
      const evil = (marker: string) => `x 'q' "dq" , ; $(touch ${marker}) \`touch ${marker}-bt\``;

      it('a context folder named with spaces, quotes, a comma, ;, $(…) and backticks builds and runs nothing', () => {
        const work = path.join(tmp, 'evil-cwd');
        fs.mkdirSync(work);
        // a folder name cannot hold '/': the marker is relative, so a shell would create it in cwd
        const dir = path.join(work, evil('pwned'));
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${baseImage}\nCOPY a.txt /a.txt\n`);
        fs.writeFileSync(path.join(dir, 'a.txt'), nonce);
        const r = spawnSync(process.execPath, [CLI, 'build', '--context', dir, ...cliArgs, '-t', tag('evil'), '--format', 'json', '-q', '--', ...NET], { cwd: work, encoding: 'utf8', timeout: 120_000 });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(JSON.parse(r.stdout).totalSteps, 2);
        assert.deepStrictEqual(fs.readdirSync(work), [path.basename(dir)], 'nothing but the context folder');
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['Dockerfile', 'a.txt']);
      });

      it('a tag with the same characters: the CLI refuses it, the engine given it directly runs nothing', async () => {
        const marker = path.join(tmp, `pwned-${nonce}`);
        const badTag = `ca-evil:${evil(marker)}`;
        const io = captureIO();
        const code = await main(['build', path.join(FIXTURES, 'app'), ...cliArgs, '-t', badTag, '-q'], io);
        assert.strictEqual(code, 2);
        assert.match(io.stderr, /is not a valid image tag/);

        const dir = copyFixture('app', path.join(tmp, 'evil-tag'));
        const { timeline } = await runBuild({ engine, request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag: badTag, extraArgs: NET } });
        assert.strictEqual(timeline.success, false);
        assert.match(timeline.error!, /invalid (reference format|tag)/i);
        assert.ok(!fs.existsSync(marker) && !fs.existsSync(`${marker}-bt`), 'nothing was executed');
      });
    });
  });
}
