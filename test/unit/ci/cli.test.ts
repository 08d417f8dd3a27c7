import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLint } from '../../../server/src/cli/lint';
import { dockerfileShapes } from '../../../server/src/buildContext/referencedDockerfiles';
import { captureIO } from '../../support/cliIO';

const WORKFLOW = 'on: push\njobs:\n  build:\n    steps:\n      - run: docker build --build-arg BUILDKIT_INLINE_CACHE=1 --build-arg GH_REV=${{ github.sha }} -t app .\n';
const GITLAB = 'build:\n  script:\n    - docker build --no-cache --build-arg GL_REV=$CI_COMMIT_SHA -t app .\n';
const DOCKERFILE = 'FROM golang:1.22 AS build\nARG GH_REV\nARG GL_REV\nRUN go build ./...\nFROM alpine\nCOPY --from=build /app /app\n';

describe('CLI lint of CI workflows', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-ci-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a directory includes .github/workflows/*.yml and .gitlab-ci.yml; the Dockerfile\'s stages come from the repository', () => {
    write('.github/workflows/ci.yml', WORKFLOW);
    write('.github/ci.yml', WORKFLOW); // not a workflow folder: not searched
    write('.gitlab-ci.yml', GITLAB);
    write('Dockerfile', DOCKERFILE);
    const io = captureIO();
    assert.strictEqual(runLint(['--format', 'json', dir], io), 1);
    const out = JSON.parse(io.stdout) as Array<{ file: string; findings: Array<{ rule: string; line: number; message: string }> }>;
    const byFile = Object.fromEntries(out.map(r => [path.relative(dir, r.file), r.findings.map(f => `${f.line}:${f.rule}`)]));
    assert.deepStrictEqual(byFile['.github/workflows/ci.yml'], ['5:ci-docker-build-without-cache-from', '5:ci-inline-cache-multistage']);
    assert.deepStrictEqual(byFile['.gitlab-ci.yml'], ['3:ci-no-cache']);
    // the commit SHA passed into an early ARG is arg-busts-cache's, naming both workflow kinds
    const arg = out.find(r => path.basename(r.file) === 'Dockerfile')!.findings.filter(f => f.rule === 'arg-busts-cache');
    assert.deepStrictEqual(arg.map(f => f.line), [2, 3]);
    assert.match(arg[0].message, /\.github\/workflows\/ci\.yml line 5 passes it `\$\{\{ github\.sha \}\}`/);
    assert.match(arg[1].message, /\.gitlab-ci\.yml line 3 passes it `\$CI_COMMIT_SHA`/);
    assert.ok(!Object.keys(byFile).includes('.github/ci.yml'));
  });

  it('a workflow named on the command line, SARIF output, and --fix leaving the non-preferred removal alone', () => {
    write('.github/workflows/release.yaml', 'jobs:\n  b:\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          no-cache: true\n');
    const file = path.join(dir, '.github/workflows/release.yaml');
    const sarif = captureIO();
    runLint(['--format', 'sarif', file], sarif);
    const run = JSON.parse(sarif.stdout).runs[0];
    assert.deepStrictEqual(run.results.map((r: { ruleId: string }) => r.ruleId).sort(), ['ci-build-push-without-cache', 'ci-no-cache']);
    assert.ok(run.tool.driver.rules.some((r: { id: string }) => r.id === 'ci-no-cache'));
    runLint(['--fix', file], captureIO());
    const fixed = fs.readFileSync(file, 'utf8');
    assert.match(fixed, /no-cache: true\n {10}cache-from: type=gha\n {10}cache-to: type=gha,mode=max\n$/);
  });

  it('no Dockerfile facts from outside the repository root, nor from files that are not regular', () => {
    write('repo/Dockerfile', DOCKERFILE);
    write('outside/Dockerfile', DOCKERFILE);
    fs.symlinkSync(path.join(dir, 'outside/Dockerfile'), path.join(dir, 'repo/linked.Dockerfile'));
    fs.mkdirSync(path.join(dir, 'repo/dir.Dockerfile'));
    const facts = dockerfileShapes(path.join(dir, 'repo'), ['Dockerfile', '../outside/Dockerfile', 'linked.Dockerfile', 'dir.Dockerfile', 'missing']);
    assert.deepStrictEqual(facts, { dockerfiles: { Dockerfile: { stages: [{ name: 'build' }, {}] } } });
  });
});
