// Tree hashes against an independent implementation (test/helpers/tree_hash.py, Python hashlib)
// on pseudo-random inputs of awkward sizes, through every path that hashes: the streaming core
// in ragged chunks, the worker-thread file hasher and the gl-treehash command.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { hashFileRange } from '../../src/treehash/file-hash.js';
import { TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { repoRoot, sh } from '../helpers/shell.js';

const PYTHON_TREE_HASH = join(repoRoot, 'test', 'helpers', 'tree_hash.py');

/** Python's tree hash and linear SHA-256 for each [start, size] range of `path`. */
function python(path: string, ranges: [number, number][]): { treeHash: string; sha256: string }[] {
  const out = execFileSync('python3', [PYTHON_TREE_HASH, path, ...ranges.flat().map(String)], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [treeHash, sha256] = line.split(' ');
      return { treeHash, sha256 };
    });
}

const SIZES = [1, 2, 1000, MiB - 1, MiB, MiB + 1, 2 * MiB - 1, 2 * MiB, 2 * MiB + 1, 3 * MiB + 5, 4 * MiB - 1, 4 * MiB + 1, 5 * MiB + 777, 9 * MiB + 123, 17 * MiB + 3];

t.test('random inputs agree with the Python implementation', async (t) => {
  const dir = scratch(t);
  const inputs = SIZES.map((size, i) => seededBytes(size, 1000 + i));
  // One Python run over all inputs laid end to end, each one a range.
  const ranges: [number, number][] = [];
  let at = 0;
  for (const input of inputs) {
    ranges.push([at, input.length]);
    at += input.length;
  }
  const expected = python(writeFile(dir, 'all', Buffer.concat(inputs)), ranges);

  const paths: string[] = [];
  for (const [i, input] of inputs.entries()) {
    const ragged = new TreeHasher();
    for (let at = 0, step = 1; at < input.length; at += step, step = ((step * 7 + 3) % 300000) + 1) ragged.update(input.subarray(at, at + step));
    t.same(ragged.digest(), expected[i], `${input.length} bytes: TreeHasher in ragged chunks`);
    paths.push(writeFile(dir, `r${i}`, input));
    t.same(await hashFileRange(paths[i], 0, input.length), expected[i], `${input.length} bytes: hashFileRange`);
  }
  const result = await sh(`gl-treehash ${paths.join(' ')}`);
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stdout.toString(), paths.map((path, i) => `${expected[i].treeHash}  ${path}\n`).join(''), 'gl-treehash prints the same hashes');
});

t.test('byte ranges of a file agree with the Python implementation', async (t) => {
  const dir = scratch(t);
  const size = 37 * MiB + 4321; // crosses the hasher's 16 MiB blocks and its in-flight window
  const path = writeFile(dir, 'big', seededBytes(size, 77));
  const ranges: [number, number][] = [
    [0, size],
    [MiB, 1],
    [3 * MiB, 32 * MiB],
    [32 * MiB, size - 32 * MiB],
    [12345, 20 * MiB],
  ];
  const expected = python(path, ranges);
  for (const [i, [start, length]] of ranges.entries()) {
    t.same(await hashFileRange(path, start, length), expected[i], `bytes ${start}+${length}`);
    t.same(await hashFileRange(path, start, length, { linear: false }), { treeHash: expected[i].treeHash }, `bytes ${start}+${length}, tree only`);
  }
});
