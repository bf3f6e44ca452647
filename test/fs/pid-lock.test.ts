// The pid lock of a gl-put-parts journal and a gl-local data directory: one owner at a time, also
// when several processes start at once over the lock a kill -9 left behind.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { LockedError, takePidLock } from '../../src/fs/pid-lock.js';
import { scratch } from '../helpers/data.js';

const deadPid = () => spawnSync('true').pid!;

t.test('one lock, one owner: a held lock is refused, a dead owner\'s is taken over', async (t) => {
  const path = join(scratch(t), 'x.lock');
  const lock = await takePidLock(path);
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  await t.rejects(takePidLock(path), { message: `${path} is held by pid ${process.pid}` });
  await lock.release();
  writeFileSync(path, `${deadPid()}\n`);
  const again = await takePidLock(path);
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  await again.release();
  t.same(readdirSync(join(path, '..')), [], 'nothing left behind');
});

t.test('of several takers at once, exactly one gets the lock, whether it is free or left by a dead process', async (t) => {
  const dir = scratch(t);
  for (let round = 0; round < 60; round++) {
    const path = join(dir, `${round}.lock`);
    // Most rounds start from a lock left by a kill -9, some from none.
    if (round % 4 !== 0) writeFileSync(path, `${deadPid()}\n`);
    // A few milliseconds apart, so that one taker can be done while another is halfway.
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => sleep(i % 4).then(() => takePidLock(path))));
    const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    t.equal(taken.length, 1, `round ${round}: ${taken.length} owners`);
    for (const outcome of outcomes) if (outcome.status === 'rejected') t.type(outcome.reason, LockedError);
    t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
    for (const outcome of taken) await outcome.value.release();
  }
  t.same(readdirSync(dir), [], 'every lock released, nothing left behind');
});
