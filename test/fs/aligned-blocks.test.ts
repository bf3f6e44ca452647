// Shared, page-aligned blocks for direct writes and hashing workers: distinct memory, reused when
// given back, and only up to the bytes the pool is told to keep.

import t from 'tap';
import { AlignedBlocks } from '../../src/fs/aligned-blocks.js';
import { MiB } from '../helpers/data.js';

t.test('blocks are shared memory of the block size, none overlapping another', async (t) => {
  const pool = new AlignedBlocks(4 * MiB);
  const blocks = Array.from({ length: 5 }, () => pool.take());
  blocks.forEach((block, i) => block.fill(i));
  for (const [i, block] of blocks.entries()) {
    t.ok(block.buffer instanceof SharedArrayBuffer, `block ${i} is shared memory`);
    t.equal(block.length, 4 * MiB);
    t.ok(block.every((byte) => byte === i), `block ${i} kept its own bytes`);
  }
  t.same(pool.counts, { live: 6, free: 1 }, 'grown two at a time (8 MiB mappings)');
});

t.test('a block given back is taken again; beyond keepBytes it is dropped', async (t) => {
  const pool = new AlignedBlocks(4 * MiB, 8 * MiB);
  const [a, b, c] = [pool.take(), pool.take(), pool.take()];
  t.same(pool.counts, { live: 4, free: 1 });
  pool.give(a);
  pool.give(b);
  pool.give(c);
  t.same(pool.counts, { live: 2, free: 2 }, 'two kept (8 MiB), the others dropped');
  t.equal(pool.take(), a, 'a kept block is reused');
});

t.test('a block size that is not whole 64 KiB pages is refused', async (t) => {
  t.throws(() => new AlignedBlocks(MiB + 1), RangeError);
  t.throws(() => new AlignedBlocks(0), RangeError);
});
