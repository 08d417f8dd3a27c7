/**
 * "Why did this step run?" against a real engine: one build history, each reason kind produced by
 * the change that causes it. Every build runs with --network=none in its own temporary context, under
 * tags of its own; the shared build cache is never pruned.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { detectEngine, type BuildEngine } from '../../common/docker/buildEngine';
import type { MissReason } from '../../common/docker/missReasons';
import { runBuild } from '../../common/docker/runBuild';
import type { BuildTimeline } from '../../common/docker/timeline';
import { loadHistory } from '../../common/docker/snapshotStore';
import { main } from '../../server/src/cli';
import { captureIO } from '../support/cliIO';
import { requireDocker, type DockerEnv } from '../support/dockerd';

const DOCKERFILE = (base: string, second = 'step-one') => `FROM ${base}
ARG FLAVOUR=plain
WORKDIR /app
COPY config.txt ./
RUN echo "flavour $FLAVOUR" > /flavour.txt && cat config.txt
COPY . .
RUN echo ${second} > /one.txt
RUN wc -c app.py > /size.txt
`;

/** line → reason of the steps that ran (FROM aside: a local base image is never pulled). */
function reasons(t: BuildTimeline): Record<number, MissReason | 'none'> {
  return Object.fromEntries(t.steps.filter(s => !s.cached && s.line !== 1).map(s => [s.line!, s.reason ?? 'none']));
}

