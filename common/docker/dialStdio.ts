/**
 * An Engine API connection through `docker system dial-stdio`, the way the docker CLI itself reaches
 * `ssh://` hosts and contexts: the CLI runs ssh (with the user's ssh config, agent and known_hosts)
 * and relays the remote engine's socket over its stdin/stdout. Node's HTTP client speaks over that pipe
 * as over a socket. No ssh library, no native add-on: nothing the bundles cannot carry.
 */
import { spawn, type ChildProcess } from 'child_process';
import { Duplex } from 'stream';

export interface DialStdioOptions {
  /** The docker CLI (default: `docker` on PATH). */
  readonly dockerPath?: string;
  /** Arguments selecting the engine: `['-H', 'ssh://user@host']` or `['--context', 'name']`. */
  readonly target: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** The command line run for a connection (argument vector, no shell). */
export function dialStdioCommand(o: DialStdioOptions): { command: string; args: string[] } {
  return { command: o.dockerPath?.trim() || 'docker', args: [...o.target, 'system', 'dial-stdio'] };
}

/**
 * One connection: a Duplex over a `docker … system dial-stdio` process. Closing it ends the process's
 * stdin (dial-stdio then exits); destroying it also kills the process. What the process printed on
 * stderr becomes the error when it exits before answering (an ssh failure, an unknown context).
 */
export class DialStdioSocket extends Duplex {
  private readonly child: ChildProcess;
  private stderr = '';
  private gotData = false;
  private idle?: NodeJS.Timeout;
  private idleMs = 0;
  private idleFn?: () => void;

  constructor(o: DialStdioOptions) {
    super({ allowHalfOpen: false });
    const { command, args } = dialStdioCommand(o);
    this.child = spawn(command, args, { env: o.env ?? process.env, shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.gotData = true;
      this.touch();
      if (!this.push(d)) this.child.stdout!.pause();
    });
    this.child.stderr!.on('data', (d: Buffer) => { if (this.stderr.length < 8192) this.stderr += d.toString('utf8'); });
    this.child.stdin!.on('error', () => { /* the process went away; its exit says why */ });
    this.child.on('error', (e: NodeJS.ErrnoException) => this.destroy(Object.assign(new Error(`cannot run ${command}: ${e.message}`), { code: 'EDIALSTDIO' })));
    // the end of the stream waits for the exit: a process that failed before answering (ssh refused
    // the host key, an unknown context) is an error with its reason, not a connection that hung up
    this.child.on('close', code => {
      if (this.destroyed) return;
      if (code !== 0 && !this.gotData) {
        const said = this.stderr.trim().split('\n').map(l => l.trim()).filter(Boolean).pop();
        this.destroy(Object.assign(new Error(`${command} ${args.join(' ')} exited with ${code}${said ? `: ${said}` : ''}`), { code: 'EDIALSTDIO' }));
      } else this.push(null);
    });
    // net.Socket emits 'connect'; the HTTP client waits for nothing more than being able to write
    queueMicrotask(() => this.emit('connect'));
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.touch();
    this.child.stdin!.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin!.end(cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearTimeout(this.idle);
    this.child.stdin?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // give dial-stdio a moment to close its ssh session cleanly, then make sure it is gone
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      kill.unref();
      this.child.once('exit', () => clearTimeout(kill));
      this.child.kill('SIGTERM');
    }
    cb(err);
  }

  /** net.Socket's idle timeout, which the HTTP client sets for its request timeout. */
  setTimeout(ms: number, fn?: () => void): this {
    this.idleMs = ms;
    if (fn) this.once('timeout', fn);
    this.idleFn = () => this.emit('timeout');
    this.touch();
    return this;
  }

  private touch(): void {
    clearTimeout(this.idle);
    if (this.idleMs > 0 && this.idleFn) {
      this.idle = setTimeout(this.idleFn, this.idleMs);
      this.idle.unref();
    }
  }

  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }

  /** An idle kept-alive connection must not keep the process alive (the HTTP agent unrefs free sockets). */
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
    return this;
  }
}
