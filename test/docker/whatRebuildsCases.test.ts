/**
 * The cases where "what rebuilds" used to under-predict, replayed against a real BuildKit: predict,
 * change, rebuild, compare the steps BuildKit re-ran with the prediction. Every certain line must
 * re-run; nothing may re-run outside the prediction.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../common/analysis/analyze';
import { buildGraph } from '../../common/analysis/invalidation';
import { answerFor } from '../../server/src/buildContext/locate';
import type { RebuildAnswer } from '../../server/src/buildContext/whatRebuilds';
import { parsePlainProgress } from '../../common/docker/progress';
import { requireDocker, type DockerEnv } from '../support/dockerd';

describe('what-rebuilds against a real dockerd: new folders, the ignore file, the Dockerfile, build args', function () {
  let docker: DockerEnv;
  const dirs: string[] = [];
  const tag = `cache-advisor-why-cases:${process.pid}`;

  before(async function () {
    docker = await requireDocker(this);
  });

  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    if (docker) spawnSync(docker.dockerCli, ['image', 'rm', '-f', tag], { stdio: 'ignore' });
  });

  /** A project of its own: a unique nonce in the first file keeps the cache of earlier runs out of the way. */
  function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-why-case-'));
    dirs.push(dir);
    const nonce = `${process.pid} ${Date.now()} ${Math.random()}\n`;
    for (const [rel, text] of Object.entries(files)) {
      if (rel.endsWith('.txt')) files[rel] = text + nonce;
    }
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  }

  /** Build; the 1-based lines of the single-stage Dockerfile's steps BuildKit ran rather than reused. */
  function build(dir: string, args: string[] = []): number[] {
    const r = spawnSync(docker.dockerCli, ['build', '--network=none', '--progress=plain', '-t', tag, ...args, '.'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 240_000,
    });
    assert.strictEqual(r.status, 0, `docker build failed:\n${r.stderr}`);
    const graph = buildGraph(analyze(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')));
    return parsePlainProgress(r.stderr + r.stdout).steps
      .filter(v => v.index !== undefined && v.state !== 'cached' && !/^FROM /.test(v.instruction))
      .map(v => graph.stageSteps[0][v.index! - 1].line)
      .sort((a, b) => a - b);
  }

  const predict = (dir: string, file: string, buildArgs?: Record<string, string>): RebuildAnswer =>
    answerFor({ dockerfile: path.join(dir, 'Dockerfile'), file: path.join(dir, file), buildArgs: buildArgs && new Map(Object.entries(buildArgs)) }).answer;

  function agrees(prediction: RebuildAnswer, rerun: number[]): void {
    const certain = prediction.rerun.filter(s => !prediction.conditional.has(s)).map(s => s.line);
    const all = prediction.rerun.map(s => s.line);
    assert.ok(certain.every(l => rerun.includes(l)), `certain ${certain} but BuildKit re-ran ${rerun}`);
    assert.ok(rerun.every(l => all.includes(l)), `predicted ${all} but BuildKit re-ran ${rerun}`);
  }

  const COPY_ALL = 'FROM local/busybox:latest\nCOPY . /app/\nRUN ls -R /app > /list\n';

  it('a new folder holding only ignored files is sent: COPY . and what follows re-run; a second ignored file in it re-runs nothing', function () {
    this.timeout(300_000);
    const dir = project({ Dockerfile: COPY_ALL, '.dockerignore': '**/*.log\n', 'a.txt': 'a\n' });
    build(dir);
    const first = predict(dir, 'logs/today.log');
    assert.strictEqual(first.reason, 'new-folder');
    assert.deepStrictEqual(first.rerun.map(s => s.line), [2, 3]);
    assert.strictEqual(first.conditional.size, 0);
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'today.log'), 'x\n');
    const rerun = build(dir);
    assert.deepStrictEqual(rerun, [2, 3]);
    agrees(first, rerun);

    const second = predict(dir, 'logs/tomorrow.log');
    assert.strictEqual(second.reason, 'ignored');
    assert.deepStrictEqual(second.rerun, []);
    fs.writeFileSync(path.join(dir, 'logs', 'tomorrow.log'), 'y\n');
    assert.deepStrictEqual(build(dir), []);
  });

  it('a new empty folder re-runs COPY . and what follows', function () {
    this.timeout(300_000);
    const dir = project({ Dockerfile: COPY_ALL, 'a.txt': 'a\n' });
    build(dir);
    const p = predict(dir, 'empty');
    assert.deepStrictEqual(p.rerun.map(s => s.line), [2, 3]);
    fs.mkdirSync(path.join(dir, 'empty'));
    const rerun = build(dir);
    assert.deepStrictEqual(rerun, [2, 3]);
    agrees(p, rerun);
  });

  it('a .dockerignore that lists itself: a comment re-runs nothing, dropping a pattern re-runs COPY . (both within the prediction)', function () {
    this.timeout(300_000);
    const dir = project({ Dockerfile: COPY_ALL, '.dockerignore': '.dockerignore\nDockerfile\n*.md\n', 'README.md': '# r\n', 'a.txt': 'a\n' });
    build(dir);
    const p = predict(dir, '.dockerignore');
    assert.strictEqual(p.reason, 'ignore-file');
    assert.strictEqual(p.inContext, false, 'it excludes itself');
    assert.deepStrictEqual(p.rerun.map(s => s.line), [2, 3]);
    assert.deepStrictEqual([...p.conditional.keys()].map(s => s.line), [2, 3], 'every re-run depends on the edit');

    fs.appendFileSync(path.join(dir, '.dockerignore'), '# a comment\n');
    const afterComment = build(dir);
    assert.deepStrictEqual(afterComment, []);
    agrees(p, afterComment);

    fs.writeFileSync(path.join(dir, '.dockerignore'), '.dockerignore\nDockerfile\n');
    const afterPattern = build(dir);
    assert.deepStrictEqual(afterPattern, [2, 3]);
    agrees(p, afterPattern);
  });

  it('a .dockerignore that does not list itself is copied by COPY .: any edit re-runs it for certain', function () {
    this.timeout(300_000);
    const dir = project({ Dockerfile: COPY_ALL, '.dockerignore': '*.md\n', 'a.txt': 'a\n' });
    build(dir);
    const p = predict(dir, '.dockerignore');
    assert.strictEqual(p.reason, 'ignore-file');
    assert.strictEqual(p.inContext, true);
    assert.deepStrictEqual(p.rerun.filter(s => !p.conditional.has(s)).map(s => s.line), [2, 3]);
    fs.appendFileSync(path.join(dir, '.dockerignore'), '# a comment\n');
    const rerun = build(dir);
    assert.deepStrictEqual(rerun, [2, 3]);
    agrees(p, rerun);
  });

  it('a Dockerfile listed in its ignore file is not copied: a comment re-runs nothing, and the answer says it is the build definition', function () {
    this.timeout(300_000);
    const dir = project({ Dockerfile: COPY_ALL, '.dockerignore': 'Dockerfile\n', 'a.txt': 'a\n' });
    build(dir);
    const p = predict(dir, 'Dockerfile');
    assert.strictEqual(p.reason, 'build-definition');
    assert.deepStrictEqual(p.rerun, []);
    fs.appendFileSync(path.join(dir, 'Dockerfile'), '# a comment\n');
    assert.deepStrictEqual(build(dir), []);
  });

  it('build args decide COPY ${SRC}/: the folder the build really copies re-runs, the default one does not', function () {
    this.timeout(300_000);
    const dir = project({
      Dockerfile: 'FROM local/busybox:latest\nARG SRC=src\nCOPY ${SRC}/ /app/\nRUN cat /app/a.txt > /out\n',
      'src/a.txt': 'dev\n',
      'src-prod/a.txt': 'prod\n',
    });
    const args = ['--build-arg', 'SRC=src-prod'];
    build(dir, args);
    const asBuilt = { SRC: 'src-prod' };
    const prod = predict(dir, 'src-prod/a.txt', asBuilt);
    const dev = predict(dir, 'src/a.txt', asBuilt);
    assert.deepStrictEqual(prod.rerun.map(s => s.line), [3, 4]);
    assert.deepStrictEqual(dev.rerun, []);
    assert.deepStrictEqual(predict(dir, 'src/a.txt').rerun.map(s => s.line), [3, 4], 'without the args: the default folder');

    fs.appendFileSync(path.join(dir, 'src/a.txt'), 'changed\n');
    const afterDev = build(dir, args);
    assert.deepStrictEqual(afterDev, []);
    agrees(dev, afterDev);
    fs.appendFileSync(path.join(dir, 'src-prod/a.txt'), 'changed\n');
    const afterProd = build(dir, args);
    assert.deepStrictEqual(afterProd, [3, 4]);
    agrees(prod, afterProd);
  });
});
