/**
 * The pre-commit hooks as a user's repository runs them: Debian's pre-commit, `try-repo` against this
 * checkout. pre-commit installs the hook the way it installs any node hook (npm install of the sources
 * from the registry, npm pack, global install of the tarball), so this also proves that path works.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { isLintedFileName } from '../../server/src/lint/fileKinds';
import { skipOrFail } from '../support/availability';
import { cleanNpmEnv } from '../support/npmEnv';

const ROOT = path.resolve(__dirname, '../../..');
const BAD = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n';
const GOOD = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . .\n';

interface Hook { id: string; entry: string; language: string; files: string; types: string[] }
const hooks: Hook[] = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));

/** pre-commit's `files` is a Python regex searched in the path; the only Python-only syntax used is the leading (?i). */
function hookMatches(hook: Hook, file: string): boolean {
  const m = /^\(\?i\)(.*)$/s.exec(hook.files);
  return new RegExp(m ? m[1] : hook.files, m ? 'i' : '').test(file);
}

describe('pre-commit hooks', () => {
  it('select exactly the files the CLI picks from a directory', () => {
    const names = [
      'Dockerfile', 'dockerfile', 'Containerfile', 'Dockerfile.dev', 'Containerfile.prod', 'api.Dockerfile', 'web.containerfile',
      'docker-compose.yml', 'docker-compose.override.yaml', 'compose.yaml', 'compose.prod.yml', 'stack.compose.yaml',
      'Dockerfile-notes', 'Dockerfile.', 'README.md', '.dockerignore', 'values.yaml', 'compose.json', 'mydocker-compose.yml', 'Dockerfiles',
      '.github/workflows/ci.yml', '.github/workflows/release.yaml', '.gitlab-ci.yml', '.github/ci.yml', '.github/workflows/sub/x.yml', 'gitlab-ci.yml',
      'Dockerfile.dockerignore', 'Dockerfile.dev.dockerignore', 'Containerfile.containerignore', 'Dockerfile.mydockerignore',
      'docker-compose-dev.yml', 'compose.prod.local.yaml',
    ];
    for (const hook of hooks) {
      for (const dir of ['', 'services/api/']) {
        for (const name of names) {
          assert.strictEqual(hookMatches(hook, dir + name), isLintedFileName(dir + name), `${hook.id}: ${dir}${name}`);
        }
      }
    }
  });

  it('lint by default, --fix only in the second hook', () => {
    assert.deepStrictEqual(hooks.map(h => [h.id, h.entry, h.language]), [
      ['dockerfile-cache-advisor', 'dockerfile-cache-advisor lint', 'node'],
      ['dockerfile-cache-advisor-fix', 'dockerfile-cache-advisor lint --fix', 'node'],
    ]);
  });
});

describe('pre-commit try-repo against this checkout', function () {
  // the first run installs the hook: npm install of the sources (all devDependencies) and a production bundle
  this.timeout(600_000);
  let tmp: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    if (spawnSync('pre-commit', ['--version']).status !== 0) skipOrFail(this, 'pre-commit is not installed (Debian: apt-get install pre-commit)');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-pre-commit-'));
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    // a pre-commit home of our own: the hook is installed from this checkout, never from a user's cache
    env = cleanNpmEnv({ PRE_COMMIT_HOME: path.join(tmp, 'home'), PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` });
    execFileSync('git', ['init', '-q'], { cwd: repo, env });
  });

  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  // try-repo installs the hook into a fresh store on every call (about 35 s here), so each call runs both hooks
  const tryRepo = (...files: string[]) => {
    execFileSync('git', ['add', '.'], { cwd: repo, env });
    const r = spawnSync('pre-commit', ['try-repo', ROOT, '--files', ...files], { cwd: repo, env, encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');

  it('a Dockerfile with findings fails the lint hook, which prints them; the fix hook rewrites it for review', () => {
    fs.mkdirSync(path.join(repo, 'bad'));
    fs.mkdirSync(path.join(repo, 'good'));
    fs.writeFileSync(path.join(repo, 'bad', 'Dockerfile'), BAD);
    fs.writeFileSync(path.join(repo, 'good', 'Dockerfile'), GOOD);
    // each folder is its Dockerfile's build context
    for (const dir of ['bad', 'good']) fs.writeFileSync(path.join(repo, dir, '.dockerignore'), '.git\n');
    const r = tryRepo('bad/Dockerfile', 'good/Dockerfile');
    assert.strictEqual(r.code, 1, r.out);
    // hooks run in id order: the lint hook sees the file before the fix hook rewrites it
    assert.match(r.out, /^Dockerfile Cache Advisor\.+Failed\n- hook id: dockerfile-cache-advisor\n- exit code: 1\n\nbad\/Dockerfile:3:1: warning copy-before-install /m);
    assert.match(r.out, /^bad\/Dockerfile:4:5: warning missing-cache-mount /m);
    assert.doesNotMatch(r.out, /^good\//m);
    assert.match(r.out, /^Dockerfile Cache Advisor \(apply safe fixes\)\.+Failed\n- hook id: dockerfile-cache-advisor-fix\n(- exit code: 1\n)?- files were modified by this hook/m);
    assert.match(read('bad/Dockerfile'), /^RUN --mount=type=cache,target=\/root\/\.cache\/pip /m);
    assert.strictEqual(read('good/Dockerfile'), GOOD);
  });

  it('a clean Dockerfile passes both hooks', () => {
    const r = tryRepo('good/Dockerfile');
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /^Dockerfile Cache Advisor\.+Passed$/m);
    assert.match(r.out, /^Dockerfile Cache Advisor \(apply safe fixes\)\.+Passed$/m);
    assert.strictEqual(read('good/Dockerfile'), GOOD);
  });
});
