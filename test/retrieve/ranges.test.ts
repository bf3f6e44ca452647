// Retrieval ranges: what Glacier takes (megabyte aligned), what can be verified (tree-hash
// aligned, glacier-api.md §4.4), and download pieces that are each a node of the archive's tree.

import t from 'tap';
import { alignedCover, downloadPieces, isAlignedChunkSize, parseRangeText, retrievalRange } from '../../src/retrieve/ranges.js';
import { isTreeHashAligned } from '../../src/treehash/tree-hash.js';

const MiB = 1024 * 1024;
const SIZE = 7_352_377; // the §4.2 "i mod 251" vector: 8 leaves, the last one short

t.test('--range text', async (t) => {
  t.same(parseRangeText('0-1048575'), { start: 0, end: 1048575 });
  t.same(parseRangeText('2097152-'), { start: 2097152, end: undefined });
  for (const bad of ['', '-5', '5', '1-0', 'a-b', '0-1MiB', '1.5-2']) t.equal(parseRangeText(bad), undefined, JSON.stringify(bad));
});

t.test('the aligned ranges of §4.4 are taken; the others are refused with a range that would do', async (t) => {
  for (const [start, end] of [
    [0, 2097151],
    [2097152, 4194303],
    [4194304, 7352376],
    [6291456, 7352376],
    [7340032, 7352376],
    [0, 7352376],
  ]) {
    t.same(retrievalRange({ start, end }, SIZE), { range: { start, end } }, `${start}-${end}`);
  }
  t.same(retrievalRange({ start: 4194304, end: undefined }, SIZE), { range: { start: 4194304, end: 7352376 } }, 'START- runs to the last byte');
  t.same(retrievalRange({ start: 0, end: 99_999_999 }, SIZE), { range: { start: 0, end: 7352376 } }, 'an END past the archive is its last byte');
  t.match(retrievalRange({ start: 1048576, end: 3145727 }, SIZE), { problem: /not tree-hash aligned.*smallest range that covers it and can be verified is 0-4194303/ });
  t.match(retrievalRange({ start: 2097152, end: 6291455 }, SIZE), { problem: /is 0-7352376$/ });
  t.match(retrievalRange({ start: 1000, end: 1048575 }, SIZE), { problem: /not megabyte aligned/ });
  t.match(retrievalRange({ start: 0, end: 1048574 }, SIZE), { problem: /not megabyte aligned/ });
  t.match(retrievalRange({ start: 8 * MiB, end: undefined }, SIZE), { problem: /past the end of the archive \(7352377 bytes\)/ });
});

t.test('alignedCover is the smallest tree node around a range', async (t) => {
  t.same(alignedCover({ start: 3 * MiB, end: 3 * MiB }, SIZE), { start: 3 * MiB, end: 4 * MiB - 1 });
  t.same(alignedCover({ start: 3 * MiB, end: 4 * MiB }, SIZE), { start: 0, end: 7352376 });
  t.same(alignedCover({ start: 5 * MiB, end: 7 * MiB }, SIZE), { start: 4 * MiB, end: 7352376 });
  for (let start = 0; start < SIZE; start += MiB) {
    for (let end = start; end < SIZE; end += MiB / 2) {
      const cover = alignedCover({ start, end }, SIZE);
      if (!isTreeHashAligned(cover.start, cover.end, SIZE) || cover.start > start || cover.end < end) t.fail(`cover of ${start}-${end}: ${cover.start}-${cover.end}`);
    }
  }
  t.pass('every cover is aligned and covers');
});

t.test('download pieces of an aligned range are each tree-hash aligned', async (t) => {
  t.ok(isAlignedChunkSize(MiB) && isAlignedChunkSize(16 * MiB) && isAlignedChunkSize(1024 * MiB));
  t.notOk(isAlignedChunkSize(3 * MiB) || isAlignedChunkSize(MiB / 2) || isAlignedChunkSize(MiB + 1));
  const sizes = [1, MiB - 1, MiB, MiB + 1, 3 * MiB + 5, SIZE, 16 * MiB, 33 * MiB + 7];
  let checked = 0;
  for (const size of sizes) {
    for (let start = 0; start < size; start += MiB) {
      for (let end = start; end < size; end += MiB) {
        const planned = retrievalRange({ start, end: end + MiB - 1 }, size);
        if (!('range' in planned)) continue;
        for (const chunkSize of [MiB, 2 * MiB, 4 * MiB, 16 * MiB]) {
          const pieces = [...downloadPieces(planned.range, chunkSize)];
          const covered = pieces.reduce((sum, piece) => sum + piece.length, 0);
          if (covered !== planned.range.end - planned.range.start + 1) t.fail(`pieces of ${planned.range.start}-${planned.range.end} cover ${covered} bytes`);
          for (const piece of pieces) {
            const first = planned.range.start + piece.offset;
            if (!isTreeHashAligned(first, first + piece.length - 1, size)) t.fail(`size ${size}, range ${start}-${end}, chunk ${chunkSize}: piece at ${piece.offset} is not aligned`);
            checked++;
          }
        }
      }
    }
  }
  t.ok(checked > 100, `${checked} pieces checked`);
  t.same([...downloadPieces({ start: 0, end: 5 * MiB - 1 }, 2 * MiB, 1)], [
    { index: 1, offset: 2 * MiB, length: 2 * MiB },
    { index: 2, offset: 4 * MiB, length: MiB },
  ], 'from a given piece on');
});
