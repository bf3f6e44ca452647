import t from 'tap';
import { combineTreeHashes, treeHash, TreeHasher } from '../../src/treehash/tree-hash.js';

t.test('the i mod 251 vector, whole and in odd chunks', async (t) => {
  const input = Buffer.alloc(7 * 1048576 + 12345);
  for (let i = 0; i < input.length; i++) input[i] = i % 251;
  const expected = 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c';
  t.equal(treeHash(input), expected);
  const hasher = new TreeHasher();
  for (let offset = 0; offset < input.length; offset += 77777) hasher.update(input.subarray(offset, offset + 77777));
  t.same(hasher.digest(), { treeHash: expected, sha256: '47c0b3fc3d78a33405e594c4b3d5b987b2451896c0f8cae40215b395b26a27ab' });
  const parts: string[] = [];
  for (let offset = 0; offset < input.length; offset += 2 * 1048576) parts.push(treeHash(input.subarray(offset, offset + 2 * 1048576)));
  t.equal(combineTreeHashes(parts), expected);
});
