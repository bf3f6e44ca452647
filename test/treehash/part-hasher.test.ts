// Parts hashed leaf by leaf in worker threads, through the pool's shared ring.

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

t.test('the caller may reuse its buffer as soon as add() resolves', async (t) => {
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

t.test('a closed pool fails the part instead of finishing an empty hash', async (t) => {
  const pool = new HashPool(1);
  const hasher = new PartHasher(pool);
  await hasher.add(seededBytes(MiB, 4));
  await pool.close();
  await t.rejects(hasher.digest(), /closed/);
});
