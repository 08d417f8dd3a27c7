/**
 * what-rebuilds against a real BuildKit: build a fixture, change one file, rebuild, and compare the
 * steps BuildKit actually re-ran (the non-CACHED `#N [stage i/n] INSTR` vertices) with the prediction.
 * Also checks that the context listing (after .dockerignore and per-Dockerfile ignore files) is
 * exactly what the builder receives.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../common/analysis/analyze';
import { readIgnoreSpec } from '../../server/src/buildContext/ignore';
import { buildGraph, type BuildGraph } from '../../common/analysis/invalidation';
import { clearContextListingCache, listContext } from '../../server/src/buildContext/listing';
import { answerFor } from '../../server/src/buildContext/locate';
import { parsePlainProgress } from '../../common/docker/progress';
import { requireDocker, type DockerEnv } from '../support/dockerd';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/context');

/** Steps of a `--progress=plain` log (the build command's parser): `[stage i/n] INSTR` and whether BuildKit reused the cache. */
function plainSteps(log: string): Array<{ vertex: number; stage: string; index: number; total: number; name: string; cached: boolean }> {
  return parsePlainProgress(log).steps
    .filter(v => v.index !== undefined && v.total !== undefined)
    .map(v => ({ vertex: v.vertex, stage: v.stage ?? '', index: v.index!, total: v.total!, name: v.instruction, cached: v.state === 'cached' }));
}

/** The 1-based Dockerfile line of `[stage i/n]`: BuildKit names unnamed stages `stage-<index>`. */
function lineOf(graph: BuildGraph, stage: string, index: number): number {
  const s = graph.model.stages.findIndex((st, i) => (st.name ?? `stage-${i}`) === stage || (stage === '' && graph.model.stages.length === 1));
  assert.ok(s >= 0, `unknown stage ${stage}`);
  const step = graph.stageSteps[s][index - 1];
  assert.ok(step, `no step ${index} in stage ${stage}`);
  return step.line;
}

