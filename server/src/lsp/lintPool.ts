/**
 * Runs document analysis in a worker thread (lintWorker.ts) so the server stays responsive.
 * One worker, restarted if it dies; requests carry ids; a pending request fails when the worker dies.
 * Requests wait here, not in the worker, so a request for an older version of a document that has
 * not started yet is dropped when one for a newer version arrives: a burst of edits never leaves the
 * worker a queue of stale analyses to get through.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { WorkerRequest, WorkerResponse } from './lintWorker';
import type { WorkspaceFacts } from '../rules/types';
import { FactsSender, type WireFacts } from './workerFacts';

/**
 * Documents above this size are analysed off the main thread. Measured (generated multi-stage
 * Dockerfiles, one core): lint takes about 2 ms per 1,000 characters, hover/lens models about as
 * much, and fix-all several times that, so at 32,000 characters the main thread blocks under
 * 100 ms per edit; the worker's round trip (copying the text) is a few ms, so smaller files stay here.
 */
export const LARGE_DOCUMENT_CHARS = 32_000;

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** A request as callers give it: workspace facts as they are (the pool sends them, see workerFacts.ts). */
type WithFacts<R> = R extends { workspace: WireFacts } ? Omit<R, 'workspace'> & { workspace: WorkspaceFacts } : R;
type Request = WithFacts<DistributiveOmit<WorkerRequest, 'id'>>;

/** The request was dropped before it ran: a newer version of its document was asked for. */
export class SupersededError extends Error {
  constructor(uri: string, version: number) {
    super(`analysis of ${uri} version ${version} superseded by a newer version`);
  }
}

interface Queued { id: number; req: Request; resolve: (v: unknown) => void; reject: (e: Error) => void; resent?: boolean }

export class LintPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private running: Queued | undefined;
  private readonly facts = new FactsSender();

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

  run<T>(req: Request): Promise<T> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i];
      if (q.req.uri === req.uri && q.req.version < req.version) {
        this.queue.splice(i, 1);
        q.reject(new SupersededError(q.req.uri, q.req.version));
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Requests not yet finished (running or waiting). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.running = next;
    this.post(next, false);
  }

  /** `resend`: the worker no longer had some of the workspace facts named by number; send them whole. */
  private post(q: Queued, resend: boolean): void {
    const worker = this.ensure();
    const req = q.req;
    const wire = 'workspace' in req ? { ...req, workspace: this.facts.encode(req.workspace, resend) } : req;
    worker.postMessage({ ...wire, id: q.id } as WorkerRequest);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    this.facts.reset();
    worker.on('message', (res: WorkerResponse) => {
      const r = this.running;
      if (!r || r.id !== res.id) return;
      if (!res.ok && res.missingFacts && !r.resent) {
        r.resent = true;
        this.post(r, true);
        return;
      }
      this.running = undefined;
      if (res.ok) r.resolve(res.value);
      else r.reject(new Error(res.error));
      this.pump();
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const r = this.running;
      this.running = undefined;
      r?.reject(err);
      // the requests still waiting get a fresh worker
      this.pump();
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
    for (const q of this.queue.splice(0)) q.reject(new Error('analysis worker stopped'));
    this.running?.reject(new Error('analysis worker stopped'));
    this.running = undefined;
    if (w) await w.terminate();
  }
}
