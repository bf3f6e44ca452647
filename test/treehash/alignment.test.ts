// Tree-hash aligned ranges (glacier-api.md §4.4): the rule, and the range hashes of its table.

import t from 'tap';
import { isTreeHashAligned, treeHash } from '../../src/treehash/tree-hash.js';
import { MiB, mod251 } from '../helpers/data.js';

const SIZE = 7352377; // the i mod 251 file: 8 leaves, the last one short
const TABLE: [number, number, string, boolean][] = [
  [0, 2097151, 'bf4dff263ae686b64403208c35a3767e38453d6477e841947588d13d04e1d816', true],
  [2097152, 4194303, '9e217b1ceb8db81071f9c6e4a2bf0401a83491d10751ce858a2628f5d699dbdb', true],
  [4194304, 7352376, 'ecf83e6f70efa48ce322e3caae6f525532a4b918588a1f7d6ff7373d9d2002b4', true],
  [6291456, 7352376, '604b64f221196c1edc1ec0d351d3dd1a3034a553ae967f7c8e8cca4871b79362', true],
  [7340032, 7352376, '545900f57b3e80963f85179f7ca1507dc565d124a66b3a3376d88d64a3292525', true],
  [1048576, 3145727, 'b75aca8a18ab725e6da28ced838ac9be59756d81fd6899b0d853849b43f7117e', false],
  [2097152, 6291455, '7353df074b2ff53f8123affe971066a3ad5195c701ae5e63723eff4d7d73ad9b', false],
  [0, 7352376, 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c', true],
];

t.test('§4.4 table on the i mod 251 file', async (t) => {
  const input = mod251(SIZE);
  for (const [start, end, hash, aligned] of TABLE) {
    t.equal(treeHash(input.subarray(start, end + 1)), hash, `bytes ${start}-${end} hash`);
    t.equal(isTreeHashAligned(start, end, SIZE), aligned, `bytes ${start}-${end} ${aligned ? 'is' : 'is not'} aligned`);
  }
});

t.test('the rule at the edges', async (t) => {
  t.ok(isTreeHashAligned(MiB, 2 * MiB - 1, SIZE), 'an odd leaf alone');
  t.notOk(isTreeHashAligned(MiB, 3 * MiB - 1, SIZE), 'an odd leaf cannot start a pair');
  t.ok(isTreeHashAligned(0, 4 * MiB - 1, SIZE), 'a power-of-two prefix');
  t.notOk(isTreeHashAligned(0, 3 * MiB - 1, SIZE), 'three leaves from 0');
  t.notOk(isTreeHashAligned(1, MiB, SIZE), 'not on a leaf boundary');
  t.notOk(isTreeHashAligned(0, SIZE, SIZE), 'past the end');
  t.ok(isTreeHashAligned(0, 99, 100), 'a whole small archive');
});
