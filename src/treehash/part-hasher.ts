// Hashes a part that arrives one leaf at a time (inline data records, bodies gl-local receives)
// off the calling thread:
// the worker the part's session runs on takes each leaf's SHA-256 and feeds the leaf to the
// part's running linear SHA-256, in order. A leaf in shared memory is hashed where it is, so the
// caller keeps it unchanged until digest(); any other leaf is copied into the pool's ring, and
// when every ring slot is in use add() waits: memory stays flat, and a slow worker slows the
// reader instead of piling up leaves.

import { sharedHashPool, quietly, type HashPool } from './hash-pool.js';
import type { SharedBytes } from './hash-worker.js';
import { DigestFolder, LEAF_SIZE } from './tree-hash.js';

export class PartHasher {
  private readonly session: number;
  private readonly leafDigests: Promise<Buffer>[] = [];
  private finished = false;

  constructor(private readonly pool: HashPool = sharedHashPool()) {
    this.session = pool.session();
  }

  /**
   * Adds the next leaf: 1 MiB, or less for the archive's last. A leaf in shared memory
   * (SharedArrayBuffer) is read in place until digest() resolves; any other is copied before
   * this resolves.
   */
  async add(leaf: Uint8Array): Promise<void> {
    const { bytes, release } = await this.pool.share(leaf);
    void this.hash(bytes).finally(release).catch(() => {});
  }

  /**
   * Adds the next leaf, which must be in shared memory, without waiting: the promise settles
   * once the worker has read it, and the caller may then reuse the memory.
   */
  addShared(leaf: Uint8Array): Promise<void> {
    if (!(leaf.buffer instanceof SharedArrayBuffer)) throw new TypeError('addShared: the leaf is not in shared memory');
    if (leaf.length > LEAF_SIZE) throw new RangeError(`a leaf is at most ${LEAF_SIZE} bytes, not ${leaf.length}`);
    return this.hash({ memory: leaf.buffer, offset: leaf.byteOffset, length: leaf.length }).then(() => {});
  }

  private hash(bytes: SharedBytes): Promise<Buffer> {
    const digest = quietly(this.pool.run({ op: 'leaf', bytes, session: this.session }, this.session));
    this.leafDigests.push(digest);
    return digest;
  }

  /** The part's tree hash and linear SHA-256, in hex. */
  async digest(): Promise<{ treeHash: string; sha256: string }> {
    this.finished = true;
    // Runs after every leaf of the session. Should one have failed (its worker died), a fresh
    // worker would finish an empty hash, so the leaves are checked first.
    const linear = quietly(this.pool.run({ op: 'final', session: this.session }, this.session));
    const folder = new DigestFolder();
    for (const leaf of await Promise.all(this.leafDigests)) folder.push(leaf);
    return { treeHash: folder.digest().toString('hex'), sha256: (await linear).toString('hex') };
  }

  /** Drops the running hash in the worker when the part will never be finished. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    quietly(this.pool.run({ op: 'final', session: this.session }, this.session));
  }
}
