// Part tree hashes combine into the archive tree hash (glacier-api.md §4.3) for every
// power-of-two part size that fits the input, and not for a part size that is not a power of two.

import t from 'tap';
import { hashFileRange } from '../../src/treehash/file-hash.js';
import { combineTreeHashes, treeHash } from '../../src/treehash/tree-hash.js';
import { MiB, mod251, scratch, seededBytes, writeFile } from '../helpers/data.js';

function partHashes(input: Buffer, partSize: number): string[] {
  const hashes: string[] = [];
  for (let start = 0; start < input.length; start += partSize) hashes.push(treeHash(input.subarray(start, start + partSize)));
  return hashes;
}

t.test('i mod 251: the 2 MiB part hashes of §4.3 and every power-of-two part size', async (t) => {
  const input = mod251(7 * MiB + 12345);
  const whole = 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c';
  t.same(
    partHashes(input, 2 * MiB).map((hash) => hash.slice(0, 16)),
    ['bf4dff263ae686b6', '9e217b1ceb8db810', '3f1cd462b63cf286', '604b64f221196c1e'],
  );
  for (let partSize = MiB; partSize < 2 * input.length; partSize *= 2) {
    t.equal(combineTreeHashes(partHashes(input, partSize)), whole, `${partSize / MiB} MiB parts`);
  }
  t.equal(combineTreeHashes(partHashes(input, 3 * MiB)).slice(0, 8), 'df6a212b', '3 MiB parts give the wrong hash, as §4.3 says');
});

t.test('random inputs: part hashes from the file hasher combine for every power-of-two part size', async (t) => {
  const dir = scratch(t);
  for (const size of [1, MiB + 1, 9 * MiB + 123, 16 * MiB, 21 * MiB + 7]) {
    const input = seededBytes(size, size);
    const path = writeFile(dir, `p${size}`, input);
    const whole = treeHash(input);
    for (let partSize = MiB; partSize < 2 * size; partSize *= 2) {
      const parts: string[] = [];
      for (let start = 0; start < size; start += partSize) parts.push((await hashFileRange(path, start, Math.min(partSize, size - start))).treeHash);
      t.equal(combineTreeHashes(parts), whole, `${size} bytes in ${partSize / MiB} MiB parts`);
    }
  }
});
