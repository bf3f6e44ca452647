// The code a hashing worker thread runs. It is started from this function's source text
// (`new Worker(source, { eval: true })`), not from a file, so the same code runs whether the
// caller was loaded from dist/ or from src/*.ts under a TypeScript loader. That is why the
// function is self-contained: no imports, only `require` of node built-ins.

/** Bytes a worker reads where they are: `length` bytes at `offset` of shared memory. */
export interface SharedBytes {
  memory: SharedArrayBuffer;
  offset: number;
  length: number;
}

/** Work for a hashing worker. Byte ranges are [start, end) of an open file descriptor. */
export type HashJob = { id: number } & (
  | /** The SHA-256 of each 1 MiB leaf of the range, concatenated. */ { op: 'leaves'; fd: number; start: number; end: number }
  | /** The SHA-256 of the whole range. */ { op: 'linear'; fd: number; start: number; end: number }
  | /** The same leaf digests, then the SHA-256 of the whole range, from one read of it. */ {
      op: 'leavesAndLinear';
      fd: number;
      start: number;
      end: number;
    }
  | /**
     * The SHA-256 of each 1 MiB leaf of `pieces`, bytes in shared memory (each piece whole leaves
     * but for the part's short last one), concatenated, and with `session`, the same bytes fed to
     * that session's running SHA-256 too (one read of each leaf for both).
     */ { op: 'shared'; pieces: SharedBytes[]; session?: number }
  | /** Finishes the running SHA-256 of `session`. */ { op: 'final'; session: number }
);

export type HashReply =
  | { id: number; digest: Uint8Array }
  | { id: number; error: { message: string; code?: string; bytesRead?: number } };

export function hashWorkerMain(): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { readSync } = require('node:fs') as typeof import('node:fs');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  type Hash = ReturnType<typeof createHash>;
  const LEAF = 1048576;
  // One leaf-sized buffer, reused: it stays in cache and the worker's memory stays flat.
  const buffer = Buffer.allocUnsafeSlow(LEAF);
  const sessions = new Map<number, Hash>();
  // Both hashes of a leaf take it in slices, each read twice while it is in cache.
  const SLICE = 65536;

  // Reads [start, end) leaf by leaf and hands each filled slice to `use`.
  function eachLeaf(fd: number, start: number, end: number, use: (bytes: Buffer) => void): void {
    for (let position = start; position < end; ) {
      const want = Math.min(LEAF, end - position);
      let fill = 0;
      while (fill < want) {
        const n = readSync(fd, buffer, fill, want - fill, position + fill);
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

  // The SHA-256 of one leaf, its bytes fed to `linear` too.
  function hashBoth(bytes: Buffer, linear: Hash | undefined): Buffer {
    if (!linear) return createHash('sha256').update(bytes).digest();
    const leaf = createHash('sha256');
    for (let at = 0; at < bytes.length; at += SLICE) {
      const slice = bytes.subarray(at, at + SLICE);
      leaf.update(slice);
      linear.update(slice);
    }
    return leaf.digest();
  }

  // The digest of every leaf of [start, end), concatenated, then `linear`'s of the whole range.
  function leafDigests(fd: number, start: number, end: number, linear: Hash | undefined): Buffer {
    // Replies get memory of their own: postMessage copies a view's whole ArrayBuffer, and a small
    // Buffer.allocUnsafe is a view of an 8 KiB pool.
    const digests = Buffer.allocUnsafeSlow(32 * (Math.ceil((end - start) / LEAF) + (linear ? 1 : 0)));
    let at = 0;
    eachLeaf(fd, start, end, (bytes) => {
      at += hashBoth(bytes, linear).copy(digests, at);
    });
    linear?.digest().copy(digests, at);
    return digests;
  }

  function session(id: number): Hash {
    let hash = sessions.get(id);
    if (!hash) sessions.set(id, (hash = createHash('sha256')));
    return hash;
  }

  function run(job: HashJob): Uint8Array {
    switch (job.op) {
      case 'leaves':
        return leafDigests(job.fd, job.start, job.end, undefined);
      case 'linear': {
        const linear = createHash('sha256');
        eachLeaf(job.fd, job.start, job.end, (bytes) => linear.update(bytes));
        return linear.digest();
      }
      case 'leavesAndLinear':
        return leafDigests(job.fd, job.start, job.end, createHash('sha256'));
      case 'shared': {
        const linear = job.session === undefined ? undefined : session(job.session);
        // An empty piece is one empty leaf (an empty archive's).
        const leaves = (length: number) => Math.max(1, Math.ceil(length / LEAF));
        const digests = Buffer.allocUnsafeSlow(32 * job.pieces.reduce((count, piece) => count + leaves(piece.length), 0));
        let at = 0;
        for (const { memory, offset, length } of job.pieces) {
          for (let leaf = 0; leaf < leaves(length); leaf++) {
            const from = leaf * LEAF;
            at += hashBoth(Buffer.from(memory, offset + from, Math.min(LEAF, length - from)), linear).copy(digests, at);
          }
        }
        return digests;
      }
      case 'final': {
        const digest = session(job.session).digest();
        sessions.delete(job.session);
        return digest;
      }
    }
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
