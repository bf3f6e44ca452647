// gl-local's upload bodies: received in chunks of any size, hashed as they arrive and written
// block by block. The file holds the bytes and the hashes are the bytes' own, whatever the chunk
// boundaries and however many bodies share the blocks; a body that fails midway (its client
// gone, its hashing stopped) leaves no file and gives every block back.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { receiveBlocks, receiveToFile } from '../../src/local/glacier/receive.js';
import { HashPool } from '../../src/treehash/hash-pool.js';
import { TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes } from '../helpers/data.js';

/** `bytes` as a stream of chunks of the given sizes, in turn (the last takes what is left). */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks, { objectMode: false });
}

t.test('any chunking gives the bytes and their hashes', async (t) => {
  const dir = scratch(t);
  const cases: [number, number[]][] = [
    [1, [1]],
    [MiB, [MiB]],
    [MiB + 1, [65536]],
    [5 * MiB + 17, [1, 65535, 3, 1000003]],
    [8 * MiB, [3 * MiB + 5]],
    // More blocks than a body may have in flight: it waits for its oldest.
    [21 * MiB + 3, [65536, 7, 1048573, 300000]],
  ];
  for (const [size, sizes] of cases) {
    const bytes = seededBytes(size, size);
    const path = join(dir, `body-${size}`);
    const received = await receiveToFile(chunked(bytes, sizes), path);
    const expected = new TreeHasher().update(bytes).digest();
    t.same(received, { size, treeHash: expected.treeHash, sha256: expected.sha256 }, `${size} bytes in chunks of ${sizes.join(', ')}`);
    t.ok(readFileSync(path).equals(bytes), `${size} bytes: the file holds them`);
  }
});

t.test('an empty body is one empty leaf', async (t) => {
  const path = join(scratch(t), 'empty');
  const empty = new TreeHasher().digest();
  t.same(await receiveToFile(Readable.from([], { objectMode: false }), path), { size: 0, treeHash: empty.treeHash, sha256: empty.sha256 });
  t.equal(readFileSync(path).length, 0);
});

t.test('many bodies at once: more than the blocks go round, so they take turns', async (t) => {
  const dir = scratch(t);
  const bodies = Array.from({ length: 12 }, (_, i) => seededBytes(9 * MiB + i, 100 + i));
  const received = await Promise.all(bodies.map((bytes, i) => receiveToFile(chunked(bytes, [65536 + i]), join(dir, `b${i}`))));
  received.forEach((result, i) => {
    t.equal(result.treeHash, new TreeHasher().update(bodies[i]).digest().treeHash, `body ${i}`);
    t.ok(readFileSync(join(dir, `b${i}`)).equals(bodies[i]), `body ${i}: its file`);
  });
  const { made, free } = receiveBlocks.counts;
  t.equal(made, receiveBlocks.count, 'every block was needed');
  t.equal(free, made, 'and every one is free again');
});

/** `bytes` as a stream that fails with `error` once `failAt` bytes have gone out. */
function failingAt(bytes: Buffer, failAt: number, error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < failAt; at += 65536) yield bytes.subarray(at, Math.min(at + 65536, failAt));
      throw error;
    })(),
    { objectMode: false },
  );
}

t.test('a body whose client goes away midway leaves no file', async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(21 * MiB, 9);
  for (const failAt of [2 * MiB + 5, 13 * MiB]) {
    const path = join(dir, `broken-${failAt}`);
    await t.rejects(receiveToFile(failingAt(bytes, failAt, new Error('connection reset')), path), { message: 'connection reset' }, `gone after ${failAt} bytes`);
    t.notOk(existsSync(path), 'no file');
    const { made, free } = receiveBlocks.counts;
    t.equal(free, made, 'every block it held is free again');
  }
  const after = await receiveToFile(chunked(bytes, [MiB - 3]), join(dir, 'after'));
  t.equal(after.treeHash, new TreeHasher().update(bytes).digest().treeHash, 'a body after them is received whole');
});

t.test('a body whose hashing stops (the worker pool closed) fails, leaves no file and frees its blocks', async (t) => {
  const dir = scratch(t);
  const pool = new HashPool(1);
  const path = join(dir, 'unhashed');
  const bytes = seededBytes(12 * MiB, 10);
  // The pool closes after 8 MiB (two blocks) went out; the body would go on.
  const body = Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 65536) {
        if (at === 8 * MiB) await pool.close();
        yield bytes.subarray(at, at + 65536);
      }
    })(),
    { objectMode: false },
  );
  await t.rejects(receiveToFile(body, path, { pool }), /closed/);
  t.notOk(existsSync(path), 'no file');
  const { made, free } = receiveBlocks.counts;
  t.equal(free, made, 'every block is free again');
});
