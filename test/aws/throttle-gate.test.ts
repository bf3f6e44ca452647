import t from 'tap';
import { ThrottleGate } from '../../src/aws/throttle-gate.js';
import { withRetries } from '../../src/aws/retry.js';

const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

t.test('lets at most the limit through at once, in turn', async (t) => {
  const gate = new ThrottleGate(2);
  const first = await gate.acquire();
  const second = await gate.acquire();
  let third = false;
  const waiting = gate.acquire().then((release) => {
    third = true;
    return release;
  });
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(third, 'a third waits while two run');
  first();
  (await waiting)();
  t.ok(third, 'and goes when one ends');
  second();
});

t.test('a throttle halves the limit and pauses everyone; successes bring the limit back', async (t) => {
  const gate = new ThrottleGate(4, { pauseMs: 100, maxPauseMs: 100 });
  gate.throttled();
  t.equal(gate.concurrency, 2);
  const started = Date.now();
  const release = await gate.acquire();
  t.ok(Date.now() - started >= 45, 'the next request waited for the pause');
  release();
  gate.throttled();
  gate.throttled();
  t.equal(gate.concurrency, 1, 'never below one');
  for (let i = 0; i < 1 + 2 + 3; i++) gate.succeeded();
  t.equal(gate.concurrency, 4, 'one more at a time, after as many successes as the limit');
  gate.succeeded();
  t.equal(gate.concurrency, 4, 'never above the maximum');
});

t.test('an abort stops the wait', async (t) => {
  const gate = new ThrottleGate(1);
  const release = await gate.acquire();
  const controller = new AbortController();
  const waiting = gate.acquire(controller.signal);
  controller.abort(new Error('stop'));
  await t.rejects(waiting, { message: 'stop' });
  release();
  (await gate.acquire())();
});

t.test('withRetries: a throttled attempt slows the other requests through the same gate', async (t) => {
  const gate = new ThrottleGate(2, { pauseMs: 200, maxPauseMs: 200 });
  let calls = 0;
  const throttledOnce = withRetries(
    async () => {
      if (++calls === 1) throw throttling();
      return 'ok';
    },
    { gate, baseDelayMs: 1 },
  );
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = Date.now();
  const other = await withRetries(async () => 'other', { gate });
  t.equal(other, 'other');
  t.ok(Date.now() - started >= 90, 'a request that was never throttled itself still waited');
  t.equal(await throttledOnce, 'ok');
  t.equal(gate.concurrency, 2, 'two successes brought the limit back');
});