describe('docker: why each step ran', function () {
  let env: DockerEnv;
  let engine: BuildEngine;
  let tmp: string;
  let dir: string;
  let history: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const tags: string[] = [];

  const build = async (opts: { args?: Record<string, string>; extra?: string[] } = {}) => {
    const tag = `ca-why-${nonce}:${tags.length + 1}`;
    tags.push(tag);
    const { timeline } = await runBuild({
      engine,
      request: { dockerfile: path.join(dir, 'Dockerfile'), context: dir, tag, buildArgs: opts.args, extraArgs: ['--network=none', ...(opts.extra ?? [])] },
      history: { dir: history },
    });
    assert.ok(timeline.success, timeline.error);
    assert.strictEqual(timeline.historyNote, undefined);
    return timeline;
  };

  before(async function () {
    env = await requireDocker(this);
    engine = await detectEngine({ dockerPath: env.dockerCli });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-why-'));
    dir = path.join(tmp, 'ctx');
    history = path.join(tmp, 'history');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE(env.baseImage));
    // content no earlier run has built: the first build really runs
    fs.writeFileSync(path.join(dir, 'config.txt'), `nonce=${nonce}\n`);
    fs.writeFileSync(path.join(dir, 'app.py'), `print("${nonce}")\n`);
    fs.writeFileSync(path.join(dir, 'notes.md'), 'notes\n');
    // the Dockerfile too: COPY . . would copy it, and editing a RUN would then change that COPY's files
    fs.writeFileSync(path.join(dir, '.dockerignore'), '*.md\nDockerfile\n');
  });

  after(function () {
    for (const t of tags) if (env) spawnSync(env.dockerCli, ['rmi', '-f', t], { stdio: 'ignore' });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('first build: every step that ran is first-build', async () => {
    const t = await build();
    const r = reasons(t);
    assert.deepStrictEqual(Object.keys(r).map(Number).filter(l => l >= 4), [4, 5, 6, 7, 8], JSON.stringify(t.steps));
    for (const [line, reason] of Object.entries(r)) assert.deepStrictEqual(reason, { kind: 'first-build' }, `line ${line}`);
    const [snap] = loadHistory(history, path.join(dir, 'Dockerfile'), undefined);
    // the base image's ID comes from the Engine API
    const id = spawnSync(env.dockerCli, ['image', 'inspect', '--format', '{{.Id}}', env.baseImage], { encoding: 'utf8' }).stdout.trim();
    assert.deepStrictEqual([snap.steps[0].keyword, snap.steps[0].imageId], ['FROM', id]);
    assert.deepStrictEqual(snap.paths, ['.dockerignore', 'app.py', 'config.txt']);
  });

  it('the same build again: all cached, no reason invented', async () => {
    const t = await build();
    assert.deepStrictEqual(reasons(t), {});
    assert.ok(t.steps.every(s => !s.reason));
  });

  it('one source file changed: files names exactly it, parent on the steps after', async () => {
    fs.appendFileSync(path.join(dir, 'app.py'), 'print("changed")\n');
    const t = await build();
    assert.deepStrictEqual(reasons(t), {
      6: { kind: 'files', files: ['app.py'], changes: ['changed'], count: 1 },
      7: { kind: 'parent', line: 6 },
      8: { kind: 'parent', line: 7 },
    });
  });

  it('a .dockerignore\'d file changed: nothing re-runs, and no reason is invented', async () => {
    fs.appendFileSync(path.join(dir, 'notes.md'), 'more notes\n');
    const t = await build();
    assert.deepStrictEqual(reasons(t), {});
    assert.strictEqual(t.cachedSteps, t.totalSteps);
  });

  it('a build arg changed: build-arg on the RUN that sees it, parent after', async () => {
    const t = await build({ args: { FLAVOUR: 'fancy' } });
    assert.deepStrictEqual(reasons(t), {
      5: { kind: 'build-arg', arg: 'FLAVOUR', old: 'plain', new: 'fancy' },
      6: { kind: 'parent', line: 5 },
      7: { kind: 'parent', line: 6 },
      8: { kind: 'parent', line: 7 },
    });
  });

  it('an edited RUN: instruction on it, parent on the steps after it', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE(env.baseImage, 'step-two'));
    const t = await build({ args: { FLAVOUR: 'fancy' } });
    assert.deepStrictEqual(reasons(t), {
      7: { kind: 'instruction', old: 'RUN echo step-one > /one.txt', new: 'RUN echo step-two > /one.txt' },
      8: { kind: 'parent', line: 7 },
    });
  });

  it('CLI: the reason in the table, the files below it, and steps[].reason in --format json', async () => {
    const xdg = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(tmp, 'xdg-cache');
    try {
      const cli = async (format: string) => {
        const io = captureIO();
        const tag = `ca-why-${nonce}:cli-${tags.length + 1}`;
        tags.push(tag);
        const code = await main(['build', path.join(dir, 'Dockerfile'), '--docker-path', env.dockerCli, '--format', format, '-q', '-t', tag,
          '--build-arg', 'FLAVOUR=fancy', '--', '--network=none'], io);
        assert.strictEqual(code, 0, io.stderr);
        return io.stdout;
      };
      await cli('text'); // the CLI's own history starts here
      fs.writeFileSync(path.join(dir, 'config.txt'), `nonce=${nonce}\nmode=cli\n`);
      fs.mkdirSync(path.join(dir, 'docs'), { recursive: true });
      const text = await cli('text');
      assert.match(text, /^ +4 +COPY config\.txt \.\/ +ran [\d.]+s — config\.txt changed$/m);
      assert.match(text, /^ +5 +RUN .* +ran [\d.]+s — line 4 ran$/m);
      assert.match(text, /^Why steps ran:\n {2}line 4: It copies or mounts build-context files that changed since the last build that ran it \(1 in all\):\n {4}changed: config\.txt$/m);
      fs.writeFileSync(path.join(dir, 'docs', 'guide.txt'), 'read me\n');
      const json = JSON.parse(await cli('json'));
      const byLine = Object.fromEntries(json.steps.filter((s: { reason?: unknown }) => s.reason).map((s: { line: number; reason: unknown }) => [s.line, s.reason]));
      assert.deepStrictEqual(byLine, { 6: { kind: 'files', files: ['docs/guide.txt'] }, 7: { kind: 'parent', line: 6 }, 8: { kind: 'parent', line: 7 } });
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['.dockerignore', 'Dockerfile', 'app.py', 'config.txt', 'docs', 'notes.md'], 'nothing written into the context');
    } finally {
      if (xdg === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = xdg;
    }
  });

  it('--no-cache: every step that ran says no-cache', async () => {
    const t = await build({ args: { FLAVOUR: 'fancy' }, extra: ['--no-cache'] });
    const r = reasons(t);
    assert.deepStrictEqual(Object.keys(r).map(Number).filter(l => l >= 4), [4, 5, 6, 7, 8]);
    for (const [line, reason] of Object.entries(r)) assert.deepStrictEqual(reason, { kind: 'no-cache', note: '--no-cache' }, `line ${line}`);
  });
});
