/**
 * A TLS endpoint for the shared Docker engine, as dockerd's `--tlsverify -H tcp://…` would offer one:
 * a CA, a server certificate for 127.0.0.1 and a client certificate generated with openssl for the
 * test, and a TLS server on a free loopback port that demands a client certificate signed by that CA
 * and relays each connection to the engine's unix socket. The second dockerd this avoids would need
 * its own data root, bridge and iptables settings; the relay shares the running engine instead.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { skipOrFail } from './availability';
import { freePort } from './freePort';

export interface TlsEngine {
  /** `tcp://127.0.0.1:PORT` */
  readonly host: string;
  /** ca.pem, cert.pem, key.pem for the client (DOCKER_CERT_PATH). */
  readonly certPath: string;
  /** ca.pem, cert.pem, key.pem of another CA: the server rejects that client and the client that server. */
  readonly otherCertPath: string;
  /** Connections relayed so far (TLS handshakes that succeeded). */
  relayed(): number;
  stop(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA and, signed by it, a server certificate for 127.0.0.1 and a client certificate, in `dir`. */
function makeCerts(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const days = ['-days', '2'];
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', ...days, '-subj', '/CN=cache-advisor test CA'], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', '127.0.0.1'], ['client', 'cache-advisor test client']]) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}-cert.pem`, ...days, '-extfile', `${name}.ext`], dir);
  }
  // DOCKER_CERT_PATH's names for the client side
  fs.copyFileSync(path.join(dir, 'client-cert.pem'), path.join(dir, 'cert.pem'));
  fs.copyFileSync(path.join(dir, 'client-key.pem'), path.join(dir, 'key.pem'));
}

export async function startTlsEngine(ctx: Mocha.Context, socket: string): Promise<TlsEngine> {
  if (spawnSync('openssl', ['version']).status !== 0) skipOrFail(ctx, 'no openssl (apt-get install openssl)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-tls-'));
  const certPath = path.join(dir, 'client');
  const otherCertPath = path.join(dir, 'other');
  makeCerts(certPath);
  makeCerts(otherCertPath);
  const read = (f: string) => fs.readFileSync(path.join(certPath, f));
  let relayed = 0;
  const open = new Set<net.Socket>();
  const server = tls.createServer({ key: read('server-key.pem'), cert: read('server-cert.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, client => {
    relayed++;
    const engine = net.connect(socket);
    open.add(client).add(engine);
    client.pipe(engine).pipe(client);
    const close = () => { client.destroy(); engine.destroy(); open.delete(client); open.delete(engine); };
    client.on('error', close).on('close', close);
    engine.on('error', close).on('close', close);
  });
  server.on('tlsClientError', () => { /* a rejected client: the test expects some */ });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return {
    host: `tcp://127.0.0.1:${port}`,
    certPath,
    otherCertPath,
    relayed: () => relayed,
    stop: async () => {
      for (const s of open) s.destroy();
      await new Promise(resolve => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
