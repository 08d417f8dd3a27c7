/**
 * A server a test starts for itself (docker-registry, sshd …): spawned with its output in a log file
 * in the test's own folder, waited for until it answers, stopped by its PID, folder removed. If it
 * exits or does not answer in time, it is stopped and the error quotes the end of its log.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Stop it (SIGTERM to its PID, up to 10 s) and remove its folder. */
  stop(): Promise<void>;
}

export async function startServerProcess(o: {
  /** The test's own folder: the log goes here, and it is removed on stop. */
  readonly dir: string;
  readonly logName: string;
  readonly command: string;
  readonly args: readonly string[];
  /** True once the server answers. */
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs: number;
  /** The error's start when it does not come up: "sshd did not start on …". */
  readonly failure: string;
}): Promise<ServerProcess> {
  const logFile = path.join(o.dir, o.logName);
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(o.command, [...o.args], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise(resolve => { child.once('exit', resolve); setTimeout(resolve, 10_000); });
    }
    fs.rmSync(o.dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + o.timeoutMs;
  while (!(await o.ready())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const said = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(`${o.failure}: ${said}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { child, logFile, stop };
}
