// A fixed number of equal blocks of memory, page-aligned and shared with worker threads, lent out
// and given back (gl-local's receive blocks, the hashing pool's ring of leaf slots). Writing with O_DIRECT needs memory aligned to the disk's block size, and a
// hashing worker reads bytes where they are only if they live in shared memory. WebAssembly
// memory is both: V8 maps it whole pages at a time. A Buffer or SharedArrayBuffer comes from
// malloc, at no set alignment (a direct write from one failed with EINVAL, measured).
//
// The memory is mapped once, when the first block is taken, and kept: memory that a virtual
// machine's kernel frees is soon returned to the host (free page reporting), and touching it
// again costs a fault on the host per page, measured at 2.4 CPU seconds per GiB where reused
// memory costs 0.1. Blocks are carved from it as they are first needed, so pages no one has used
// are never touched. When every block is lent out, take() waits.

import { WaitQueue } from '../wait-queue.js';

// Typed here: the project's TypeScript libraries (ES2023, Node) leave WebAssembly out.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer };
};

/** WebAssembly memory comes in pages of 64 KiB. */
const WASM_PAGE = 64 * 1024;

export class AlignedBlocks {
  private memory: SharedArrayBuffer | undefined;
  /** False when the memory could not be page-aligned: direct writes from it would be refused. */
  private pageAligned = true;
  private made = 0;
  private readonly free: Buffer[] = [];
  private readonly waiting = new WaitQueue();

  /** `blockSize`: a multiple of 64 KiB. */
  constructor(
    readonly blockSize: number,
    readonly count: number,
  ) {
    if (blockSize <= 0 || blockSize % WASM_PAGE !== 0) throw new RangeError(`AlignedBlocks: ${blockSize} is not a multiple of ${WASM_PAGE}`);
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`AlignedBlocks: ${count} blocks`);
  }

  /**
   * A free block (shared memory, page-aligned if `aligned`); its contents are stale. Waits while
   * every block is lent out; rejects with the signal's reason if it aborts first.
   */
  async take(signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      const block = this.free.pop() ?? this.carve();
      if (block) return block;
      await this.waiting.wait(signal);
    }
  }

  /** Gives `block` back; nothing may still read or write it. */
  give(block: Buffer): void {
    this.free.push(block);
    this.waiting.wakeOne();
  }

  /** Whether the blocks are page-aligned (false only where WebAssembly memory could not be had). */
  get aligned(): boolean {
    this.map();
    return this.pageAligned;
  }

  /** Blocks carved so far, and of those the ones free now (all of them when nothing runs). */
  get counts(): { made: number; free: number } {
    return { made: this.made, free: this.free.length };
  }

  private carve(): Buffer | undefined {
    if (this.made === this.count) return undefined;
    return Buffer.from(this.map(), this.made++ * this.blockSize, this.blockSize);
  }

  private map(): SharedArrayBuffer {
    if (this.memory) return this.memory;
    const bytes = this.blockSize * this.count;
    try {
      const pages = bytes / WASM_PAGE;
      this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
    } catch {
      // V8 reserves gigabytes of address space around WebAssembly memory: a limit on virtual
      // memory (ulimit -v) refuses it. Unaligned shared memory still serves, without direct writes.
      this.memory = new SharedArrayBuffer(bytes);
      this.pageAligned = false;
    }
    return this.memory;
  }
}
