// Hashes a part that arrives one leaf at a time (inline data records, bodies gl-local receives)
// off the calling thread: the worker the part's session runs on takes each leaf's SHA-256 and
// feeds the leaf to the part's running linear SHA-256, in order. A leaf in shared memory is
// hashed where it is, a few leaves to a job, so the caller keeps it unchanged until digest();
// any other leaf is copied into the pool's ring, and when every ring slot is in use add() waits:
// memory stays flat, and a slow worker slows the reader instead of piling up leaves.

import { sharedHashPool, quietly, type HashPool } from './hash-pool.js';
import type { SharedBytes } from './hash-worker.js';
import { DigestFolder, LEAF_SIZE } from './tree-hash.js';

/** Leaves in shared memory handed to the worker together: fewer messages between the threads. */
const LEAVES_PER_JOB = 4;

export class PartHasher {
  private readonly session: number;
  private readonly leafDigests: Promise<Buffer>[] = [];
  /** Leaves in shared memory not yet handed to the worker. */
  private waiting: SharedBytes[] = [];
  private finished = false;

  constructor(private readonly pool: HashPool = sharedHashPool()) {
    this.session = pool.session();
  }

  /**
   * Adds the next leaf: 1 MiB, or less for the archive's last. A leaf in shared memory
   * (SharedArrayBuffer) is read in place, perhaps together with the next ones, until digest()
   * resolves; any other is copied before this resolves.
   */
  async add(leaf: Uint8Array): Promise<void> {
    if (leaf.buffer instanceof SharedArrayBuffer && leaf.length <= LEAF_SIZE) {
      this.waiting.push({ memory: leaf.buffer, offset: leaf.byteOffset, length: leaf.length });
      if (this.waiting.length === LEAVES_PER_JOB) void this.hashWaiting();
      return;
    }
    const { bytes, release } = await this.pool.share(leaf);
    this.hashWaiting();
    void this.hash([bytes]).finally(release).catch(() => {});
  }

  /**
   * Adds the next leaves, in shared memory: whole 1 MiB leaves, the last of the part may be
   * short. Does not wait: the promise settles once the worker has read them, and the caller may
   * then reuse the memory.
   */
  addShared(leaves: Uint8Array): Promise<void> {
    if (!(leaves.buffer instanceof SharedArrayBuffer)) throw new TypeError('addShared: the leaves are not in shared memory');
    this.hashWaiting();
    return this.hash([{ memory: leaves.buffer, offset: leaves.byteOffset, length: leaves.length }]).then(() => {});
  }

  private hashWaiting(): Promise<Buffer> | undefined {
    if (this.waiting.length === 0) return undefined;
    const pieces = this.waiting;
    this.waiting = [];
    return this.hash(pieces);
  }

  private hash(pieces: SharedBytes[]): Promise<Buffer> {
    const digest = quietly(this.pool.run({ op: 'shared', pieces, session: this.session }, this.session));
    this.leafDigests.push(digest);
    return digest;
  }

  /** The part's tree hash and linear SHA-256, in hex. */
  async digest(): Promise<{ treeHash: string; sha256: string }> {
    this.finished = true;
    this.hashWaiting();
    // Runs after every leaf of the session. Should one have failed (its worker died), a fresh
    // worker would finish an empty hash, so the leaves are checked first.
    const linear = quietly(this.pool.run({ op: 'final', session: this.session }, this.session));
    const folder = new DigestFolder();
    for (const digests of await Promise.all(this.leafDigests)) {
      for (let at = 0; at < digests.length; at += 32) folder.push(digests.subarray(at, at + 32));
    }
    return { treeHash: folder.digest().toString('hex'), sha256: (await linear).toString('hex') };
  }

  /** Drops the running hash in the worker when the part will never be finished. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.waiting = [];
    quietly(this.pool.run({ op: 'final', session: this.session }, this.session));
  }
}
