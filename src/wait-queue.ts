// Waiters served first come, first served; an aborted waiter leaves the queue at once, so that
// a later wake goes to someone still waiting.

export class WaitQueue {
  private readonly wakers: (() => void)[] = [];

  /** Resolves when wakeOne() reaches this waiter; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.wakers.indexOf(wake);
        if (at >= 0) this.wakers.splice(at, 1);
        reject(signal!.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.wakers.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes the longest waiter; false when nobody waits. */
  wakeOne(): boolean {
    const wake = this.wakers.shift();
    wake?.();
    return wake !== undefined;
  }
}