describe('what-rebuilds against a real dockerd', function () {
  let docker: DockerEnv;
  let dir: string;
  const tag = `cache-advisor-what-rebuilds:${process.pid}`;

  before(async function () {
    docker = await requireDocker(this);
    this.timeout(300_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-why-'));
    fs.cpSync(path.join(FIXTURES, 'dockerd'), dir, { recursive: true });
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (docker) spawnSync(docker.dockerCli, ['image', 'rm', '-f', tag], { stdio: 'ignore' });
  });

  function build(args: string[], cwd = dir): string {
    const r = spawnSync(docker.dockerCli, ['build', '--network=none', '--progress=plain', ...args, '.'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      timeout: 240_000,
    });
    assert.strictEqual(r.status, 0, `docker build failed:\n${r.stderr}`);
    return r.stderr + r.stdout;
  }

  /** Change a file's content (BuildKit's cache key ignores mtime, so `touch` alone would re-run nothing). */
  function change(rel: string): void {
    fs.appendFileSync(path.join(dir, rel), `# changed ${Date.now()} ${Math.random()}\n`);
  }

  // [file, predicted re-runs, of which conditional (COPY --from content checks), what BuildKit re-runs]
  for (const [file, predicted, conditional, actual] of [
    ['src/app.txt', [8, 9, 10, 17, 18, 19], [17, 18, 19], [8, 9, 10, 17, 18, 19]],
    ['requirements.txt', [3, 4, 8, 9, 10, 17, 18, 19], [17, 18, 19], [3, 4, 8, 9, 10, 17, 18, 19]],
    // gen.sh re-runs line 10, but /built.txt comes out identical: BuildKit keeps COPY --from=build cached
    ['scripts/gen.sh', [10, 17, 18, 19], [17, 18, 19], [10]],
    ['config/c.conf', [18, 19], [], [18, 19]],
    ['src/scratch.tmp', [], [], []],
    ['notes/n.txt', [], [], []],
    ['debug.log', [], [], []],
  ] as const) {
    it(`changing ${file}: BuildKit re-runs the predicted steps`, function () {
      this.timeout(300_000);
      const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
      const graph = buildGraph(analyze(text));
      build(['-t', tag]); // everything cached from here
      const prediction = answerFor({ dockerfile: path.join(dir, 'Dockerfile'), file: path.join(dir, file) }).answer;
      assert.deepStrictEqual(prediction.rerun.map(s => s.line), predicted, 'the prediction for this fixture');
      assert.deepStrictEqual(prediction.rerun.filter(s => prediction.conditional.has(s)).map(s => s.line), conditional, 'conditional steps');
      change(file);
      const steps = plainSteps(build(['-t', tag]));
      assert.ok(steps.length > 0, 'no steps in the progress output');
      // the [stage i/n] counts agree with our step model (the shared FROM vertex may carry any stage's name)
      const perStage = new Map(steps.filter(s => !/^FROM /.test(s.name)).map(s => [s.stage, s.total]));
      assert.strictEqual([...perStage.values()].reduce((a, b) => a + b, 0), prediction.totalSteps, 'total steps');
      const rerun = steps.filter(s => !s.cached && !/^FROM /.test(s.name)).map(s => lineOf(graph, s.stage, s.index)).sort((a, b) => a - b);
      assert.deepStrictEqual(rerun, [...new Set(rerun)], 'each step once');
      assert.deepStrictEqual(rerun, actual);
      // every certain step re-ran; nothing re-ran outside the prediction
      const certain = prediction.rerun.filter(s => !prediction.conditional.has(s)).map(s => s.line);
      assert.ok(certain.every(l => rerun.includes(l)) && rerun.every(l => (predicted as readonly number[]).includes(l)));
    });
  }

  /** Export what the builder receives as its context (FROM scratch + COPY . /) and list it. */
  function exported(contextDir: string, dockerfileRel: string): Array<{ rel: string; size: number }> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-ctx-'));
    try {
      build(['-f', dockerfileRel, '-o', `type=local,dest=${out}`], contextDir);
      const files: Array<{ rel: string; size: number }> = [];
      const walk = (abs: string, rel: string) => {
        for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) walk(path.join(abs, e.name), r);
          else files.push({ rel: r, size: fs.statSync(path.join(abs, e.name)).size });
        }
      };
      walk(out, '');
      return files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }

  it('the context listing after .dockerignore (`**`, exceptions) is exactly what the builder receives', function () {
    this.timeout(300_000);
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-ign-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'ignore'), ctx, { recursive: true });
      fs.writeFileSync(path.join(ctx, 'export.Dockerfile'), 'FROM scratch\nCOPY . /\n');
      clearContextListingCache();
      const ours = listContext(ctx, readIgnoreSpec(path.join(ctx, 'export.Dockerfile'), ctx)).files.map(f => ({ ...f })).sort((a, b) => (a.rel < b.rel ? -1 : 1));
      assert.deepStrictEqual(exported(ctx, 'export.Dockerfile'), ours);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });

  it('a <Dockerfile>.dockerignore replaces the root .dockerignore, as BuildKit does', function () {
    this.timeout(300_000);
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-ign-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'per-dockerfile'), ctx, { recursive: true });
      fs.writeFileSync(path.join(ctx, 'docker', 'export.Dockerfile'), 'FROM scratch\nCOPY . /\n');
      fs.copyFileSync(path.join(ctx, 'docker', 'api.Dockerfile.dockerignore'), path.join(ctx, 'docker', 'export.Dockerfile.dockerignore'));
      clearContextListingCache();
      const ours = listContext(ctx, readIgnoreSpec(path.join(ctx, 'docker', 'export.Dockerfile'), ctx)).files.map(f => ({ ...f })).sort((a, b) => (a.rel < b.rel ? -1 : 1));
      const theirs = exported(ctx, 'docker/export.Dockerfile');
      assert.ok(theirs.some(f => f.rel === 'a.txt') && !theirs.some(f => f.rel === 'b.txt'), 'the per-Dockerfile file applied');
      assert.deepStrictEqual(theirs, ours);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });
});
