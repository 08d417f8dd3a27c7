import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineClient, EngineConfigError, EngineUnreachableError, parseDockerHost, resolveEndpoint } from '../../common/docker/engineApi';

function tmpHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ca-home-'));
}

function writeContext(home: string, name: string, host: string, tls = false): void {
  const digest = crypto.createHash('sha256').update(name).digest('hex');
  const dir = path.join(home, '.docker', 'contexts', 'meta', digest);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (tls) {
    const t = path.join(home, '.docker', 'contexts', 'tls', digest, 'docker');
    fs.mkdirSync(t, { recursive: true });
    fs.writeFileSync(path.join(t, 'ca.pem'), 'CA');
  }
}

describe('Docker endpoint resolution', () => {
  it('defaults to the platform socket', () => {
    const home = tmpHome();
    assert.deepStrictEqual(resolveEndpoint({ env: {}, home, platform: 'linux' }), { host: 'unix:///var/run/docker.sock', source: 'default', socketPath: '/var/run/docker.sock' });
    assert.strictEqual(resolveEndpoint({ env: {}, home, platform: 'win32' }).socketPath, '\\\\.\\pipe\\docker_engine');
  });

  it('DOCKER_HOST wins over the current context, an explicit host over both', () => {
    const home = tmpHome();
    writeContext(home, 'remote', 'tcp://10.0.0.5:2375');
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    assert.deepStrictEqual(resolveEndpoint({ env: {}, home }), { host: 'tcp://10.0.0.5:2375', source: 'context "remote"', hostname: '10.0.0.5', port: 2375, tls: undefined });
    assert.strictEqual(resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/d.sock' }, home }).socketPath, '/tmp/d.sock');
    assert.strictEqual(resolveEndpoint({ host: 'unix:///run/x.sock', env: { DOCKER_HOST: 'unix:///tmp/d.sock' }, home }).socketPath, '/run/x.sock');
  });

  it('DOCKER_CONTEXT overrides config.json; "default" means the platform socket; TLS material is read', () => {
    const home = tmpHome();
    writeContext(home, 'desktop-linux', 'unix:///Users/me/.docker/run/docker.sock');
    writeContext(home, 'secure', 'tcp://build.example:2376', true);
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'desktop-linux' }));
    assert.strictEqual(resolveEndpoint({ env: {}, home }).socketPath, '/Users/me/.docker/run/docker.sock');
    assert.strictEqual(resolveEndpoint({ env: { DOCKER_CONTEXT: 'default' }, home, platform: 'linux' }).source, 'default');
    const secure = resolveEndpoint({ env: { DOCKER_CONTEXT: 'secure' }, home });
    assert.strictEqual(secure.tls?.ca?.toString(), 'CA');
    assert.strictEqual(secure.tls?.rejectUnauthorized, true);
  });

  it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH gives https with the certificates', () => {
    const certs = tmpHome();
    fs.writeFileSync(path.join(certs, 'ca.pem'), 'C');
    const ep = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, home: tmpHome() });
    assert.deepStrictEqual([ep.hostname, ep.port, ep.tls?.ca?.toString(), ep.tls?.rejectUnauthorized], ['h', 2376, 'C', true]);
  });

  it('ssh:// hosts and contexts go through `docker system dial-stdio`', () => {
    assert.deepStrictEqual(parseDockerHost('ssh://me@box:2222', 'DOCKER_HOST'), { host: 'ssh://me@box:2222', source: 'DOCKER_HOST', dialStdio: ['-H', 'ssh://me@box:2222'] });
    const home = tmpHome();
    const digest = crypto.createHash('sha256').update('far').digest('hex');
    fs.mkdirSync(path.join(home, '.docker', 'contexts', 'meta', digest), { recursive: true });
    fs.writeFileSync(path.join(home, '.docker', 'contexts', 'meta', digest, 'meta.json'), JSON.stringify({ Name: 'far', Endpoints: { docker: { Host: 'ssh://me@far' } } }));
    const ep = resolveEndpoint({ env: { DOCKER_CONTEXT: 'far' }, home });
    assert.deepStrictEqual([ep.source, ep.dialStdio], ['context "far"', ['--context', 'far']]);
  });

  it('explains bad configuration', () => {
    const home = tmpHome();
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    assert.throws(() => resolveEndpoint({ env: {}, home }), (e: Error) => e instanceof EngineConfigError && /context "gone"/.test(e.message) && /docker context use default/.test(e.message));
    assert.throws(() => parseDockerHost('ssh://me@box/var/run/docker.sock', 'DOCKER_HOST'), (e: Error) => e instanceof EngineConfigError && /ssh:\/\/\[user@\]host\[:port\]/.test(e.message));
    assert.throws(() => parseDockerHost('docker.sock', 'setting'), /expected unix:\/\//);
  });

  it('an absent socket is an unreachable engine with a readable reason', async () => {
    const client = new EngineClient(parseDockerHost(`unix://${path.join(tmpHome(), 'none.sock')}`, 'setting'));
    await assert.rejects(client.ping(), (e: Error) => e instanceof EngineUnreachableError && /^Docker is not reachable: no socket at unix:\/\/.*none\.sock \(setting\)/.test(e.message));
  });
});
