// Leaf-sized buffers that are page-aligned and shared with worker threads, kept for reuse.
// Writing with O_DIRECT needs memory aligned to the disk's block size, and a hashing worker reads
// a leaf where it is only if the leaf lives in shared memory. WebAssembly memory is both: V8 maps
// it whole pages at a time. A Buffer or SharedArrayBuffer comes from malloc, at no set alignment
// (a direct write from one failed with EINVAL, measured).
//
// Buffers are never given back to the system: memory that a virtual machine's kernel frees is
// soon returned to the host (free page reporting), and touching it again costs a fault on the
// host per page, measured at 2.4 CPU seconds per GiB where reused memory costs 0.1.

import { LEAF_SIZE } from '../treehash/tree-hash.js';

// Typed here: the project's TypeScript libraries (ES2023, Node) leave WebAssembly out.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer };
};

/** WebAssembly memory comes in pages of 64 KiB. */
const WASM_PAGE = 64 * 1024;
/** Leaves mapped at once when the pool grows. */
const LEAVES_PER_MAPPING = 8;

export class AlignedLeaves {
  private readonly free: Buffer[] = [];
  private made = 0;

  /** A free leaf (LEAF_SIZE bytes, page-aligned, in shared memory); its contents are stale. */
  take(): Buffer {
    if (this.free.length === 0) this.grow();
    return this.free.pop()!;
  }

  /** Gives `leaf` back for reuse; nothing may still read or write it. */
  give(leaf: Buffer): void {
    this.free.push(leaf);
  }

  /** Leaves made so far, and of those the ones free now (every leaf is free when nothing runs). */
  get counts(): { made: number; free: number } {
    return { made: this.made, free: this.free.length };
  }

  private grow(): void {
    const pages = (LEAVES_PER_MAPPING * LEAF_SIZE) / WASM_PAGE;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
    for (let i = LEAVES_PER_MAPPING - 1; i >= 0; i--) this.free.push(Buffer.from(memory, i * LEAF_SIZE, LEAF_SIZE));
    this.made += LEAVES_PER_MAPPING;
  }
}

let shared: AlignedLeaves | undefined;

/** The process-wide pool. */
export function sharedAlignedLeaves(): AlignedLeaves {
  shared ??= new AlignedLeaves();
  return shared;
}
