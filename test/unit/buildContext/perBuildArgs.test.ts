import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPerBuildValue, perBuildArgs } from '../../../server/src/buildContext/perBuildArgs';
import { repositoryRoot } from '../../../server/src/buildContext/folders';

/** A throwaway workspace with the given files (relative path → content). */
function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'perbuild-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('per-build arguments of the workspace', () => {
  const roots: string[] = [];
  const ws = (files: Record<string, string>) => {
    const r = workspace(files);
    roots.push(r);
    return r;
  };
  after(() => roots.forEach(r => fs.rmSync(r, { recursive: true, force: true })));

  describe('catches', () => {
    it('Compose build.args as a map and as a list', () => {
      const root = ws({
        'docker-compose.yml': 'services:\n  app:\n    build:\n      context: .\n      args:\n        APP_REV: $(git rev-parse HEAD)\n        PY: "3.12"\n',
        'compose.prod.yaml': 'services:\n  web:\n    build:\n      args:\n        - STAMP=$(date +%s)\n',
      });
      const found = perBuildArgs(root);
      assert.deepStrictEqual(Object.keys(found).sort(), ['APP_REV', 'STAMP']);
      assert.deepStrictEqual(found.APP_REV, [{ file: 'docker-compose.yml', line: 6, value: '$(git rev-parse HEAD)' }]);
      assert.strictEqual(found.STAMP[0].file, 'compose.prod.yaml');
    });

    it('GitHub workflows: --build-arg in a run script, build-args of build-push-action, a variable of the same name', () => {
      const root = ws({
        '.github/workflows/ci.yml': [
          'jobs:',
          '  build:',
          '    steps:',
          '      - run: |',
          '          docker build \\',
          '            --build-arg GIT_REV="$(git rev-parse --short HEAD)" \\',
          '            --build-arg GITHUB_SHA --build-arg PY=3.12 .',
          '      - run: docker build --build-arg APP_REF=${{ github.ref_name }} --build-arg NODE=${{ matrix.node }} .',
          '      - uses: docker/build-push-action@v6',
          '        with:',
          '          build-args: |',
          '            RELEASE=${{ github.sha }}',
          '            BASE=alpine',
          '',
        ].join('\n'),
      });
      const found = perBuildArgs(root);
      assert.deepStrictEqual(Object.keys(found).sort(), ['APP_REF', 'GITHUB_SHA', 'GIT_REV', 'RELEASE']);
      assert.deepStrictEqual(found.APP_REF[0], { file: '.github/workflows/ci.yml', line: 8, value: '${{ github.ref_name }}' });
      assert.deepStrictEqual(found.GIT_REV[0], { file: '.github/workflows/ci.yml', line: 6, value: '$(git rev-parse --short HEAD)' });
      assert.strictEqual(found.RELEASE[0].line, 12);
    });

    it('GitLab CI script lines, and the build context folder besides the root', () => {
      const root = ws({
        '.git/HEAD': 'ref: refs/heads/main\n',
        '.gitlab-ci.yml': 'build:\n  script:\n    - docker build --build-arg=APP_BUILD=${CI_PIPELINE_ID} .\n',
        'svc/docker-compose.yml': 'services:\n  s:\n    build:\n      args:\n        SVC_COMMIT: ${CI_COMMIT_SHA}\n',
      });
      assert.strictEqual(repositoryRoot(path.join(root, 'svc')), root);
      const found = perBuildArgs(root, [path.join(root, 'svc')]);
      assert.deepStrictEqual(Object.keys(found).sort(), ['APP_BUILD', 'SVC_COMMIT']);
      assert.strictEqual(found.SVC_COMMIT[0].file, 'svc/docker-compose.yml');
    });
  });

  describe('catches not', () => {
    it('stable values, and files that are not Compose or CI files', () => {
      const root = ws({
        'docker-compose.yml': 'services:\n  app:\n    build:\n      args:\n        PYTHON_VERSION: "3.12"\n        NODE_ENV: production\n',
        'other.yml': 'x: --build-arg GIT_REV=$(git rev-parse HEAD)\n',
        '.github/workflows/ci.yml': 'jobs:\n  b:\n    steps:\n      - run: docker build --build-arg VERSION=${{ matrix.version }} .\n',
      });
      assert.deepStrictEqual(perBuildArgs(root), {});
    });

    it('unreadable, oversized, non-regular and broken files are skipped', () => {
      const root = ws({ 'compose.yaml': 'services: [\n', 'docker-compose.yml': `# ${'x'.repeat(300 * 1024)}\nservices: {a: {build: {args: {R: "$(date)"}}}}\n` });
      fs.mkdirSync(path.join(root, 'docker-compose.override.yml'));
      assert.deepStrictEqual(perBuildArgs(root), {});
      assert.deepStrictEqual(perBuildArgs(path.join(root, 'missing')), {});
    });

    it('large workflows: a bounded amount of new YAML per call, each file parsed again only when it changes', function () {
      this.timeout(30_000);
      // twelve workflows of about 100 KB, each passing its own per-build ARG: more than one call parses
      const workflow = (i: number, sha = 'github.sha') => {
        let y = `name: w${i}\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build --build-arg REV_${i}=\${{ ${sha} }} .\n`;
        for (let j = 0; y.length < 100_000; j++) y += `      - run: echo step ${j} of workflow ${i}\n`;
        return y;
      };
      const files: Record<string, string> = {};
      for (let i = 0; i < 12; i++) files[`.github/workflows/w${String(i).padStart(2, '0')}.yml`] = workflow(i);
      const root = ws(files);
      const all = Array.from({ length: 12 }, (_, i) => `REV_${i}`).sort();
      const first = Object.keys(perBuildArgs(root)).sort();
      assert.ok(first.length > 0 && first.length < 12, `one call parses part of 1.2 MB of YAML, got ${first.length} of 12`);
      let names = first;
      for (let call = 0; call < 8 && names.length < 12; call++) names = Object.keys(perBuildArgs(root)).sort();
      assert.deepStrictEqual(names, all, 'later calls parse the rest, and the files parsed before cost nothing');
      assert.deepStrictEqual(Object.keys(perBuildArgs(root)).sort(), all);
      // one file changes: a stable value now, so its ARG is no longer per build
      const changed = path.join(root, '.github/workflows/w03.yml');
      fs.writeFileSync(changed, workflow(3, 'vars.STABLE'));
      fs.utimesSync(changed, new Date(), new Date(Date.now() + 60_000));
      assert.deepStrictEqual(Object.keys(perBuildArgs(root)).sort(), all.filter(n => n !== 'REV_3'));
    });

    it('value patterns', () => {
      for (const v of ['$(git rev-parse HEAD)', '`git describe --tags`', '$(date -u +%Y-%m-%dT%H:%M:%SZ)', '${GITHUB_SHA}', '$CI_COMMIT_SHORT_SHA', '${{ github.run_number }}', '$BUILD_NUMBER']) assert.ok(isPerBuildValue(v), v);
      for (const v of ['3.12', '${PYTHON_VERSION}', '${{ matrix.node }}', 'production', '$(cat .nvmrc)']) assert.ok(!isPerBuildValue(v), v);
    });
  });
});
