/**
 * The npm package as a user gets it: `npm pack`, a global install of the tarball into a scratch
 * prefix with npm offline (the bundles are self-contained, so nothing may need the registry), then
 * both binaries run through their bin links and shebangs.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TestClient } from '../support/lspClient';
import { cleanNpmEnv, packProject } from '../support/npmEnv';

const ROOT = path.resolve(__dirname, '../../..');
const BAD = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n';

describe('npm package: CLI and language server installed from the tarball', function () {
  this.timeout(120_000);
  let tmp: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  let packed: { tarball: string; files: string[] };
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const bin = (name: string) => path.join(prefix, 'bin', name);

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-npm-'));
    prefix = path.join(tmp, 'prefix');
    // node first on PATH: the bins start through `#!/usr/bin/env node`
    env = cleanNpmEnv({ PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, npm_config_cache: path.join(tmp, 'cache') });
    packed = packProject(ROOT, tmp, env);
    execFileSync('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, packed.tarball], { env, encoding: 'utf8', stdio: 'pipe' });
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('holds the two bundles, the host-cache worker and the always-included files, nothing else', () => {
    assert.deepStrictEqual([...packed.files].sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/hostCacheWorker.js', 'dist/server.js', 'package.json']);
  });

  it('has no runtime dependencies: the install brings nothing but the package', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'dockerfile-cache-advisor');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.strictEqual(manifest.dependencies, undefined);
    assert.strictEqual(manifest.private, undefined);
    assert.ok(!fs.existsSync(path.join(installed, 'node_modules')));
    assert.deepStrictEqual(fs.readdirSync(path.join(prefix, 'lib', 'node_modules')), ['dockerfile-cache-advisor']);
  });

  it('dockerfile-cache-advisor --version and dockerfile-cache-advisor-ls --version print the package version', () => {
    for (const name of ['dockerfile-cache-advisor', 'dockerfile-cache-advisor-ls']) {
      const r = spawnSync(bin(name), ['--version'], { env, encoding: 'utf8', timeout: 20_000 });
      assert.strictEqual(r.status, 0, `${name}: ${r.stderr}`);
      assert.strictEqual(r.stdout, `${version}\n`);
    }
  });

  it('lints a Dockerfile with JSON output', () => {
    const dir = path.join(tmp, 'project');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    const r = spawnSync(bin('dockerfile-cache-advisor'), ['lint', '--format', 'json', 'Dockerfile'], { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    assert.strictEqual(r.status, 1, r.stderr);
    const [report] = JSON.parse(r.stdout);
    assert.strictEqual(report.file, 'Dockerfile');
    assert.deepStrictEqual(report.findings.map((f: { line: number; rule: string }) => `${f.line}:${f.rule}`), ['3:copy-before-install', '4:missing-cache-mount', '4:pip-no-cache-dir']);
  });

  it('dockerfile-cache-advisor-ls --stdio answers initialize and publishes diagnostics', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'ls-'));
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
    // the installed bin link, run by node (TestClient's way); the shebang is covered by --version above
    const client = new TestClient(['--stdio'], [], {}, bin('dockerfile-cache-advisor-ls'));
    try {
      const init = (await client.initialize()) as { serverInfo: { name: string } };
      assert.strictEqual(init.serverInfo.name, 'dockerfile-cache-advisor-ls');
      const { diagnostics } = await client.open(uri, BAD);
      assert.deepStrictEqual(diagnostics.map(d => `${d.range.start.line + 1}:${d.code}`).sort(), ['3:copy-before-install', '4:missing-cache-mount', '4:pip-no-cache-dir']);
    } finally {
      await client.stop();
    }
  });
});
