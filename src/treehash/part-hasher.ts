// Hashes a part that arrives one leaf at a time (inline data records) off the calling thread:
// each leaf is copied into a slot of the pool's shared ring, one worker takes its SHA-256 while
// the worker the part's session is pinned to feeds it to the part's running linear SHA-256, in
// order. When every ring slot is in use, add() waits: memory stays flat, and a slow worker slows
// the reader instead of piling up leaves.

import { sharedHashPool, quietly, type HashPool } from './hash-pool.js';
import { DigestFolder } from './tree-hash.js';

export class PartHasher {
  private readonly session: number;
  private readonly leafDigests: Promise<Buffer>[] = [];
  private readonly updates: Promise<Buffer>[] = [];
  private finished = false;

  constructor(private readonly pool: HashPool = sharedHashPool()) {
    this.session = pool.session();
  }

  /** Adds the next leaf: 1 MiB, or less for the archive's last. The bytes are copied before this resolves. */
  async add(leaf: Uint8Array): Promise<void> {
    const slot = await this.pool.stage(leaf);
    const length = leaf.length;
    const digest = quietly(this.pool.run({ op: 'digest', slot, length }));
    const update = quietly(this.pool.run({ op: 'update', session: this.session, slot, length }, this.session));
    this.leafDigests.push(digest);
    this.updates.push(update);
    void Promise.allSettled([digest, update]).then(() => this.pool.release(slot));
  }

  /** The part's tree hash and linear SHA-256, in hex. */
  async digest(): Promise<{ treeHash: string; sha256: string }> {
    this.finished = true;
    // Pinned behind every update of the session. Should one have failed (its worker died), a
    // fresh worker would finish an empty hash, so the updates are checked first.
    const linear = quietly(this.pool.run({ op: 'final', session: this.session }, this.session));
    await Promise.all(this.updates);
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
