/**
 * Runs large-document analysis in a worker thread (lintWorker.ts) so the server stays responsive.
 * One worker, restarted if it dies; requests carry ids; a pending request fails when the worker dies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { WorkerRequest, WorkerResponse } from './lintWorker';

/** Documents above this size are analysed off the main thread. */
export const LARGE_DOCUMENT_CHARS = 200_000;

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class LintPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly script = LintPool.defaultScript()) {}

  /**
   * The compiled lintWorker.js next to this file (tsc output), or else this very file: in the bundle,
   * dist/server.js is both the server and the worker (server/src/main.ts picks the role).
   */
  static defaultScript(): string {
    const compiled = path.join(__dirname, 'lintWorker.js');
    return fs.existsSync(compiled) ? compiled : __filename;
  }

  static available(script = LintPool.defaultScript()): boolean {
    return fs.existsSync(script);
  }

  run<T>(req: DistributiveOmit<WorkerRequest, 'id'>): Promise<T> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id });
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (res: WorkerResponse) => {
      const w = this.waiting.get(res.id);
      if (!w) return;
      this.waiting.delete(res.id);
      if (res.ok) w.resolve(res.value);
      else w.reject(new Error(res.error));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', code => fail(new Error(`analysis worker exited (${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
