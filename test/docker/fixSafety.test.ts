/**
 * Fix All never breaks a build: real `docker build --network=none` runs of Dockerfiles before and after
 * `--fix`. Each "install" is a busybox script named after the package manager that fails when one of
 * its inputs (a patch, a vendored tarball, a workspace folder) is not in the image yet, so a reorder
 * that strands an input fails the build exactly as the real install would.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { clearWorkspaceFactsCache } from '../../server/src/buildContext/workspaceFacts';
import { captureIO } from '../support/cliIO';
import { writeContext } from '../support/contextOnDisk';
import { requireDocker, type DockerEnv } from '../support/dockerd';

/** A stand-in for `tool`: a script that checks each input exists (`tool run …` also needs `runNeeds`), then records that it ran. */
const standIn = (tool: string, inputs: readonly string[], runNeeds: readonly string[] = []) =>
  `RUN printf '#!/bin/sh\\nset -e\\n${[...inputs.map(i => `test -e ${i}`), ...runNeeds.map(i => `if [ "$1" = run ]; then test -e ${i}; fi`)].join('\\n')}\\necho ${tool} ok > /${tool}.ok\\n' > /bin/${tool} && chmod +x /bin/${tool}`;

describe('docker: fixes keep every install input above its install', function () {
  let env: DockerEnv;
  let tmp: string;
  const nonce = crypto.randomBytes(6).toString('hex');
  const tags: string[] = [];

  before(async function () {
    env = await requireDocker(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-fixsafety-'));
  });

  after(function () {
    for (const t of tags) if (env) spawnSync(env.dockerCli, ['rmi', '-f', t], { stdio: 'ignore' });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function build(dir: string): { ok: boolean; log: string } {
    const t = `ca-fixsafety-${nonce}:${tags.length + 1}`;
    tags.push(t);
    const r = spawnSync(env.dockerCli, ['build', '--network=none', '--progress=plain', '-t', t, dir], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      timeout: 120_000,
    });
    return { ok: r.status === 0, log: `${r.stdout}\n${r.stderr}` };
  }

  /** A context on disk; builds it, runs `--fix`, builds again; returns the fixed Dockerfile. */
  async function buildFixBuild(name: string, files: Record<string, string>): Promise<string> {
    const dir = writeContext(files, fs.mkdtempSync(path.join(tmp, `${name}-`)));
    const before = build(dir);
    assert.ok(before.ok, `${name}: the unfixed Dockerfile must build:\n${before.log.slice(-2000)}`);
    clearWorkspaceFactsCache();
    const io = captureIO();
    const code = await main(['--fix', path.join(dir, 'Dockerfile')], io);
    assert.ok(code === 0 || code === 1, io.stderr);
    const fixed = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const after = build(dir);
    assert.ok(after.ok, `${name}: the fixed Dockerfile no longer builds:\n${fixed}\n${after.log.slice(-2000)}`);
    return fixed;
  }

  it('pnpm patches: the COPY stays above the install (and the naive reorder really would fail)', async () => {
    const dockerfile = [
      `FROM ${env.baseImage}`,
      standIn('pnpm', ['package.json', 'patches/left-pad.patch']),
      'WORKDIR /app',
      'COPY . .',
      'RUN pnpm install --frozen-lockfile',
      '',
    ].join('\n');
    const files = {
      Dockerfile: dockerfile,
      '.dockerignore': 'Dockerfile\n',
      'package.json': JSON.stringify({ name: 'a', pnpm: { patchedDependencies: { 'left-pad@1.3.0': 'patches/left-pad.patch' } } }),
      'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
      'patches/left-pad.patch': '--- a\n+++ b\n',
    };
    const fixed = await buildFixBuild('pnpm-patches', files);
    assert.ok(fixed.indexOf('COPY . .') < fixed.indexOf('pnpm install'), fixed);
    // the stand-in is sensitive: the reorder the rule used to offer fails this build
    const naive = dockerfile.replace('COPY . .\nRUN pnpm install --frozen-lockfile\n', 'COPY package.json pnpm-lock.yaml ./\nRUN pnpm install --frozen-lockfile\nCOPY . .\n');
    const dir = writeContext({ ...files, Dockerfile: naive }, fs.mkdtempSync(path.join(tmp, 'naive-')));
    assert.strictEqual(build(dir).ok, false, 'the naive reorder must fail to build');
  });

  it('a vendored `file:` tarball: `COPY vendor ./vendor` stays in the deps stage and the whole-context COPY stays put', async () => {
    const fixed = await buildFixBuild('vendor-tarball', {
      Dockerfile: [
        `FROM ${env.baseImage} AS deps`,
        standIn('npm', ['package.json', 'package-lock.json', 'vendor/tiny-money-1.0.0.tgz']),
        'WORKDIR /app',
        'COPY package.json package-lock.json ./',
        'COPY vendor ./vendor',
        'RUN npm ci',
        `FROM ${env.baseImage} AS app`,
        standIn('npm', ['package.json', 'vendor/tiny-money-1.0.0.tgz']),
        'WORKDIR /app',
        'COPY --from=deps /npm.ok /deps.ok',
        'COPY . .',
        'RUN npm ci',
        '',
      ].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'package.json': JSON.stringify({ name: 'a', dependencies: { 'tiny-money': 'file:vendor/tiny-money-1.0.0.tgz' } }),
      'package-lock.json': '{}',
      'vendor/tiny-money-1.0.0.tgz': 'tarball',
      'src/index.js': '',
    });
    assert.match(fixed, /COPY vendor \.\/vendor\n(RUN .*\n)?RUN --mount=type=cache,target=\/root\/\.npm npm ci/);
  });

  it('a plain project is reordered, and the reordered file builds', async () => {
    const fixed = await buildFixBuild('plain', {
      Dockerfile: [
        `FROM ${env.baseImage}`,
        standIn('npm', ['package.json', 'package-lock.json']),
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci',
        'RUN test -f index.js',
        '',
      ].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'package.json': JSON.stringify({ name: 'a', dependencies: { 'left-pad': '1.3.0' } }),
      'package-lock.json': '{}',
      '.npmrc': 'fund=false\n',
      'index.js': '',
    });
    assert.match(fixed, /COPY package\.json package-lock\.json \.npmrc \.\/\nRUN .*npm ci\nCOPY \. \./, fixed);
  });

  it('a build in the install RUN (`npm ci && npm run build`) keeps the source above it', async () => {
    const fixed = await buildFixBuild('npm-run-build', {
      Dockerfile: [
        `FROM ${env.baseImage}`,
        standIn('npm', ['package.json'], ['src/index.js']),
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci && npm run build',
        '',
      ].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'package.json': JSON.stringify({ name: 'a', scripts: { build: 'node src/index.js' } }),
      'package-lock.json': '{}',
      'src/index.js': '',
    });
    assert.ok(fixed.indexOf('COPY . .') < fixed.indexOf('npm ci'), fixed);
  });

  it('an install run in a folder the COPY creates (`cd web && npm ci`) is left alone', async () => {
    const fixed = await buildFixBuild('cd-web', {
      Dockerfile: [
        `FROM ${env.baseImage}`,
        standIn('npm', ['package.json']),
        'WORKDIR /app',
        'COPY . .',
        'RUN cd web && npm ci',
        '',
      ].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'web/package.json': '{}',
      'web/package-lock.json': '{}',
      'package.json': '{}',
    });
    assert.ok(fixed.indexOf('COPY . .') < fixed.indexOf('npm ci'), fixed);
  });
});
