/**
 * A property of "what rebuilds", checked against a real BuildKit over 20 random single-file changes
 * (seeded, so a failure replays): every step predicted as certain re-runs, and nothing re-runs that was
 * not predicted. Changes: edits of copied, ignored and build files, new files in old and new folders,
 * new ignored files in new folders, new empty folders.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../common/analysis/analyze';
import { buildGraph, type BuildGraph } from '../../common/analysis/invalidation';
import { answerFor } from '../../server/src/buildContext/locate';
import { parsePlainProgress } from '../../common/docker/progress';
import { requireDocker, type DockerEnv } from '../support/dockerd';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/context');

const DOCKERFILE = `FROM local/busybox:latest AS deps
WORKDIR /app
COPY requirements.txt .
RUN cat requirements.txt > /deps.txt

FROM deps AS build
COPY src/ ./src/
RUN cat /deps.txt src/*.txt > /built.txt
RUN --mount=type=bind,source=scripts/gen.sh,target=/gen.sh sh /gen.sh > /gen.out

FROM local/busybox:latest AS ctx
COPY . /ctx/
RUN find /ctx | sort > /list

FROM local/busybox:latest AS final
COPY --from=build /built.txt /built.txt
COPY --from=ctx /list /list
COPY config/ /config/
RUN cat /built.txt && ls -R /config > /config.txt
`;

/** A small seeded generator (mulberry32): the same changes on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('what-rebuilds against a real dockerd: 20 random single-file changes', function () {
  let docker: DockerEnv;
  let dir: string;
  const tag = `cache-advisor-why-property:${process.pid}`;

  before(async function () {
    docker = await requireDocker(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-why-prop-'));
    fs.cpSync(path.join(FIXTURES, 'dockerd'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    fs.appendFileSync(path.join(dir, 'requirements.txt'), `# ${process.pid} ${Date.now()} ${Math.random()}\n`);
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (docker) spawnSync(docker.dockerCli, ['image', 'rm', '-f', tag], { stdio: 'ignore' });
  });

  function lineOf(graph: BuildGraph, stage: string, index: number): number {
    const s = graph.model.stages.findIndex(st => st.name === stage);
    assert.ok(s >= 0, `unknown stage ${stage}`);
    return graph.stageSteps[s][index - 1].line;
  }

  function build(): number[] {
    const r = spawnSync(docker.dockerCli, ['build', '--network=none', '--progress=plain', '-t', tag, '.'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 240_000,
    });
    assert.strictEqual(r.status, 0, `docker build failed:\n${r.stderr}`);
    const graph = buildGraph(analyze(DOCKERFILE));
    return parsePlainProgress(r.stderr + r.stdout).steps
      .filter(v => v.index !== undefined && v.state !== 'cached' && !/^FROM /.test(v.instruction))
      .map(v => lineOf(graph, v.stage ?? '', v.index!))
      .sort((a, b) => a - b);
  }

  function files(): string[] {
    const out: string[] = [];
    const walk = (abs: string, rel: string) => {
      for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(abs, e.name), r);
        else out.push(r);
      }
    };
    walk(dir, '');
    return out.sort();
  }

  it('certain steps re-run, and nothing outside the prediction does', function () {
    this.timeout(600_000);
    const next = random(21);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    build();
    let exact = 0;
    const log: string[] = [];
    for (let i = 0; i < 20; i++) {
      const kind = pick(['edit', 'edit', 'new file', 'new folder', 'new ignored folder', 'empty folder'] as const);
      const stamp = `${i}-${Math.floor(next() * 1e9)}`;
      let target: string;
      let apply: () => void;
      if (kind === 'edit') {
        target = pick(files().filter(f => f !== 'Dockerfile' || i % 2 === 0));
        apply = () => fs.appendFileSync(path.join(dir, target), `# ${stamp}\n`);
      } else if (kind === 'new file') {
        const folder = pick(['', 'src', 'config', 'scripts', 'notes']);
        target = `${folder ? folder + '/' : ''}f${stamp}.${pick(['txt', 'log', 'tmp'])}`;
        apply = () => fs.writeFileSync(path.join(dir, target), stamp);
      } else if (kind === 'new folder' || kind === 'new ignored folder') {
        const folder = `${pick(['', 'src/', 'config/'])}d${stamp}`;
        target = `${folder}/x.${kind === 'new folder' ? 'txt' : 'log'}`;
        apply = () => { fs.mkdirSync(path.join(dir, folder), { recursive: true }); fs.writeFileSync(path.join(dir, target), stamp); };
      } else {
        target = `${pick(['', 'src/', 'config/'])}e${stamp}`;
        apply = () => fs.mkdirSync(path.join(dir, target));
      }
      const p = answerFor({ dockerfile: path.join(dir, 'Dockerfile'), file: path.join(dir, target) }).answer;
      const predicted = p.rerun.map(s => s.line);
      const certain = p.rerun.filter(s => !p.conditional.has(s)).map(s => s.line);
      apply();
      const rerun = build();
      log.push(`${kind} ${target}: predicted ${predicted} (certain ${certain}), BuildKit ${rerun}`);
      assert.ok(certain.every(l => rerun.includes(l)), `certain line did not re-run:\n${log.join('\n')}`);
      assert.ok(rerun.every(l => predicted.includes(l)), `re-ran outside the prediction:\n${log.join('\n')}`);
      if (predicted.length === rerun.length) exact++;
    }
    // the bound is loose only where BuildKit compares content (COPY --from): most answers are exact
    assert.ok(exact >= 10, `only ${exact} of 20 exact:\n${log.join('\n')}`);
  });
});
