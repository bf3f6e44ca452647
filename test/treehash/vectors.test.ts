// Every tree-hash vector in glacier-api.md §4.2, through the streaming core, the file hasher
// (worker threads) and the gl-treehash command.

import t from 'tap';
import { hashFileRange, treeHashFile } from '../../src/treehash/file-hash.js';
import { treeHash, TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, mod251, scratch, writeFile } from '../helpers/data.js';
import { sh } from '../helpers/shell.js';

interface Vector {
  name: string;
  input: () => Buffer;
  tree: string;
  /** Only where it differs from the tree hash (inputs over 1 MiB). */
  linear?: string;
}

const VECTORS: Vector[] = [
  { name: 'empty', input: () => Buffer.alloc(0), tree: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { name: '"bar"', input: () => Buffer.from('bar'), tree: 'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9' },
  { name: '"abc"', input: () => Buffer.from('abc'), tree: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { name: '"hello world"', input: () => Buffer.from('hello world'), tree: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' },
  { name: '1 KiB of a', input: () => Buffer.alloc(1024, 'a'), tree: '2edc986847e209b4016e141a6dc8716d3207350f416969382d431539bf292e4a' },
  { name: '1 MiB of a', input: () => Buffer.alloc(MiB, 'a'), tree: '9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360' },
  {
    name: '1 MiB + 1 of a',
    input: () => Buffer.alloc(MiB + 1, 'a'),
    tree: '8dd49bbc6297567fac3852c2deddcdbc57358bc403c10d4f6dc64b143ad9b27b',
    linear: '4a3f0c0c213adea174f9a3d4c13177315b588bdb2e9c1012d3d0bf0453ca0f6a',
  },
  {
    name: '2 MiB of a',
    input: () => Buffer.alloc(2 * MiB, 'a'),
    tree: '560c2c9333c719cb00cfdffee3ba293db17f58743cdd1f7e4055373ae6300afa',
    linear: '5256ec18f11624025905d057d6befb03d77b243511ac5f77ed5e0221ce6d84b5',
  },
  {
    name: '3 MiB of a',
    input: () => Buffer.alloc(3 * MiB, 'a'),
    tree: '70239f4f2ead7561f69d48b956b547edef52a1280a93c262c0b582190be7db17',
    linear: '6f850bc94ae6f7de14297c01616c36d712d22864497b28a63b81d776b035e656',
  },
  {
    name: '3 MiB + 5 of a',
    input: () => Buffer.alloc(3 * MiB + 5, 'a'),
    tree: 'a8fdd229455481bdaf37f3304b98dcfe89cc7231e2231faf24ca971392569616',
    linear: 'aff2c7498aae939dfb2fb1dc6c0c83fa3708b069428e51338801af7f5dc2bf0f',
  },
  {
    name: '4 MiB of a',
    input: () => Buffer.alloc(4 * MiB, 'a'),
    tree: '9491cb2ed1d4e7cd53215f4017c23ec4ad21d7050a1e6bb636c4f67e8cddb844',
    linear: '299285fc41a44cdb038b9fdaf494c76ca9d0c866672b2b266c1a0c17dda60a05',
  },
  {
    name: '4 MiB + 20 of a',
    input: () => Buffer.alloc(4 * MiB + 20, 'a'),
    tree: '12f3cbd6101b981cde074039f6f728071da8879d6f632de8afc7cdf00661b08f',
    linear: '1db6545ae7a5cea9392b4b14d3a6f798c989ee386114d6d2e951c13abcd74e11',
  },
  {
    name: '5 MiB of a',
    input: () => Buffer.alloc(5 * MiB, 'a'),
    tree: '1ca676a2caf9791fcf24580c2c6f9b051ebbf689720da6ff8c41f2d01cdde5ea',
    linear: 'a29968fad2e782aa9f2040a35f05adb97ed8979eb1f572c8c8ea78637e275f3c',
  },
  { name: '1 MiB of 0x00', input: () => Buffer.alloc(MiB, 0), tree: '30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58' },
  {
    name: '5.5 MiB of 0x00',
    input: () => Buffer.alloc(5.5 * MiB, 0),
    tree: 'a3a82dbe3644dd6046be472f2e3ec1f8ef47f8f3adb86d0de4de7a254f255455',
    linear: '733cf513448ce6b20ad1bc5e50eb27c06aefae0c320713a5dd99f4e51bc1ca60',
  },
  {
    name: "5.5 MiB of '0'",
    input: () => Buffer.alloc(5.5 * MiB, '0'),
    tree: '154e26c78fd74d0c2c9b3cc4644191619dc4f2cd539ae2a74d5fd07957a3ee6a',
    linear: '68aff0c5a91aa0491752bfb96e3fef33eb74953804f6a2f7b708d5bcefa8ff6b',
  },
  {
    name: 'i mod 251, 7 MiB + 12,345',
    input: () => mod251(7 * MiB + 12345),
    tree: 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c',
    linear: '47c0b3fc3d78a33405e594c4b3d5b987b2451896c0f8cae40215b395b26a27ab',
  },
];

t.test('§4.2 vectors through the streaming core, in one piece and in odd chunks', async (t) => {
  for (const vector of VECTORS) {
    const input = vector.input();
    const linear = vector.linear ?? vector.tree;
    t.equal(treeHash(input), vector.tree, `${vector.name}: treeHash()`);
    t.same(new TreeHasher().update(input).digest(), { treeHash: vector.tree, sha256: linear }, `${vector.name}: TreeHasher, one update`);
    const chunked = new TreeHasher();
    for (let at = 0; at < input.length; at += 77777) chunked.update(input.subarray(at, at + 77777));
    t.same(chunked.digest(), { treeHash: vector.tree, sha256: linear }, `${vector.name}: TreeHasher, 77,777-byte chunks`);
  }
});

t.test('§4.2 vectors through the worker-thread file hasher', async (t) => {
  const dir = scratch(t);
  for (const [i, vector] of VECTORS.entries()) {
    const input = vector.input();
    const path = writeFile(dir, `v${i}`, input);
    t.equal(await treeHashFile(path), vector.tree, `${vector.name}: treeHashFile`);
    if (input.length > 0) {
      t.same(await hashFileRange(path, 0, input.length), { treeHash: vector.tree, sha256: vector.linear ?? vector.tree }, `${vector.name}: hashFileRange`);
    }
  }
});

t.test('§4.2 vectors through gl-treehash, files and stdin', async (t) => {
  const dir = scratch(t);
  const names = VECTORS.map((vector, i) => writeFile(dir, `v${i}`, vector.input()));
  const result = await sh(`gl-treehash ${names.join(' ')}`);
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stdout.toString(), VECTORS.map((vector, i) => `${vector.tree}  ${names[i]}\n`).join(''));
  const last = VECTORS[VECTORS.length - 1];
  const piped = await sh('gl-treehash', { input: last.input() });
  t.equal(piped.stdout.toString(), `${last.tree}  -\n`);
});
