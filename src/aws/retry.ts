// Exponential backoff with full jitter around one attempt at a time. Callers that stream a body
// build a fresh body inside `attempt`, so no retry ever sends a half-consumed stream.

import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './errors.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each wait; `delayMs` is the wait about to happen. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 20_000;
  const shouldRetry = options.shouldRetry ?? isRetryable;
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= attempts || !shouldRetry(err) || options.signal?.aborted) throw err;
      const delayMs = Math.round(Math.random() * Math.min(cap, base * 2 ** (n - 1)));
      options.onRetry?.(err, n, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
