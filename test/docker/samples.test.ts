import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from '../support/availability';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { fillNpmRegistry, registryHome, startNpmRegistry, type NpmRegistry } from '../support/npmRegistry';
import { buildImage, ensureNodeBaseImage, fixedCopy, lockfilePackages, NODE_BASE_IMAGE, pruneCacheMounts, repoRoot } from '../support/sampleBuild';

/**
 * The samples as users get them: each one that can be built on this machine is built for real in the
 * form the CLI's `--fix` makes of it, with real package managers, and must build from scratch and then
 * be fully cached when nothing changed. Builds reach only Debian's mirror (apt-get) and a registry on
 * 127.0.0.1 (npm), through --network=host.
 */
const SAMPLES: Record<string, { readonly excluded: string } | { readonly build: 'node' }> = {
  'node-app': { build: 'node' },
  // Honestly buildable only with Docker Hub (the python image) and PyPI (pip), neither reachable here;
  // a fake pip would prove nothing about the fixes. Its Dockerfile is still linted (test/cli).
  'python-app': { excluded: 'FROM python:3.12-slim needs Docker Hub and pip needs PyPI, neither reachable from this machine' },
};

const ROOT = repoRoot();
const CLI = path.join(ROOT, 'dist', 'cli.js');

describe('docker: the samples build for real after the CLI\'s fixes', function () {
  it('every sample is either built here or excluded with its reason', () => {
    const dirs = fs.readdirSync(path.join(ROOT, 'samples'), { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort();
    assert.deepStrictEqual(dirs, Object.keys(SAMPLES).sort(), 'a new sample needs an entry in SAMPLES');
  });

  describe('samples/node-app (Debian bookworm, apt-get, npm ci from a local registry)', function () {
    const sample = path.join(ROOT, 'samples', 'node-app');
    const storage = path.join(registryHome(), 'storage');
    const tag = `cache-advisor-sample-node-app:${process.pid}`;
    let env: DockerEnv;
    let registry: NpmRegistry | undefined;
    let dir: string;
    let fixes: string[];

    before(async function () {
      env = await requireDocker(this);
      // The first run on a machine bootstraps Debian and fills the registry (a few minutes).
      this.timeout(1_200_000);
      try {
        ensureNodeBaseImage(env.dockerCli);
        await fillNpmRegistry(storage, [sample]);
      } catch (e) {
        skipOrFail(this, `samples/node-app cannot be prepared: ${(e as Error).message}`);
      }
      registry = await startNpmRegistry({ storage, uplink: false });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-sample-node-app-'));
      fixes = fixedCopy(sample, path.join(dir, 'after'));
    });

    after(async function () {
      this.timeout(60_000);
      await registry?.stop();
      if (env) spawnSync(env.dockerCli, ['image', 'rm', '-f', tag]);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const build = (noCache: boolean) => buildImage(env.dockerCli, path.join(dir, 'after'), tag, {
      network: 'host', noCache,
      buildArgs: { BASE_IMAGE: NODE_BASE_IMAGE, npm_config_registry: registry!.url, GIT_COMMIT: 'samples-test' },
    });

    it('the CLI finds the mistakes of the "before" form and --fix fixes each of them', () => {
      const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', path.join(sample, 'Dockerfile')], { encoding: 'utf8' });
      const found = (JSON.parse(r.stdout) as Array<{ findings: Array<{ rule: string; line: number }> }>)[0].findings.map(f => `${f.rule}:${f.line}`);
      const text = fs.readFileSync(path.join(sample, 'Dockerfile'), 'utf8').split('\n');
      const line = (re: RegExp) => text.findIndex(l => re.test(l)) + 1;
      for (const expected of [
        `arg-busts-cache:${line(/^ARG GIT_COMMIT/)}`,
        `copy-before-install:${line(/^COPY \. \./)}`,
        `missing-cache-mount:${line(/apt-get install/)}`,
        `missing-cache-mount:${line(/npm ci/)}`,
      ]) assert.ok(found.includes(expected), `expected ${expected} in ${found.join(', ')}`);
      const fixed = fs.readFileSync(path.join(dir, 'after', 'Dockerfile'), 'utf8');
      assert.match(fixed, /^RUN --mount=type=cache,target=\/root\/\.npm npm ci$/m);
      assert.doesNotMatch(fixed, /npm cache clean/);
      assert.ok(fixed.indexOf('ARG GIT_COMMIT') > fixed.indexOf('RUN npm run build'), 'the commit ARG moved below the last RUN');
      assert.ok(fixed.indexOf('COPY . .') > fixed.indexOf('npm ci'), '`COPY . .` moved below the install');
      const again = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', path.join(dir, 'after', 'Dockerfile')], { encoding: 'utf8' });
      assert.deepStrictEqual((JSON.parse(again.stdout) as Array<{ findings: unknown[] }>)[0].findings, [], `after ${fixes.join('; ')}`);
    });

    it('the fixed form builds from scratch, every package coming from the registry on 127.0.0.1', async function () {
      this.timeout(600_000);
      // an empty npm cache, so npm ci must ask the registry for every tarball
      await pruneCacheMounts(env.dockerCli, env.socket, /\bnpm ci\b/);
      const seen = registry!.requests().length;
      const r = await build(true);
      assert.ok(r.executedSteps.some(s => /npm ci/.test(s)), r.executedSteps.join('\n'));
      const answered = registry!.requests().slice(seen);
      const got = new Set(answered.filter(q => q.status === 200).map(q => decodeURIComponent(q.request.replace(/^GET /, ''))));
      const wanted = lockfilePackages(sample).filter(p => !p.optional);
      assert.ok(wanted.length >= 50, `a realistic tree: ${wanted.length} packages`);
      const missing = wanted.map(p => `/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`).filter(t => !got.has(t));
      assert.deepStrictEqual(missing, [], 'tarballs npm ci did not fetch from the local registry');
      // npm ci's audit POSTs reach the same registry (which has no audit endpoint): nothing else is asked
      assert.deepStrictEqual(answered.filter(q => q.status !== 200 && !q.request.startsWith('POST /-/npm/v1/security/')), [], 'requests the registry could not answer');
      // esbuild's postinstall checked its platform binary, and the bundle it built runs
      const run = spawnSync(env.dockerCli, ['run', '--rm', '--network=none', tag, 'node', '-e',
        'const { app } = require("/app/dist/server.js"); if (typeof app !== "function") process.exit(3); console.log(require("esbuild").version)'], { encoding: 'utf8' });
      assert.strictEqual(run.status, 0, run.stderr);
      assert.match(run.stdout.trim(), /^\d+\.\d+\.\d+$/);
    });

    it('a second build with nothing changed is fully cached', async function () {
      this.timeout(300_000);
      const r = await build(false);
      assert.deepStrictEqual(r.executedSteps, []);
    });
  });
});
