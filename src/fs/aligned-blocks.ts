// Blocks of memory that are page-aligned and shared with worker threads, kept for reuse.
// Writing with O_DIRECT needs memory aligned to the disk's block size, and a hashing worker reads
// bytes where they are only if they live in shared memory. WebAssembly memory is both: V8 maps it
// whole pages at a time. A Buffer or SharedArrayBuffer comes from malloc, at no set alignment
// (a direct write from one failed with EINVAL, measured).
//
// Free blocks are kept, up to `keepBytes`, rather than left to the garbage collector: memory that
// a virtual machine's kernel frees is soon returned to the host (free page reporting), and
// touching it again costs a fault on the host per page, measured at 2.4 CPU seconds per GiB where
// reused memory costs 0.1. Beyond that, a burst of work does not hold its memory for good.

// Typed here: the project's TypeScript libraries (ES2023, Node) leave WebAssembly out.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer };
};

/** WebAssembly memory comes in pages of 64 KiB. */
const WASM_PAGE = 64 * 1024;
/** Memory mapped at once when the pool grows. */
const MAPPING_BYTES = 8 * 1024 * 1024;

export class AlignedBlocks {
  private readonly free: Buffer[] = [];
  private live = 0;

  /** `blockSize`: a multiple of 64 KiB. */
  constructor(
    readonly blockSize: number,
    private readonly keepBytes = 64 * 1024 * 1024,
  ) {
    if (blockSize <= 0 || blockSize % WASM_PAGE !== 0) throw new RangeError(`AlignedBlocks: ${blockSize} is not a multiple of ${WASM_PAGE}`);
  }

  /** A free block (page-aligned, in shared memory); its contents are stale. */
  take(): Buffer {
    if (this.free.length === 0) this.grow();
    return this.free.pop()!;
  }

  /** Gives `block` back for reuse; nothing may still read or write it. */
  give(block: Buffer): void {
    if ((this.free.length + 1) * this.blockSize <= this.keepBytes) this.free.push(block);
    else this.live--;
  }

  /** Blocks made and not dropped, and of those the ones free now (all of them when nothing runs). */
  get counts(): { live: number; free: number } {
    return { live: this.live, free: this.free.length };
  }

  private grow(): void {
    const blocks = Math.max(1, Math.floor(MAPPING_BYTES / this.blockSize));
    const pages = (blocks * this.blockSize) / WASM_PAGE;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
    for (let i = blocks - 1; i >= 0; i--) this.free.push(Buffer.from(memory, i * this.blockSize, this.blockSize));
    this.live += blocks;
  }
}
