// The code a hashing worker thread runs. It is started from this function's source text
// (`new Worker(source, { eval: true })`), not from a file, so the same code runs whether the
// caller was loaded from dist/ or from src/*.ts under a TypeScript loader. That is why the
// function is self-contained: no imports, only `require` of node built-ins.

/** Work a hashing worker does on a byte range [start, end) of an open file descriptor. */
export interface HashJob {
  id: number;
  /** `leaves`: the SHA-256 of each 1 MiB leaf, concatenated. `linear`: one SHA-256 of the range. */
  op: 'leaves' | 'linear';
  fd: number;
  start: number;
  end: number;
}

export type HashReply =
  | { id: number; digest: Uint8Array }
  | { id: number; error: { message: string; code?: string; bytesRead?: number } };

export function hashWorkerMain(): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { readSync } = require('node:fs') as typeof import('node:fs');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const LEAF = 1048576;
  // One leaf-sized buffer, reused: it stays in cache and the worker's memory stays flat.
  const buffer = Buffer.allocUnsafeSlow(LEAF);

  // Reads [start, end) leaf by leaf and hands each filled slice to `use`.
  function eachLeaf(job: HashJob, use: (bytes: Buffer) => void): void {
    for (let position = job.start; position < job.end; ) {
      const want = Math.min(LEAF, job.end - position);
      let fill = 0;
      while (fill < want) {
        const n = readSync(job.fd, buffer, fill, want - fill, position + fill);
        if (n === 0) {
          const err = new Error('file ended early') as Error & { code: string; bytesRead: number };
          err.code = 'SHORT_FILE';
          err.bytesRead = position + fill;
          throw err;
        }
        fill += n;
      }
      use(buffer.subarray(0, want));
      position += want;
    }
  }

  function run(job: HashJob): Uint8Array {
    if (job.op === 'linear') {
      const hash = createHash('sha256');
      eachLeaf(job, (bytes) => hash.update(bytes));
      return hash.digest();
    }
    const digests = Buffer.allocUnsafe(32 * Math.ceil((job.end - job.start) / LEAF));
    let at = 0;
    eachLeaf(job, (bytes) => {
      at += createHash('sha256').update(bytes).digest().copy(digests, at);
    });
    return digests;
  }

  parentPort!.on('message', (job: HashJob) => {
    let reply: HashReply;
    try {
      reply = { id: job.id, digest: run(job) };
    } catch (err) {
      const e = err as Error & { code?: string; bytesRead?: number };
      reply = { id: job.id, error: { message: e.message, code: e.code, bytesRead: e.bytesRead } };
    }
    parentPort!.postMessage(reply);
  });
}
