// Shared, page-aligned blocks for direct writes and hashing workers: distinct memory, a fixed
// number of them, reused when given back, and a take() that waits while all are lent out; and
// plain shared memory where WebAssembly memory cannot be had.

import { join } from 'node:path';
import t from 'tap';
import { AlignedBlocks } from '../../src/fs/aligned-blocks.js';
import { MiB, scratch, writeFile } from '../helpers/data.js';
import { repoRoot, sh } from '../helpers/shell.js';

t.test('blocks are shared memory of the block size, none overlapping another', async (t) => {
  const pool = new AlignedBlocks(4 * MiB, 5);
  const blocks = await Promise.all(Array.from({ length: 5 }, () => pool.take()));
  blocks.forEach((block, i) => block.fill(i));
  for (const [i, block] of blocks.entries()) {
    t.ok(block.buffer instanceof SharedArrayBuffer, `block ${i} is shared memory`);
    t.equal(block.length, 4 * MiB);
    t.ok(block.every((byte) => byte === i), `block ${i} kept its own bytes`);
  }
  t.equal(pool.aligned, true, 'page-aligned (WebAssembly memory)');
  t.same(pool.counts, { made: 5, free: 0 });
});

t.test('take() waits while every block is lent out, and a block given back goes to it', async (t) => {
  const pool = new AlignedBlocks(MiB, 2);
  const a = await pool.take();
  await pool.take();
  let third: Buffer | undefined;
  const waiting = pool.take().then((block) => (third = block));
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(third, undefined, 'still waiting with both blocks lent out');
  pool.give(a);
  await waiting;
  t.equal(third, a, 'the block given back');
  t.same(pool.counts, { made: 2, free: 0 }, 'no third block made');
});

t.test('a block size that is not whole 64 KiB pages, or no blocks, is refused', async (t) => {
  t.throws(() => new AlignedBlocks(MiB + 1, 1), RangeError);
  t.throws(() => new AlignedBlocks(0, 1), RangeError);
  t.throws(() => new AlignedBlocks(MiB, 0), RangeError);
});

t.test('under a virtual-memory limit, where WebAssembly memory is refused, blocks are unaligned shared memory', async (t) => {
  const dir = scratch(t);
  writeFile(
    dir,
    'limited.mjs',
    `import { AlignedBlocks } from ${JSON.stringify(join(repoRoot, 'dist/src/fs/aligned-blocks.js'))};
const pool = new AlignedBlocks(4 * 1024 * 1024, 2);
const block = await pool.take();
block.fill(7);
console.log(JSON.stringify({ aligned: pool.aligned, shared: block.buffer instanceof SharedArrayBuffer, length: block.length, filled: block.every((b) => b === 7) }));
`,
  );
  // V8 reserves about 10 GiB of address space for each WebAssembly memory; 8 GB is plenty for the rest of Node.
  const run = await sh('ulimit -v 8000000 && node limited.mjs', { cwd: dir });
  t.equal(run.status, 0, run.stderr);
  t.same(JSON.parse(run.stdout.toString()), { aligned: false, shared: true, length: 4 * MiB, filled: true });
});
