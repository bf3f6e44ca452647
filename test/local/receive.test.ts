// gl-local's upload bodies: received in chunks of any size, hashed as they arrive and written
// leaf by leaf. The file holds the bytes and the hashes are the bytes' own, whatever the chunk
// boundaries; a body that fails midway leaves no file.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { receiveBlocks, receiveToFile } from '../../src/local/glacier/receive.js';
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

t.test('many bodies at once', async (t) => {
  const dir = scratch(t);
  const bodies = Array.from({ length: 12 }, (_, i) => seededBytes(3 * MiB + i, 100 + i));
  const received = await Promise.all(bodies.map((bytes, i) => receiveToFile(chunked(bytes, [65536 + i]), join(dir, `b${i}`))));
  received.forEach((result, i) => {
    t.equal(result.treeHash, new TreeHasher().update(bodies[i]).digest().treeHash, `body ${i}`);
    t.ok(readFileSync(join(dir, `b${i}`)).equals(bodies[i]), `body ${i}: its file`);
  });
});

t.test('a body that fails midway leaves no file', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'broken');
  const bytes = seededBytes(3 * MiB, 9);
  const broken = Readable.from(
    (async function* () {
      yield bytes.subarray(0, 2 * MiB + 5);
      throw new Error('connection reset');
    })(),
    { objectMode: false },
  );
  await t.rejects(receiveToFile(broken, path), { message: 'connection reset' });
  t.notOk(existsSync(path), 'no file');
  const { live, free } = receiveBlocks.counts;
  t.equal(free, live, 'every block it held is free again');
  const after = await receiveToFile(chunked(bytes, [MiB - 3]), join(dir, 'after'));
  t.equal(after.treeHash, new TreeHasher().update(bytes).digest().treeHash, 'a body after it is received whole');
});
