// Parts hashed leaf by leaf in worker threads: leaves in shared memory where they are, others
// through the pool's shared ring.

import t from 'tap';
import { HashPool } from '../../src/treehash/hash-pool.js';
import { PartHasher } from '../../src/treehash/part-hasher.js';
import { TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, seededBytes } from '../helpers/data.js';

function leavesOf(bytes: Buffer): Buffer[] {
  const leaves: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += MiB) leaves.push(bytes.subarray(at, at + MiB));
  return leaves;
}

for (const size of [1, 2]) {
  t.test(`a pool of ${size}: more leaves than ring slots, and two parts interleaved`, async (t) => {
    const pool = new HashPool(size);
    t.teardown(() => pool.close());
    const a = seededBytes(11 * MiB + 5, 1);
    const b = seededBytes(7 * MiB, 2);
    const [hashA, hashB] = [new PartHasher(pool), new PartHasher(pool)];
    const [leavesA, leavesB] = [leavesOf(a), leavesOf(b)];
    for (let i = 0; i < Math.max(leavesA.length, leavesB.length); i++) {
      if (leavesA[i]) await hashA.add(leavesA[i]);
      if (leavesB[i]) await hashB.add(leavesB[i]);
    }
    t.same(await hashA.digest(), new TreeHasher().update(a).digest());
    t.same(await hashB.digest(), new TreeHasher().update(b).digest());
  });
}

/** `bytes` cut into 1 MiB leaves, each in shared memory of its own. */
function sharedLeavesOf(bytes: Buffer): Buffer[] {
  return leavesOf(bytes).map((leaf) => {
    const shared = Buffer.from(new SharedArrayBuffer(leaf.length));
    leaf.copy(shared);
    return shared;
  });
}

t.test('leaves in shared memory are hashed in place: the same hashes as the bytes', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  for (const size of [1, MiB, 5 * MiB + 17]) {
    const bytes = seededBytes(size, size);
    const hasher = new PartHasher(pool);
    for (const leaf of sharedLeavesOf(bytes)) await hasher.add(leaf);
    t.same(await hasher.digest(), new TreeHasher().update(bytes).digest(), `${size} bytes`);
  }
  // A view into a larger shared buffer: its own bytes only.
  const whole = Buffer.from(new SharedArrayBuffer(3 * MiB));
  seededBytes(3 * MiB, 7).copy(whole);
  const hasher = new PartHasher(pool);
  await hasher.add(whole.subarray(MiB, 2 * MiB));
  await hasher.add(whole.subarray(2 * MiB, 2 * MiB + 100));
  t.same(await hasher.digest(), new TreeHasher().update(whole.subarray(MiB, 2 * MiB + 100)).digest(), 'views at an offset');
});

t.test('parts hashed one after another keep to one worker; parts at once spread', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  for (let part = 0; part < 3; part++) {
    const bytes = seededBytes(2 * MiB, 20 + part);
    const hasher = new PartHasher(pool);
    for (const leaf of sharedLeavesOf(bytes)) await hasher.add(leaf);
    t.same(await hasher.digest(), new TreeHasher().update(bytes).digest(), `part ${part}`);
  }
  t.equal(pool.running, 1, 'one worker started for parts in sequence');
  const [a, b] = [new PartHasher(pool), new PartHasher(pool)];
  await a.add(seededBytes(MiB, 30));
  await b.add(seededBytes(MiB, 31));
  await Promise.all([a.digest(), b.digest()]);
  t.equal(pool.running, 2, 'two parts open at once use both workers');
});

t.test('the caller may reuse a buffer that is not shared memory as soon as add() resolves', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  const bytes = seededBytes(9 * MiB, 3);
  const scratch = Buffer.alloc(MiB);
  const hasher = new PartHasher(pool);
  for (const leaf of leavesOf(bytes)) {
    leaf.copy(scratch);
    await hasher.add(scratch);
    scratch.fill(0xee);
  }
  t.same(await hasher.digest(), new TreeHasher().update(bytes).digest());
});

t.test('addShared: a shared leaf may be reused once its promise settles', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  const bytes = seededBytes(6 * MiB + 9, 5);
  // Two shared buffers taking turns: each is refilled only after the worker has read it.
  const buffers = [Buffer.from(new SharedArrayBuffer(MiB)), Buffer.from(new SharedArrayBuffer(MiB))];
  const pending: (Promise<void> | undefined)[] = [undefined, undefined];
  const hasher = new PartHasher(pool);
  let i = 0;
  for (const leaf of leavesOf(bytes)) {
    const turn = i++ % 2;
    await pending[turn];
    leaf.copy(buffers[turn]);
    pending[turn] = hasher.addShared(buffers[turn].subarray(0, leaf.length));
  }
  t.same(await hasher.digest(), new TreeHasher().update(bytes).digest());
  const other = new PartHasher(pool);
  t.throws(() => other.addShared(Buffer.alloc(10)), TypeError, 'a leaf outside shared memory is refused');
  other.abandon();
});

t.test('addShared: several leaves in one job, the last of them short', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  const bytes = seededBytes(9 * MiB + 9, 6);
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(shared);
  const hasher = new PartHasher(pool);
  // 4 leaves, 1 leaf, 4 leaves and a short one: as gl-local hands on what it receives.
  await Promise.all([
    hasher.addShared(shared.subarray(0, 4 * MiB)),
    hasher.addShared(shared.subarray(4 * MiB, 5 * MiB)),
    hasher.addShared(shared.subarray(5 * MiB)),
  ]);
  t.same(await hasher.digest(), new TreeHasher().update(bytes).digest());
  const empty = new PartHasher(pool);
  await empty.addShared(Buffer.from(new SharedArrayBuffer(0)));
  t.same(await empty.digest(), new TreeHasher().digest(), 'no bytes: one empty leaf');
});

t.test('shared leaves go to the worker a few at a time; other leaves between them keep their order', async (t) => {
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  const bytes = seededBytes(11 * MiB + 3, 8);
  const shared = sharedLeavesOf(bytes);
  const hasher = new PartHasher(pool);
  // Leaves 5 and 9 are not in shared memory: each goes through the ring, after the shared ones before it.
  for (const [i, leaf] of shared.entries()) await hasher.add(i === 5 || i === 9 ? Buffer.from(leaf) : leaf);
  t.same(await hasher.digest(), new TreeHasher().update(bytes).digest());
});

t.test('a leaf waiting for a ring slot fails when the pool closes', async (t) => {
  const pool = new HashPool(1);
  // A pool of one worker has four ring slots; all four are held.
  for (let i = 0; i < 4; i++) await pool.share(Buffer.alloc(10));
  const waiting = pool.share(Buffer.alloc(10));
  await pool.close();
  await t.rejects(waiting, /closed/);
});

t.test('a closed pool fails the part instead of finishing an empty hash', async (t) => {
  const pool = new HashPool(1);
  const hasher = new PartHasher(pool);
  await hasher.add(seededBytes(MiB, 4));
  await pool.close();
  await t.rejects(hasher.digest(), /closed/);
});
