import t from 'tap';
import { Slots } from '../../src/upload/slots.js';

t.test('hands out at most its count, in order, and each release once', async (t) => {
  const slots = new Slots(2);
  const a = await slots.acquire();
  await slots.acquire();
  const order: number[] = [];
  const c = slots.acquire().then((release) => (order.push(3), release));
  const d = slots.acquire().then((release) => (order.push(4), release));
  a();
  a();
  await c;
  await new Promise((resolve) => setImmediate(resolve));
  t.same(order, [3], 'one release lets one waiter in, however often it is called');
  (await c)();
  await d;
  t.same(order, [3, 4]);
});

t.test('an abort ends a wait', async (t) => {
  const slots = new Slots(1);
  const release = await slots.acquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort(new Error('halt'));
  await t.rejects(waiting, { message: 'halt' });
  release();
  (await slots.acquire())();
});
