// Bounded concurrency that keeps order: at most `concurrency` calls in flight, results handed out
// in the order of their inputs. The next input is taken only when the caller asks for the next
// result, so a slow consumer holds back the producer, and at most `concurrency` results wait in
// memory. Used for DescribeJob rounds and for the ranged GETs of result objects.

export async function* orderedMap<T, R>(
  inputs: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  fn: (input: T, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<R> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, not ${concurrency}`);
  const iterator = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : (inputs as Iterable<T>)[Symbol.iterator]();
  // Aborted when the caller stops early or a call fails: calls still in flight can give up.
  const controller = new AbortController();
  const window: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < concurrency) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const call = fn(next.value, controller.signal);
        call.catch(() => {}); // its failure is thrown when its turn comes
        window.push(call);
      }
      const head = window.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    controller.abort();
    if (!exhausted) await iterator.return?.();
  }
}
