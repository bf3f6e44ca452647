// One gate every request of a process passes through, so that throttling slows the whole client
// and not just the request that was told to slow down. It caps how many requests run at once
// and, when the service throttles, halves that cap and holds every request back for a while
// (growing with each throttle in a row); successes raise the cap again by one at a time.

import { setTimeout as sleep } from 'node:timers/promises';
import { WaitQueue } from '../wait-queue.js';

export interface ThrottleGateOptions {
  /** First pause after a throttle; it doubles with every throttle in a row (default 500 ms). */
  pauseMs?: number;
  /** The longest pause (default 30 s). */
  maxPauseMs?: number;
}

export class ThrottleGate {
  /** How many requests may run now: between 1 and maxConcurrency. */
  private limit: number;
  private active = 0;
  private pausedUntil = 0;
  private throttlesInARow = 0;
  private successesSinceChange = 0;
  private readonly waiting = new WaitQueue();
  private readonly pauseMs: number;
  private readonly maxPauseMs: number;

  constructor(
    readonly maxConcurrency: number,
    options: ThrottleGateOptions = {},
  ) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError(`ThrottleGate: bad concurrency ${maxConcurrency}`);
    this.limit = maxConcurrency;
    this.pauseMs = options.pauseMs ?? 500;
    this.maxPauseMs = options.maxPauseMs ?? 30_000;
  }

  /** Requests allowed at once right now. */
  get concurrency(): number {
    return this.limit;
  }

  /** Waits for a turn; call the returned function when the request is over. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) {
        await sleep(pause, undefined, { signal });
        continue;
      }
      if (this.active < this.limit) {
        this.active++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.active--;
          this.waiting.wakeOne();
        };
      }
      await this.waiting.wait(signal);
    }
  }

  /** The service said to slow down: fewer requests at once, and a pause for everyone. */
  throttled(): void {
    this.throttlesInARow++;
    this.successesSinceChange = 0;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    const pause = Math.min(this.maxPauseMs, this.pauseMs * 2 ** (this.throttlesInARow - 1));
    // Jitter, so that clients throttled together do not come back together.
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause * (0.5 + Math.random() / 2));
  }

  /** A request went through: after `limit` successes in a row, one more request may run at once. */
  succeeded(): void {
    this.throttlesInARow = 0;
    if (this.limit >= this.maxConcurrency) return;
    if (++this.successesSinceChange >= this.limit) {
      this.limit++;
      this.successesSinceChange = 0;
      this.waiting.wakeOne();
    }
  }
}
