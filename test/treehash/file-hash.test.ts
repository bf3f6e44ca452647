// The worker-thread file hasher: it runs from src/*.ts under tap's TypeScript loader (this file)
// as well as from dist/ (the command tests), and it fails clearly on files it cannot hash.

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { HashPool } from '../../src/treehash/hash-pool.js';
import { hashFileRange, treeHashFile } from '../../src/treehash/file-hash.js';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';

t.test('a private pool of one worker gives the same hashes, and closes', async (t) => {
  const dir = scratch(t);
  const input = seededBytes(3 * MiB + 17, 5);
  const path = writeFile(dir, 'f', input);
  const pool = new HashPool(1);
  const [a, b] = await Promise.all([hashFileRange(path, 0, input.length, { pool }), hashFileRange(path, MiB, MiB, { pool })]);
  t.equal(a.treeHash, treeHash(input));
  t.equal(b.treeHash, treeHash(input.subarray(MiB, 2 * MiB)));
  await pool.close();
  await t.rejects(hashFileRange(path, 0, 1, { pool }), /closed/);
});

t.test('both hashes of ranges anywhere in a file, from one read', async (t) => {
  const dir = scratch(t);
  const input = seededBytes(8 * MiB + 5, 11);
  const path = writeFile(dir, 'f', input);
  const ranges = [
    [0, 1],
    [7, MiB],
    [MiB, MiB + 1],
    [3, 5 * MiB + 17],
    [0, input.length],
  ];
  for (const [start, size] of ranges) {
    const bytes = input.subarray(start, start + size);
    const hashes = await hashFileRange(path, start, size);
    t.same(hashes, { treeHash: treeHash(bytes), sha256: createHash('sha256').update(bytes).digest('hex') }, `bytes ${start}-${start + size - 1}`);
    t.same(await hashFileRange(path, start, size, { linear: false }), { treeHash: hashes.treeHash }, 'the tree hash alone agrees');
  }
});

t.test('a range hashed while workers idle: its linear SHA-256 on one, its leaves on the others', async (t) => {
  const dir = scratch(t);
  const input = seededBytes(48 * MiB + 9, 13);
  const path = writeFile(dir, 'f', input);
  const pool = new HashPool(2);
  t.teardown(() => pool.close());
  const ops: string[] = [];
  const run = pool.run.bind(pool);
  pool.run = (request, session) => (ops.push(request.op), run(request, session));
  const expect = (start: number, size: number) => {
    const bytes = input.subarray(start, start + size);
    return { treeHash: treeHash(bytes), sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  t.same(await hashFileRange(path, 3, 40 * MiB + 5, { pool }), expect(3, 40 * MiB + 5));
  t.same(ops.splice(0), ['linear', 'leaves', 'leaves', 'leaves'], 'alone: hashed apart, in blocks of 16 leaves');
  const [first, second] = await Promise.all([hashFileRange(path, 0, 24 * MiB, { pool }), hashFileRange(path, 24 * MiB, 24 * MiB + 9, { pool })]);
  t.same([first, second], [expect(0, 24 * MiB), expect(24 * MiB, 24 * MiB + 9)]);
  t.same(ops.splice(0), ['linear', 'leaves', 'leaves', 'leavesAndLinear'], 'the second, with every worker taken, is one job');
  t.same(await hashFileRange(path, 0, 16 * MiB, { pool }), expect(0, 16 * MiB));
  t.same(ops.splice(0), ['leavesAndLinear'], 'one block or less: one job');
});

t.test('files that cannot be hashed', async (t) => {
  const dir = scratch(t);
  const path = writeFile(dir, 'short', Buffer.alloc(1000, 1));
  const short = { code: 'SHORT_FILE', message: `${path}: the file ends at byte 1000, before the end of bytes 0-1000 (changed since it was chunked?)` };
  await t.rejects(hashFileRange(path, 0, 1001), short);
  await t.rejects(hashFileRange(path, 0, 1001, { linear: false }), short);
  await t.rejects(hashFileRange(join(dir, 'missing'), 0, 1), { code: 'ENOENT' });
  mkdirSync(join(dir, 'sub'));
  await t.rejects(hashFileRange(join(dir, 'sub'), 0, 1), { code: 'NOT_A_FILE', message: /is a directory/ });
  await t.rejects(treeHashFile(join(dir, 'sub')), { message: /is a directory/ });
  await t.rejects(hashFileRange(path, 0, 0), RangeError, 'an empty range is refused');
  t.equal(await treeHashFile(writeFile(dir, 'empty', '')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

t.test('an abort stops the hashing with the signal reason', async (t) => {
  const dir = scratch(t);
  const path = writeFile(dir, 'f', seededBytes(40 * MiB, 9));
  const controller = new AbortController();
  const hashing = hashFileRange(path, 0, 40 * MiB, { signal: controller.signal });
  controller.abort(new Error('stop here'));
  await t.rejects(hashing, { message: 'stop here' });
});
