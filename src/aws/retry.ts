// Exponential backoff with full jitter around one attempt at a time. Callers that stream a body
// build a fresh body inside `attempt`, so no retry ever sends a half-consumed stream. With a
// ThrottleGate, every attempt waits for its turn at the gate, and a throttled attempt slows
// every request that shares the gate.

import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable, isThrottling } from './errors.js';
import type { ThrottleGate } from './throttle-gate.js';

export interface RetryOptions {
  /** Total attempts, the first included (default 8). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Stops the retrying: no new attempt and no more waiting (an attempt under way is not cut). */
  signal?: AbortSignal;
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each wait; `delayMs` is the wait about to happen. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Shared by every request of the client: caps concurrency, backs off on throttling. */
  gate?: ThrottleGate;
}

/**
 * Runs `attempt` until it succeeds, a failure is final (`shouldRetry`, default isRetryable), or
 * the attempts run out; then throws that last failure as it is.
 */
export async function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 20_000;
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const gate = options.gate;
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    const release = gate ? await gate.acquire(options.signal) : undefined;
    try {
      const result = await attempt(n);
      gate?.succeeded();
      return result;
    } catch (err) {
      if (isThrottling(err)) gate?.throttled();
      if (n >= attempts || !shouldRetry(err) || options.signal?.aborted) throw err;
      const delayMs = Math.round(Math.random() * Math.min(cap, base * 2 ** (n - 1)));
      options.onRetry?.(err, n, delayMs);
      release?.();
      await sleep(delayMs, undefined, { signal: options.signal });
    } finally {
      release?.();
    }
  }
}
