/**
 * One answer to "is this a Dockerfile / a Compose file", wherever a name is judged: the CLI's directory
 * search, what-rebuilds, the editor's menus (package.json `when` clauses) and the pre-commit hooks.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isComposeFileName, isDockerfileName } from '../../common/analysis/fileNames';

const ROOT = path.resolve(__dirname, '../../..');

const DOCKERFILES = [
  'Dockerfile', 'dockerfile', 'DOCKERFILE', 'Containerfile', 'Dockerfile.dev', 'Dockerfile.prod.arm64', 'Containerfile.prod',
  'api.Dockerfile', 'web.dockerfile', 'web.containerfile', 'Dockerfile.mydockerignore',
];
const NOT_DOCKERFILES = [
  'Dockerfile.dockerignore', 'Dockerfile.dev.dockerignore', 'dockerfile.DOCKERIGNORE', 'Containerfile.containerignore',
  'api.Dockerfile.dockerignore', '.dockerignore', '.containerignore', 'Dockerfile.', 'Dockerfile-notes', 'Dockerfiles',
  'README.md', 'compose.yaml',
];
const COMPOSE = [
  'compose.yaml', 'compose.yml', 'docker-compose.yml', 'Docker-Compose.YAML', 'docker-compose.override.yml',
  'compose.prod.local.yaml', 'docker-compose-dev.yml', 'compose-ci.yaml', 'app.compose.yaml',
];
const NOT_COMPOSE = ['compose.json', 'mydocker-compose.yml', 'values.yaml', 'composer.yaml', 'compose.yaml.bak', 'Dockerfile'];

describe('file names: Dockerfiles and Compose files', () => {
  it('catches: Dockerfile and Containerfile names, with a suffix or a prefix, in any case', () => {
    for (const n of DOCKERFILES) assert.strictEqual(isDockerfileName(n), true, n);
  });

  it('catches-not: an ignore file named after its Dockerfile is not a Dockerfile, nor are near misses', () => {
    for (const n of NOT_DOCKERFILES) assert.strictEqual(isDockerfileName(n), false, n);
  });

  it('catches: Compose names with an override or environment part', () => {
    for (const n of COMPOSE) assert.strictEqual(isComposeFileName(n), true, n);
  });

  it('catches-not: other YAML, JSON, and names that only contain "compose"', () => {
    for (const n of NOT_COMPOSE) assert.strictEqual(isComposeFileName(n), false, n);
  });

  it("the editor's menus (package.json when clauses on resourceFilename) agree with isDockerfileName", () => {
    const pkg = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const clauses = [...pkg.matchAll(/resourceFilename =~ \/((?:[^/\\]|\\\\.)+)\/([a-z]*)/g)];
    assert.ok(clauses.length >= 2, 'package.json names Dockerfiles in its menus');
    for (const [, source, flags] of clauses) {
      // the JSON text doubles each backslash
      const re = new RegExp(source.replace(/\\\\/g, '\\'), flags);
      for (const n of [...DOCKERFILES, ...NOT_DOCKERFILES]) assert.strictEqual(re.test(n), isDockerfileName(n), `${re}: ${n}`);
    }
  });

  it("the language client's file patterns: every Compose name and only those; every Dockerfile name", () => {
    const source = fs.readFileSync(path.join(ROOT, 'client/src/languageClient.ts'), 'utf8');
    // `**/{a,b,…}` globs of the document selector, as VS Code matches a file name: `*` is any run of characters but `/`
    const globs = [...source.matchAll(/pattern: '\*\*\/\{([^}]+)\}'/g)].map(m => m[1].split(','));
    assert.strictEqual(globs.length, 2, 'one pattern for Dockerfiles, one for Compose files');
    const matcher = (names: string[]) => new RegExp(`^(${names.map(g => g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})$`, 'i');
    const [dockerfiles, compose] = globs.map(matcher);
    for (const n of [...COMPOSE, ...NOT_COMPOSE]) assert.strictEqual(compose.test(n), isComposeFileName(n), `compose pattern: ${n}`);
    // the Dockerfile globs also take `Dockerfile.dockerignore` (a glob cannot leave it out): the server decides by name
    for (const n of DOCKERFILES) assert.strictEqual(dockerfiles.test(n), true, `Dockerfile pattern: ${n}`);
  });
});
