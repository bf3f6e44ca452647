// The SHA-256 tree hash Glacier puts on every upload and download (1 MiB leaves, pairs combined
// left to right, an odd node carried up unchanged). This is the single-threaded core; it keeps
// O(log n) digests whatever the input size.

import { createHash, type Hash } from 'node:crypto';

export const LEAF_SIZE = 1024 * 1024;

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function pair(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(left).update(right).digest();
}

/**
 * Combines digests taken as leaves, in order: the tree above 1 MiB leaf hashes, or the archive
 * hash above part tree hashes (every part spans a power-of-two run of leaves, so it is a subtree).
 */
export function combineDigests(digests: readonly Buffer[]): Buffer {
  if (digests.length === 0) throw new RangeError('a tree hash needs at least one leaf');
  let level = digests.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(pair(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** Hex form of combineDigests over hex part hashes. */
export function combineTreeHashes(hexDigests: readonly string[]): string {
  return combineDigests(hexDigests.map((hex) => Buffer.from(hex, 'hex'))).toString('hex');
}

/**
 * Folds leaf digests as they arrive. The level-by-level tree with odd carry-up is the same tree
 * as "largest power of two on the left", so a stack of complete subtrees is enough.
 */
export class DigestFolder {
  private readonly stack: { height: number; digest: Buffer }[] = [];
  private count = 0;

  push(leaf: Buffer): void {
    let node = { height: 0, digest: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].height === node.height) {
      const left = this.stack.pop()!;
      node = { height: node.height + 1, digest: pair(left.digest, node.digest) };
    }
    this.stack.push(node);
    this.count++;
  }

  get leaves(): number {
    return this.count;
  }

  digest(): Buffer {
    if (this.stack.length === 0) throw new RangeError('a tree hash needs at least one leaf');
    let acc = this.stack[this.stack.length - 1].digest;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = pair(this.stack[i].digest, acc);
    return acc;
  }
}

export interface TreeHasherOptions {
  /** Also keep the linear SHA-256 (the default). Off when only the tree hash is wanted: half the work. */
  linear?: boolean;
}

/** Streaming tree hash and linear SHA-256 over any chunking of the input. */
export class TreeHasher {
  private readonly folder = new DigestFolder();
  private readonly linear: Hash | undefined;
  private leaf: Hash = createHash('sha256');
  private leafFill = 0;
  private total = 0;

  constructor(options: TreeHasherOptions = {}) {
    this.linear = options.linear === false ? undefined : createHash('sha256');
  }

  update(chunk: Uint8Array): this {
    this.linear?.update(chunk);
    this.total += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(LEAF_SIZE - this.leafFill, chunk.length - offset);
      this.leaf.update(take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.leafFill += take;
      offset += take;
      if (this.leafFill === LEAF_SIZE) {
        this.folder.push(this.leaf.digest());
        this.leaf = createHash('sha256');
        this.leafFill = 0;
      }
    }
    return this;
  }

  get size(): number {
    return this.total;
  }

  /** The raw 32-byte tree hash. An empty input hashes as one empty leaf, as botocore does. */
  treeDigest(): Buffer {
    if (this.leafFill > 0 || this.folder.leaves === 0) {
      this.folder.push(this.leaf.digest());
      this.leafFill = 0;
    }
    return this.folder.digest();
  }

  /** Tree hash and linear hash in hex. */
  digest(): { treeHash: string; sha256: string } {
    if (!this.linear) throw new Error('this TreeHasher was made with { linear: false }');
    return { treeHash: this.treeDigest().toString('hex'), sha256: this.linear.digest('hex') };
  }
}

export function treeHash(data: Uint8Array): string {
  return new TreeHasher({ linear: false }).update(data).treeDigest().toString('hex');
}

/**
 * True when the inclusive byte range [start, end] of an archive of `size` bytes is a node of the
 * archive's tree, so its tree hash can be compared with the archive's (glacier-api.md §4.4).
 */
export function isTreeHashAligned(start: number, end: number, size: number): boolean {
  if (start < 0 || end < start || end >= size || start % LEAF_SIZE !== 0) return false;
  const firstLeaf = start / LEAF_SIZE;
  for (let span = 1; firstLeaf % span === 0; span *= 2) {
    const stop = Math.min((firstLeaf + span) * LEAF_SIZE, size);
    if (end + 1 === stop) return true;
    if (stop === size) return false;
  }
  return false;
}
