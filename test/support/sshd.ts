/**
 * A real sshd on 127.0.0.1 for the ssh:// engine tests: Debian's openssh-server with a config, a host
 * key and a user key generated for the test, started in the foreground and stopped by PID (the
 * system's ssh service is never used). The "remote" engine is this machine's own dockerd, reached
 * by `docker system dial-stdio` in the ssh session.
 *
 * The client side is the docker CLI running `ssh`: a wrapper `ssh` first on PATH adds `-F <config>`,
 * whose config names the test's key and a known_hosts holding the generated host key, with
 * StrictHostKeyChecking yes (an unknown or changed host key fails; nothing is written to ~/.ssh).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { skipOrFail } from './availability';
import { freePort } from './freePort';
import { startServerProcess } from './serverProcess';

const SSHD = '/usr/sbin/sshd';
const SSH = '/usr/bin/ssh';

export interface TestSshd {
  /** `ssh://root@127.0.0.1:PORT` (the user running the tests). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Environment for the docker CLI: PATH with the ssh wrapper first, the caller's env otherwise. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The same, with a known_hosts that holds another key for the host (a man in the middle, to ssh). */
  envWithWrongHostKey(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cache-advisor-test', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/** Starts sshd, or skips (fails with CI=true) when openssh-server or the client is not installed. */
export async function startSshd(ctx: Mocha.Context): Promise<TestSshd> {
  if (!fs.existsSync(SSHD) || !fs.existsSync(SSH)) skipOrFail(ctx, 'no sshd or ssh (apt-get install openssh-server)');
  const user = os.userInfo().username;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-sshd-'));
  const port = await freePort();
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'user_key'));
  keygen(path.join(dir, 'other_host_key'));
  fs.copyFileSync(path.join(dir, 'user_key.pub'), path.join(dir, 'authorized_keys'));
  const hostLine = (pub: string) => `[127.0.0.1]:${port} ${fs.readFileSync(path.join(dir, pub), 'utf8').trim().split(' ').slice(0, 2).join(' ')}\n`;
  fs.writeFileSync(path.join(dir, 'known_hosts'), hostLine('host_key.pub'));
  fs.writeFileSync(path.join(dir, 'wrong_known_hosts'), hostLine('other_host_key.pub'));

  fs.writeFileSync(path.join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `AllowUsers ${user}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    // the keys live in a temp folder the test owns, not under a home with strict permissions
    'StrictModes no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'LogLevel ERROR',
    '',
  ].join('\n'));
  const clientConfig = (knownHosts: string) => [
    'Host 127.0.0.1',
    `  IdentityFile ${path.join(dir, 'user_key')}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${path.join(dir, knownHosts)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  LogLevel ERROR',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'ssh_config'), clientConfig('known_hosts'));
  fs.writeFileSync(path.join(dir, 'wrong_ssh_config'), clientConfig('wrong_known_hosts'));
  for (const [bin, config] of [['bin', 'ssh_config'], ['wrong-bin', 'wrong_ssh_config']]) {
    fs.mkdirSync(path.join(dir, bin));
    fs.writeFileSync(path.join(dir, bin, 'ssh'), `#!/bin/sh\nexec ${SSH} -F ${path.join(dir, config)} "$@"\n`, { mode: 0o755 });
  }
  // sshd refuses to start without its privilege-separation directory
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const { child, stop } = await startServerProcess({
    dir, logName: 'sshd.log', command: SSHD, args: ['-D', '-e', '-f', path.join(dir, 'sshd_config')],
    ready: () => accepts(port), timeoutMs: 15_000, failure: `sshd did not start on 127.0.0.1:${port}`,
  });
  const withPath = (bin: string, base: NodeJS.ProcessEnv = process.env) => ({ ...base, PATH: `${path.join(dir, bin)}${path.delimiter}${base.PATH ?? ''}` });
  return {
    url: `ssh://${user}@127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    env: base => withPath('bin', base),
    envWithWrongHostKey: base => withPath('wrong-bin', base),
    stop,
  };
}
