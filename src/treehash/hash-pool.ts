// A small pool of hashing worker threads shared by everything in the process. Jobs queue in
// order and go to the first idle worker, except jobs pinned to one worker (the steps of one
// running SHA-256 must happen in order in one place). Idle workers are unref'd, so the pool
// never keeps a finished command alive.
//
// Bytes that are not in a file reach the workers through a ring of leaf-sized slots in one
// SharedArrayBuffer, made once: the caller copies a leaf into a free slot and names the slot in
// its jobs. Handing each leaf over in its own message would cost a copy too, and leave garbage
// in workers that allocate so little that they seldom collect it (measured: hundreds of MB).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashWorkerMain, type HashJob, type HashReply } from './hash-worker.js';
import { LEAF_SIZE } from './tree-hash.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type HashJobRequest = DistributiveOmit<HashJob, 'id'>;

export class HashJobError extends Error {
  readonly code: string | undefined;
  readonly bytesRead: number | undefined;

  constructor(message: string, code?: string, bytesRead?: number) {
    super(message);
    this.name = 'HashJobError';
    this.code = code;
    this.bytesRead = bytesRead;
  }
}

interface Pending {
  job: HashJob;
  resolve: (digest: Buffer) => void;
  reject: (err: Error) => void;
}

interface WorkerSlot {
  worker: Worker | undefined;
  busy: Pending | undefined;
  /** Jobs that must run on this worker, in order. */
  pinned: Pending[];
}

const WORKER_SOURCE = `(${hashWorkerMain.toString()})();`;

export class HashPool {
  readonly size: number;
  private readonly workerSlots: WorkerSlot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextSession = 1;
  private closed = false;
  private readonly ring: SharedArrayBuffer;
  private readonly freeRingSlots: number[];
  private readonly ringWaiters: { resolve: (slot: number) => void; reject: (err: Error) => void }[] = [];

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
    this.workerSlots = Array.from({ length: this.size }, () => ({ worker: undefined, busy: undefined, pinned: [] }));
    const ringSlots = 2 * this.size + 2;
    this.ring = new SharedArrayBuffer(ringSlots * LEAF_SIZE);
    this.freeRingSlots = Array.from({ length: ringSlots }, (_, slot) => slot);
  }

  /** Copies one leaf (at most 1 MiB) into a free ring slot, waiting for one to free up. */
  async stage(leaf: Uint8Array): Promise<number> {
    if (leaf.length > LEAF_SIZE) throw new RangeError(`a ring slot holds one leaf (${LEAF_SIZE} bytes), not ${leaf.length}`);
    if (this.closed) throw new Error('the hash pool is closed');
    const slot = this.freeRingSlots.pop() ?? (await new Promise<number>((resolve, reject) => this.ringWaiters.push({ resolve, reject })));
    new Uint8Array(this.ring, slot * LEAF_SIZE, leaf.length).set(leaf);
    return slot;
  }

  /** Gives a ring slot back once every job that reads it has finished. */
  release(slot: number): void {
    const waiter = this.ringWaiters.shift();
    if (waiter) waiter.resolve(slot);
    else this.freeRingSlots.push(slot);
  }

  /**
   * Runs one job and resolves with its digest bytes. With `pin`, the job runs on worker
   * `pin % size` after every job pinned there before it.
   */
  run(request: HashJobRequest, pin?: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    return new Promise((resolve, reject) => {
      const pending = { job: { ...request, id: this.nextId++ } as HashJob, resolve, reject };
      if (pin === undefined) this.queue.push(pending);
      else this.workerSlots[pin % this.size].pinned.push(pending);
      this.dispatch();
    });
  }

  /** A fresh session number for `update`/`final` jobs; pin them with the same number. */
  session(): number {
    return this.nextSession++;
  }

  /** Starts every worker now, so that they are ready when the first job comes. */
  warm(): void {
    for (const slot of this.workerSlots) {
      if (slot.worker || this.closed) continue;
      slot.worker = this.spawn(slot);
      slot.worker.unref();
    }
  }

  /** Stops every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new Error('the hash pool is closed');
    for (const pending of this.queue.splice(0)) pending.reject(stopped);
    for (const waiter of this.ringWaiters.splice(0)) waiter.reject(stopped);
    const workers = this.workerSlots.flatMap((slot) => {
      for (const pending of slot.pinned.splice(0)) pending.reject(stopped);
      const worker = slot.worker;
      slot.worker = undefined;
      slot.busy?.reject(stopped);
      slot.busy = undefined;
      return worker ? [worker] : [];
    });
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.workerSlots) {
      if (slot.busy) continue;
      const next = slot.pinned.shift() ?? this.queue.shift();
      if (!next) continue;
      slot.worker ??= this.spawn(slot);
      slot.busy = next;
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  private spawn(slot: WorkerSlot): Worker {
    // eval: the worker runs from source text, so it needs no file on disk and no loader;
    // execArgv: [] keeps a parent's TypeScript loader out of a worker that has no TypeScript.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ring: this.ring } });
    worker.on('message', (reply: HashReply) => {
      const pending = slot.busy;
      slot.busy = undefined;
      worker.unref();
      if (pending && pending.job.id === reply.id) {
        if ('error' in reply) pending.reject(new HashJobError(reply.error.message, reply.error.code, reply.error.bytesRead));
        else pending.resolve(Buffer.from(reply.digest.buffer, reply.digest.byteOffset, reply.digest.byteLength));
      }
      this.dispatch();
    });
    // A worker dies only on a bug or a crash, not on a bad file (jobs report those). Fail its
    // job, its pinned jobs (their running hash is gone) and the queue rather than respawn into
    // the same fault; the next run() starts a fresh worker.
    const fail = (err: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.busy?.reject(err);
      slot.busy = undefined;
      for (const pending of [...slot.pinned.splice(0), ...this.queue.splice(0)]) pending.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a hashing worker stopped (exit status ${code})`)));
    return worker;
  }
}

let shared: HashPool | undefined;

/** The process-wide pool: one worker per available core. */
export function sharedHashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}

/** Marks a job's promise as handled now; it is awaited later, possibly after it has failed. */
export function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
