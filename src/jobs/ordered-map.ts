// Bounded concurrency that keeps order: at most `concurrency` calls in flight, results handed out
// in the order of their inputs. The next input is taken only when the caller asks for the next
// result, so a slow consumer holds back the producer, and at most `concurrency` results wait in
// memory. The first call to fail aborts the others (through their signal) and is what is thrown.
// Used for DescribeJob rounds and for the ranged GETs of result objects.

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
  let failure: { error: unknown } | undefined;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < concurrency && !failure) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const call = fn(next.value, controller.signal);
        // The first failure stops the rest at once; it is thrown when the calls before it are out.
        call.catch((error) => {
          failure ??= { error };
          controller.abort();
        });
        window.push(call);
      }
      const head = window.shift();
      if (head === undefined) {
        if (failure) throw failure.error;
        return;
      }
      try {
        yield await head;
      } catch (err) {
        throw failure ? failure.error : err;
      }
    }
  } finally {
    controller.abort();
    if (!exhausted) await iterator.return?.();
  }
}
