import * as assert from 'assert';
import { ciRepositoryRoot, isCiWorkflowPath, parseCiWorkflow, type CiCommandBuild } from '../../../common/analysis/ciWorkflow';
import { yml } from '../../support/ciLint';

const commands = (text: string) => parseCiWorkflow(text).builds.filter((b): b is CiCommandBuild => b.kind === 'command');

describe('CI workflow model', () => {
  it('a run: block: every word of the docker build maps to its exact place, across continuations and ${{ }} expressions', () => {
    const text = yml`
      jobs:
        build:
          steps:
            - run: |
                echo hi
                docker buildx build \
                  --cache-from type=gha \
                  -t app:${'${{ github.sha }}'} .
    `;
    const [b] = commands(text);
    for (const w of b.words) assert.strictEqual(text.slice(w.start, w.end), w.text.includes('$X') ? text.slice(w.start, w.end) : w.text);
    assert.deepStrictEqual(b.words.map(w => text.slice(w.start, w.end)), ['docker', 'buildx', 'build', '--cache-from', 'type=gha', '-t', 'app:${{ github.sha }}', '.']);
    assert.strictEqual(b.exact, true);
    assert.deepStrictEqual(b.range, { start: { line: 5, character: 10 }, end: { line: 7, character: 38 } });
    assert.deepStrictEqual(b.options.map(o => [o.name, o.value]), [['--cache-from', 'type=gha'], ['-t', undefined]]);
    assert.strictEqual(b.dockerfile, 'Dockerfile');
  });

  it('a folded GitLab script line maps exactly; a double-quoted one with escapes is marked inexact', () => {
    const folded = 'b:\n  script:\n    - >\n      docker build\n      --no-cache .\n';
    const [f] = commands(folded);
    assert.strictEqual(f.exact, true);
    const flag = f.options[0].word;
    assert.strictEqual(folded.slice(flag.start, flag.end), '--no-cache');
    const [q] = commands('b:\n  script:\n    - "printf \'\\t\'; docker build ."\n');
    assert.strictEqual(q.exact, false);
  });

  it('build-push-action inputs with their ranges, the image of the first tag, and whether buildx was set up', () => {
    const text = 'jobs:\n  b:\n    steps:\n      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:1, ghcr.io/acme/app:latest\n          file: docker/app.Dockerfile\n';
    const [b] = parseCiWorkflow(text).builds;
    assert.ok(b.kind === 'action');
    assert.strictEqual(text.slice(b.inputs.push.start, b.inputs.push.end), 'push: true');
    assert.deepStrictEqual([b.pushes, b.image, b.buildx, b.dockerfile], [true, 'ghcr.io/acme/app', true, 'docker/app.Dockerfile']);
  });

  it('which Dockerfile a command builds: -f, the context, working-directory; unknown after cd or with variables', () => {
    const text = yml`
      jobs:
        b:
          defaults:
            run:
              working-directory: services/api
          steps:
            - run: docker build -f ../../Dockerfile.ci .
            - run: docker build ./web
            - run: cd sub && docker build .
            - run: docker build $CTX
    `;
    assert.deepStrictEqual(commands(text).map(b => b.dockerfile), ['Dockerfile.ci', 'services/api/web/Dockerfile', undefined, undefined]);
  });

  it('GitLab anchors: a script shared by two jobs is read once (for the first) and marked shared; default counts', () => {
    const text = yml`
      .build: &build
        - docker build .
      default:
        before_script:
          - docker image build -f base.Dockerfile .
      a:
        script: *build
      b:
        script: *build
    `;
    const builds = commands(text);
    assert.deepStrictEqual(builds.map(b => [b.job, b.shared !== undefined, b.dockerfile]), [['a', true, 'Dockerfile'], ['default', false, 'base.Dockerfile']]);
  });

  it('never throws: broken YAML, alias loops, non-string scripts, parse errors of the shell', () => {
    for (const text of ['', ':', 'jobs: [', 'a: &a [*a]\n', 'jobs:\n  b:\n    steps:\n      - run: [1, 2]\n', 'x:\n  script:\n    - docker build $(\n', 'jobs:\n  b: &b\n    steps:\n      - *b\n', '\u0000\uffff']) {
      assert.doesNotThrow(() => parseCiWorkflow(text), text);
    }
  });

  it('which paths are CI workflows, and the repository root their paths are relative to', () => {
    assert.deepStrictEqual(['.github/workflows/ci.yml', 'r/.github/workflows/x.YAML', 'r/.gitlab-ci.yml', 'r/.github/ci.yml', 'r/ci.yml', 'r/.github/workflows/sub/x.yml'].map(isCiWorkflowPath), [true, true, true, false, false, false]);
    assert.strictEqual(ciRepositoryRoot('/repo/.github/workflows/ci.yml'), '/repo');
    assert.strictEqual(ciRepositoryRoot('/repo/.gitlab-ci.yml'), '/repo');
  });
});
