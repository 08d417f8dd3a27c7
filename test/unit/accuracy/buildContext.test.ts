/**
 * The build context a Dockerfile is analysed against: Compose `build.context` + `dockerfile`, then the
 * `buildContext` setting, then the folder its COPYs come from, then its own folder. A `docker/Dockerfile`
 * built from the repository root uses the root's .dockerignore and never gets one created in `docker/`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../server/src/cli';
import { clearBuildContextCache, resolveBuildContext } from '../../../server/src/buildContext/contextFolder';
import { lint } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { clearWorkspaceFactsCache, contextDirFor, gatherWorkspaceFacts, ignoreFileFacts } from '../../../server/src/buildContext/workspaceFacts';
import { captureIO } from '../../support/cliIO';
import { writeContext } from '../../support/contextOnDisk';

const factsFor = (dockerfile: string, setting?: string) => {
  const dir = contextDirFor(dockerfile, setting);
  return { dir, ws: { ...gatherWorkspaceFacts(dir), ...ignoreFileFacts(dockerfile, dir) } };
};
const rules = (dockerfile: string, rule: string) => {
  const { ws } = factsFor(dockerfile);
  return lint(DOCKERFILE, fs.readFileSync(dockerfile, 'utf8'), DEFAULT_SETTINGS, ws).findings.filter(f => f.rule === rule);
};

describe('accuracy: the build context a Dockerfile is analysed against', () => {
  let repo: string;
  beforeEach(() => {
    clearWorkspaceFactsCache();
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-repo-'));
    fs.mkdirSync(path.join(repo, '.git'));
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('a Compose file names the context and the Dockerfile; it wins over the setting', () => {
    writeContext({ 'compose.yaml': 'services:\n  api:\n    build:\n      context: ..\n      dockerfile: deploy/api.Dockerfile\n', 'deploy/api.Dockerfile': 'FROM x\nCOPY . .\n', 'package.json': '{}' }, repo);
    // the compose file sits in the repository root here; move it next to the Dockerfile's folder to prove the lookup walks up
    fs.renameSync(path.join(repo, 'compose.yaml'), path.join(repo, 'deploy', 'compose.yaml'));
    const dockerfile = path.join(repo, 'deploy', 'api.Dockerfile');
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: repo, origin: 'compose' });
    assert.deepStrictEqual(resolveBuildContext(dockerfile, 'elsewhere'), { dir: repo, origin: 'compose' });
    fs.writeFileSync(path.join(repo, 'deploy', 'compose.yaml'), 'services:\n  api:\n    build: .\n');
    clearBuildContextCache();
    assert.deepStrictEqual(resolveBuildContext(dockerfile, '..'), { dir: repo, origin: 'setting' });
  });

  it('a Compose file is parsed again when its size or mtime changes, and only then', () => {
    writeContext({ 'docker-compose.yml': 'services:\n  svc:\n    build: ./svc\n', 'svc/Dockerfile': 'FROM x\nCOPY . .\n', 'svd/Dockerfile': 'FROM x\n' }, repo);
    const compose = path.join(repo, 'docker-compose.yml');
    const dockerfile = path.join(repo, 'svc', 'Dockerfile');
    // whole seconds, so that setting it again gives the same mtime to the millisecond
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    fs.utimesSync(compose, mtime, mtime);
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: path.join(repo, 'svc'), origin: 'compose' });
    // the same length and mtime: taken for the same file, the parse kept
    fs.writeFileSync(compose, 'services:\n  svc:\n    build: ./svd\n');
    fs.utimesSync(compose, mtime, mtime);
    clearBuildContextCache();
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: path.join(repo, 'svc'), origin: 'compose' });
    // a new mtime: read again, and svc/Dockerfile is no longer built by it
    fs.utimesSync(compose, mtime, new Date(mtime.getTime() + 60_000));
    clearBuildContextCache();
    assert.notStrictEqual(resolveBuildContext(dockerfile).origin, 'compose');
    assert.deepStrictEqual(resolveBuildContext(path.join(repo, 'svd', 'Dockerfile')), { dir: path.join(repo, 'svd'), origin: 'compose' });
  });

  it('a short `build: ./svc` with the default Dockerfile name', () => {
    writeContext({ 'docker-compose.yml': 'services:\n  svc:\n    build: ./svc\n', 'svc/Dockerfile': 'FROM x\nCOPY . .\n' }, repo);
    assert.deepStrictEqual(resolveBuildContext(path.join(repo, 'svc', 'Dockerfile')), { dir: path.join(repo, 'svc'), origin: 'compose' });
  });

  it('inferred from the paths the Dockerfile copies: docker/Dockerfile copying requirements.txt from the root', () => {
    writeContext({ 'docker/Dockerfile': 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n', 'requirements.txt': 'flask\n', '.dockerignore': '.git\n' }, repo);
    const dockerfile = path.join(repo, 'docker', 'Dockerfile');
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: repo, origin: 'inferred' });
    assert.deepStrictEqual(rules(dockerfile, 'missing-dockerignore'), [], 'the root .dockerignore applies');
    // the twin: the same file copying something that is in docker/ is built from docker/
    writeContext({ 'docker/requirements.txt': 'flask\n' }, repo);
    clearBuildContextCache();
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: path.join(repo, 'docker'), origin: 'dockerfile-folder' });
  });

  it('only `COPY . .` in docker/ of a repository: a guess; the root .dockerignore counts, and no .dockerignore is ever created in docker/', async () => {
    writeContext({ 'docker/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n', 'index.js': '' }, repo);
    const dockerfile = path.join(repo, 'docker', 'Dockerfile');
    assert.deepStrictEqual(resolveBuildContext(dockerfile), { dir: path.join(repo, 'docker'), origin: 'guessed' });
    const f = rules(dockerfile, 'missing-dockerignore');
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual(f[0].fixes, []);
    assert.match(f[0].message, /No automatic fix: the build context may be a folder above/);
    const io = captureIO();
    await main(['--fix', dockerfile], io);
    assert.ok(!fs.existsSync(path.join(repo, 'docker', '.dockerignore')), io.stderr);
    fs.writeFileSync(path.join(repo, '.dockerignore'), 'node_modules\n');
    assert.deepStrictEqual(rules(dockerfile, 'missing-dockerignore'), [], 'the root .dockerignore is the one that applies');
  });

  it('outside a repository too: docker/Dockerfile beside a project folder is a guess; a project folder of its own is not', () => {
    fs.rmSync(path.join(repo, '.git'), { recursive: true });
    writeContext({ 'docker/Dockerfile': 'FROM x\nCOPY . .\n', 'package.json': '{}' }, repo);
    assert.strictEqual(resolveBuildContext(path.join(repo, 'docker', 'Dockerfile')).origin, 'guessed');
    assert.deepStrictEqual(rules(path.join(repo, 'docker', 'Dockerfile'), 'missing-dockerignore')[0].fixes, []);
    fs.writeFileSync(path.join(repo, '.dockerignore'), '.git\n');
    assert.deepStrictEqual(rules(path.join(repo, 'docker', 'Dockerfile'), 'missing-dockerignore'), []);
    writeContext({ 'svc/Dockerfile': 'FROM x\nCOPY . .\n', 'svc/package.json': '{}' }, repo);
    assert.strictEqual(resolveBuildContext(path.join(repo, 'svc', 'Dockerfile')).origin, 'dockerfile-folder');
  });

  it('catches: a Dockerfile at the repository root with no .dockerignore gets the fix, created at the root', async () => {
    writeContext({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\n', 'index.js': '' }, repo);
    const dockerfile = path.join(repo, 'Dockerfile');
    assert.strictEqual(resolveBuildContext(dockerfile).origin, 'dockerfile-folder');
    assert.strictEqual(rules(dockerfile, 'missing-dockerignore')[0].fixes?.length, 1);
    await main(['--fix', dockerfile], captureIO());
    assert.ok(fs.existsSync(path.join(repo, '.dockerignore')));
  });

  it('the CLI reads install inputs from the inferred context: docker/Dockerfile over a workspace gets no reorder', async () => {
    const text = 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\nRUN npm ci\n';
    writeContext({ 'docker/Dockerfile': text, 'package.json': JSON.stringify({ workspaces: ['packages/*'] }), 'package-lock.json': '{}', 'packages/a/package.json': '{}', '.dockerignore': '.git\n' }, repo);
    const dockerfile = path.join(repo, 'docker', 'Dockerfile');
    const f = rules(dockerfile, 'copy-before-install');
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual(f[0].fixes, []);
    assert.match(f[0].message, /workspace package folder/);
    await main(['--fix', dockerfile], captureIO());
    assert.strictEqual(fs.readFileSync(dockerfile, 'utf8'), text.replace('RUN npm ci', 'RUN --mount=type=cache,target=/root/.npm npm ci'));
  });
});
