// A counting semaphore: room for a fixed number of parts in flight. The uploader takes a slot
// before it reads the next part, so input is read only when there is room for it.

import { WaitQueue } from '../wait-queue.js';

export class Slots {
  private free: number;
  private readonly waiting = new WaitQueue();

  constructor(count: number) {
    this.free = count;
  }

  /** Waits for a free slot; resolves with the function that gives it back (once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    // A slot given back goes straight to the longest waiter, never through `free`.
    if (this.free > 0) this.free--;
    else await this.waiting.wait(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.waiting.wakeOne()) this.free++;
    };
  }
}
