/**
 * Remote engines for the Build Cache view, prune and the CLI: an `ssh://` DOCKER_HOST and a docker
 * context over ssh, reached through `docker system dial-stdio` against a real sshd on 127.0.0.1
 * (started and stopped by PID, keys and known_hosts generated for the test); and `tcp://` with TLS
 * (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) against a TLS endpoint with a generated CA. Both lead to the
 * shared engine, so what they answer is checked against what the local socket answers.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectCacheStats } from '../../common/docker/collectStats';
import { EngineClient, EngineUnreachableError } from '../../common/docker/engineApi';
import { pruneBuildCache } from '../../common/docker/prune';
import { requireDocker, type DockerEnv } from '../support/dockerd';
import { ownRecords } from '../support/ownBuildCache';
import { startSshd, type TestSshd } from '../support/sshd';
import { startTlsEngine, type TlsEngine } from '../support/tlsProxy';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'out/server/src/cli.js');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

describe('docker: remote engines (ssh:// through docker system dial-stdio, tcp:// with TLS)', function () {
  let env: DockerEnv;
  let local: EngineClient;

  before(async function () {
    env = await requireDocker(this);
    local = new EngineClient({ host: `unix://${env.socket}`, source: 'test', socketPath: env.socket });
  });

  describe('ssh://', () => {
    let sshd: TestSshd;
    let tmp: string;
    const nonce = crypto.randomBytes(6).toString('hex');

    before(async function () {
      this.timeout(60_000);
      sshd = await startSshd(this);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-remote-'));
    });

    after(async () => {
      await sshd?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const overSsh = (extra: NodeJS.ProcessEnv = {}) => EngineClient.fromEnvironment({ env: sshd.env({ ...process.env, DOCKER_HOST: sshd.url, ...extra }), home: tmp });

    it('DOCKER_HOST=ssh://… reaches the engine: the same version and images as the local socket', async function () {
      this.timeout(120_000);
      const remote = overSsh();
      assert.deepStrictEqual(remote.endpoint.dialStdio, ['-H', sshd.url]);
      assert.strictEqual(await remote.ping(), await local.ping());
      const stats = await collectCacheStats(remote, { maxImagesInspected: 16 });
      const base = spawnSync(env.dockerCli, ['image', 'inspect', '--format', '{{.Id}}', env.baseImage], { encoding: 'utf8' }).stdout.trim();
      assert.ok(JSON.stringify(stats).includes(base.replace(/^sha256:/, '').slice(0, 12)), 'the base image is listed');
      assert.ok(stats.buildCache.records.length > 0, 'build-cache records came through');
    });

    it('prune over ssh removes exactly the record asked for', async function () {
      this.timeout(120_000);
      const dir = path.join(tmp, 'ctx');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${env.baseImage}\nRUN echo "${nonce}" > /n.txt\n`);
      const since = new Date(Date.now() - 1000);
      const tag = `ca-test-remote-${nonce}:1`;
      const b = spawnSync(env.dockerCli, ['build', '--network=none', '-t', tag, dir], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
      assert.strictEqual(b.status, 0, b.stderr);
      spawnSync(env.dockerCli, ['rmi', tag], { stdio: 'ignore' });
      const [id, ...more] = await ownRecords(local, nonce, since);
      assert.ok(id && more.length === 0, `one record of this build: ${[id, ...more]}`);
      const r = await pruneBuildCache(overSsh(), { kind: 'record', id });
      assert.deepStrictEqual(r.deleted, [id]);
      assert.strictEqual((await ownRecords(local, nonce, since)).size, 0);
    });

    it('a docker context over ssh: the context\'s own endpoint, through --context', async function () {
      this.timeout(60_000);
      const config = path.join(tmp, 'docker-config');
      fs.mkdirSync(config, { recursive: true });
      const create = spawnSync('docker', ['context', 'create', `ca-ssh-${nonce}`, '--docker', `host=${sshd.url}`], { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: config } });
      assert.strictEqual(create.status, 0, create.stderr);
      const remote = EngineClient.fromEnvironment({ env: sshd.env({ PATH: process.env.PATH, DOCKER_CONFIG: config, DOCKER_CONTEXT: `ca-ssh-${nonce}` }), home: tmp });
      assert.strictEqual(remote.endpoint.source, `context "ca-ssh-${nonce}"`);
      assert.deepStrictEqual(remote.endpoint.dialStdio, ['--context', `ca-ssh-${nonce}`]);
      assert.strictEqual(await remote.ping(), await local.ping());
    });

    it('a host key that does not match known_hosts is refused, with ssh\'s reason', async function () {
      this.timeout(60_000);
      const remote = EngineClient.fromEnvironment({ host: sshd.url, env: sshd.envWithWrongHostKey({ ...process.env }), home: tmp });
      await assert.rejects(remote.ping(), (e: Error) => e instanceof EngineUnreachableError && /Host key verification failed/i.test(e.message) && e.message.includes(sshd.url));
    });

    it('the CLI: stats and a prune preview with --host ssh://…', async function () {
      this.timeout(120_000);
      const stats = await runCli(['stats', '--host', sshd.url, '--format', 'json', '--no-host-caches'], sshd.env({ ...process.env }));
      assert.strictEqual(stats.code, 0, stats.stderr);
      assert.ok(Array.isArray((JSON.parse(stats.stdout) as { buildCache?: { records?: unknown[] } }).buildCache?.records) || /"buildCache"/.test(stats.stdout), stats.stdout.slice(0, 300));
      const prune = await runCli(['prune', '--cache-mounts', '--dry-run', '--host', sshd.url, '--format', 'json'], sshd.env({ ...process.env }));
      assert.strictEqual(prune.code, 0, prune.stderr);
      assert.ok('planned' in (JSON.parse(prune.stdout) as object), prune.stdout.slice(0, 300));
    });
  });

  describe('tcp:// with TLS', () => {
    let tlsEngine: TlsEngine;

    before(async function () {
      this.timeout(60_000);
      tlsEngine = await startTlsEngine(this, env.socket);
    });

    after(async () => { await tlsEngine?.stop(); });

    it('DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: verified both ways, the same engine', async function () {
      this.timeout(120_000);
      const remote = EngineClient.fromEnvironment({ env: { DOCKER_HOST: tlsEngine.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tlsEngine.certPath }, home: os.tmpdir() });
      assert.strictEqual(remote.endpoint.tls?.rejectUnauthorized, true);
      assert.strictEqual(await remote.ping(), await local.ping());
      const df = (await remote.systemDf()) as { Images?: unknown[] };
      assert.ok(Array.isArray(df.Images));
      assert.ok(tlsEngine.relayed() > 0);
    });

    it('catches not: certificates of another CA are refused (the server is not trusted, the client not accepted)', async function () {
      this.timeout(60_000);
      const before = tlsEngine.relayed();
      const other = EngineClient.fromEnvironment({ env: { DOCKER_HOST: tlsEngine.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tlsEngine.otherCertPath }, home: os.tmpdir() });
      await assert.rejects(other.ping(), (e: Error) => e instanceof EngineUnreachableError && /certificate/i.test(e.message));
      // without verification the client goes on, but the server still wants a certificate of its CA
      const unverified = EngineClient.fromEnvironment({ env: { DOCKER_HOST: tlsEngine.host, DOCKER_TLS: '1', DOCKER_CERT_PATH: tlsEngine.otherCertPath }, home: os.tmpdir() });
      await assert.rejects(unverified.ping(), (e: Error) => e instanceof EngineUnreachableError || /socket hang up|certificate|alert/i.test(e.message));
      assert.strictEqual(tlsEngine.relayed(), before);
    });
  });
});
