// A small pool of hashing worker threads shared by everything in the process. Jobs queue in
// order and go to the first idle worker, except the jobs of a session (the steps of one running
// SHA-256 must happen in order in one place), which all run on the worker the session was given:
// the one with the fewest open sessions, the first on a tie, so that parts hashed one after
// another (a pipe) keep to one worker and the others are never started. Idle workers are
// unref'd, so the pool never keeps a finished command alive.
//
// Bytes that are not in a file reach the workers in shared memory (SharedArrayBuffer), named in
// each job, never copied into a message: a leaf that already lives in shared memory is hashed
// where it is; any other is first copied into a free slot of a ring of leaf-sized slots, made on
// first use. Handing each leaf over in its own message would cost a copy, and leave garbage in
// workers that allocate so little that they seldom collect it (measured: hundreds of MB).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashWorkerMain, type HashJob, type HashReply, type SharedBytes } from './hash-worker.js';
import { AlignedBlocks } from '../fs/aligned-blocks.js';
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
  /** Sessions given to this worker and not finished yet. */
  sessions: number;
}

/** Bytes in shared memory for a job, and what to call once every job reading them has finished. */
export interface SharedLeaf {
  bytes: SharedBytes;
  release: () => void;
}

const WORKER_SOURCE = `(${hashWorkerMain.toString()})();`;

export class HashPool {
  readonly size: number;
  private readonly workerSlots: WorkerSlot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextSession = 1;
  private readonly sessionSlots = new Map<number, WorkerSlot>();
  private closed = false;
  /** Leaf-sized slots for leaves that are not in shared memory; made on first use. */
  private readonly ring: AlignedBlocks;
  /** Aborted by close(): a share() waiting for a ring slot fails. */
  private readonly closing = new AbortController();

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
    this.workerSlots = Array.from({ length: this.size }, () => ({ worker: undefined, busy: undefined, pinned: [], sessions: 0 }));
    this.ring = new AlignedBlocks(LEAF_SIZE, 2 * this.size + 2);
  }

  /**
   * One leaf (at most 1 MiB) in shared memory for `shared` jobs: the leaf itself when it lives in
   * shared memory (the caller must not change it before the jobs have finished), else a copy
   * in a free ring slot, waiting for one to free up.
   */
  async share(leaf: Uint8Array): Promise<SharedLeaf> {
    if (leaf.length > LEAF_SIZE) throw new RangeError(`a leaf is at most ${LEAF_SIZE} bytes, not ${leaf.length}`);
    if (this.closed) throw new Error('the hash pool is closed');
    if (leaf.buffer instanceof SharedArrayBuffer) return { bytes: { memory: leaf.buffer, offset: leaf.byteOffset, length: leaf.length }, release: () => {} };
    const slot = await this.ring.take(this.closing.signal);
    copyToShared(slot, 0, leaf);
    return { bytes: { memory: slot.buffer as SharedArrayBuffer, offset: slot.byteOffset, length: leaf.length }, release: () => this.ring.give(slot) };
  }

  /**
   * Runs one job and resolves with its digest bytes. With `session` (from session()), the job
   * runs on that session's worker after every job of the session before it; a `final` job ends
   * the session.
   */
  run(request: HashJobRequest, session?: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    const slot = session === undefined ? undefined : this.sessionSlots.get(session);
    if (session !== undefined && !slot) return Promise.reject(new Error(`hash session ${session} is not open`));
    if (slot && request.op === 'final') {
      this.sessionSlots.delete(session!);
      slot.sessions--;
    }
    return new Promise((resolve, reject) => {
      const pending = { job: { ...request, id: this.nextId++ } as HashJob, resolve, reject };
      if (slot) slot.pinned.push(pending);
      else this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Opens a session for one running SHA-256: `shared` jobs with it feed it, a `final` job ends it. */
  session(): number {
    const slot = this.workerSlots.reduce((best, candidate) => (candidate.sessions < best.sessions ? candidate : best));
    const session = this.nextSession++;
    slot.sessions++;
    this.sessionSlots.set(session, slot);
    return session;
  }

  /** Workers that would start a job submitted now at once: none busy or promised to one. */
  get idle(): number {
    if (this.queue.length > 0) return 0;
    return this.workerSlots.filter((slot) => !slot.busy && slot.pinned.length === 0).length;
  }

  /** Worker threads running now. */
  get running(): number {
    return this.workerSlots.filter((slot) => slot.worker).length;
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
    this.closing.abort(stopped);
    const workers = this.workerSlots.flatMap((slot) => {
      for (const pending of slot.pinned.splice(0)) pending.reject(stopped);
      const worker = slot.worker;
      slot.worker = undefined;
      slot.busy?.reject(stopped);
      slot.busy = undefined;
      return worker ? [worker] : [];
    });
    await Promise.all(
      workers.map((worker) => {
        worker.ref();
        return worker.terminate();
      }),
    );
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
    // Its garbage is a few small objects per job: a 1 MiB young generation is plenty.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    worker.on('message', (reply: HashReply) => {
      // A reply that crossed close(): the worker is being stopped and must stay referenced
      // until it has, or the process could end first.
      if (slot.worker !== worker) return;
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

/**
 * Copies `source` into shared memory at `target[at]`. Buffer.fill with a pattern as long as the
 * range is a plain memcpy; copy() and set() into shared memory take V8's atomic-safe path, byte
 * by byte when the two are not equally aligned (as chunks read from a socket seldom are): 9 times
 * slower, measured.
 */
export function copyToShared(target: Buffer, at: number, source: Uint8Array): void {
  if (source.length > 0) target.fill(source, at, at + source.length);
}

/** Marks a job's promise as handled now; it is awaited later, possibly after it has failed. */
export function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
