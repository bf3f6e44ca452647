// A small pool of hashing worker threads shared by everything in the process. Jobs queue in
// order; idle workers are unref'd so the pool never keeps a finished command alive.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashWorkerMain, type HashJob, type HashReply } from './hash-worker.js';

type JobRequest = Omit<HashJob, 'id'>;

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

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
}

const WORKER_SOURCE = `(${hashWorkerMain.toString()})();`;

export class HashPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  /** Runs one job on the next free worker; resolves with its digest bytes. */
  run(request: JobRequest): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...request, id: this.nextId++ }, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts every worker now, so that they are ready when the first job comes. */
  warm(): void {
    while (this.spawn()) {
      // spawn() returns undefined once the pool is full
    }
    for (const slot of this.slots) if (!slot.busy) slot.worker.unref();
  }

  /** Stops every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the hash pool is closed'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.busy) ?? this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    // eval: the worker runs from source text, so it needs no file on disk and no loader;
    // execArgv: [] keeps a parent's TypeScript loader out of a worker that has no TypeScript.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const slot: Slot = { worker, busy: undefined };
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
    // A worker dies only on a bug or a crash, not on a bad file (jobs report those). Fail its job
    // and everything queued rather than respawn into the same fault; the next run() starts afresh.
    const fail = (err: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.busy?.reject(err);
      slot.busy = undefined;
      for (const pending of this.queue.splice(0)) pending.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a hashing worker stopped (exit status ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

let shared: HashPool | undefined;

/** The process-wide pool: one worker per available core. */
export function sharedHashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
