import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderedMap } from '../../src/jobs/ordered-map.js';

t.test('results come in input order, whatever order the calls finish in', async (t) => {
  const delays = [50, 5, 30, 1, 20, 10, 0, 40];
  const out: number[] = [];
  for await (const value of orderedMap(delays.keys(), 3, async (i) => (await sleep(delays[i]), i))) out.push(value);
  t.same(out, [0, 1, 2, 3, 4, 5, 6, 7]);
});

t.test('never more than `concurrency` calls at once, and inputs are taken only as results are', async (t) => {
  let running = 0;
  let most = 0;
  let taken = 0;
  function* inputs() {
    for (let i = 0; i < 20; i++) {
      taken++;
      yield i;
    }
  }
  const results = orderedMap(inputs(), 4, async (i) => {
    most = Math.max(most, ++running);
    await sleep(i % 3);
    running--;
    return i;
  });
  await results.next();
  await sleep(20);
  t.ok(taken <= 5, `${taken} inputs taken after one result`);
  for await (const _ of results);
  t.equal(most, 4);
  t.equal(taken, 20);
});

t.test('a failed call stops the others at once and is what is thrown, in its turn', async (t) => {
  const started: number[] = [];
  const aborted: number[] = [];
  const results = orderedMap([0, 1, 2, 3, 4, 5], 4, async (i, signal) => {
    started.push(i);
    if (i === 1) {
      await sleep(5);
      throw new Error('call 1 failed');
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    aborted.push(i);
    return i;
  });
  const seen: number[] = [];
  await t.rejects(
    (async () => {
      for await (const value of results) seen.push(value);
    })(),
    /call 1 failed/,
  );
  t.same(seen, [0], 'the results before the failure are handed out');
  t.same(started, [0, 1, 2, 3], 'nothing new starts after a failure');
  t.same(aborted.sort(), [0, 2, 3], 'the calls still running are told to stop');
  await t.rejects(orderedMap([], 0, async () => 1).next(), RangeError);
});
