// One pause shared by every request of a batch: when Glacier throttles one request, all of them
// hold back, so a batch of concurrent deletes slows down as a whole instead of each request
// hammering on alone. The pause doubles with each throttle in a row and is cleared by a success.

import { setTimeout as sleep } from 'node:timers/promises';

export interface SharedBackoffOptions {
  /** The first pause after a throttle (default 500 ms); it doubles with each throttle in a row. */
  pauseMs?: number;
  /** The longest pause (default 30 s). */
  maxPauseMs?: number;
}

export class SharedBackoff {
  private pausedUntil = 0;
  private throttlesInARow = 0;
  private readonly pauseMs: number;
  private readonly maxPauseMs: number;

  constructor(options: SharedBackoffOptions = {}) {
    this.pauseMs = options.pauseMs ?? 500;
    this.maxPauseMs = options.maxPauseMs ?? 30_000;
  }

  /** Resolves once no pause is in force (at once when none is). */
  async wait(signal?: AbortSignal): Promise<void> {
    for (let left = this.pausedUntil - Date.now(); left > 0; left = this.pausedUntil - Date.now()) {
      await sleep(left, undefined, { signal });
    }
  }

  /** Glacier said to slow down: everyone pauses, longer each time in a row (with jitter, so waiters do not return together). */
  throttled(): void {
    this.throttlesInARow++;
    const pause = Math.min(this.maxPauseMs, this.pauseMs * 2 ** (this.throttlesInARow - 1));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause * (0.5 + Math.random() / 2));
  }

  succeeded(): void {
    this.throttlesInARow = 0;
  }

  /** The pause in force now, in ms (0 when none). */
  get pauseLeftMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }
}
