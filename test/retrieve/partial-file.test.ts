// The partial file and its journal: pieces written are kept across runs only when they hash to
// what the journal says; anything else is cut off and fetched again; a journal for other bytes
// is never thrown away silently.

import t from 'tap';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalPath, PartialFile, partialPath } from '../../src/retrieve/partial-file.js';
import { DigestFolder, treeHash } from '../../src/treehash/tree-hash.js';
import { mod251, scratch } from '../helpers/data.js';

const MiB = 1024 * 1024;
const bytes = mod251(4 * MiB + 100);
const range = { start: 0, end: bytes.length - 1 };
const identity = { vault: 'v', archiveId: 'A', range, treeHash: treeHash(bytes), jobId: 'J1' };
const piece = (i: number) => bytes.subarray(i * MiB, Math.min((i + 1) * MiB, bytes.length));
const digest = (i: number) => Buffer.from(treeHash(piece(i)), 'hex');

/** Opens the partial file and writes pieces `from` to `to` - 1, then leaves it as a crash would. */
async function writePieces(path: string, from: number, to: number, chunkSize = MiB) {
  const folder = new DigestFolder();
  const partial = await PartialFile.open(path, identity, chunkSize, folder);
  for (let i = from; i < to; i++) await partial.write(i, piece(i), digest(i));
  await partial.close();
  return { partial, folder };
}

t.test('a fresh start, pieces written, resumed after the last journaled piece, completed', async (t) => {
  const path = join(scratch(t), 'out.bin');
  const first = await writePieces(path, 0, 3);
  t.same(first.partial.report, { kept: 0, dropped: 0 });
  t.notOk(existsSync(path), 'nothing under the real name yet');
  t.equal(readFileSync(journalPath(path), 'utf8').trim().split('\n').length, 4, 'a header and three pieces in the journal');

  const folder = new DigestFolder();
  const resumed = await PartialFile.open(path, { ...identity, jobId: 'J2' }, 4 * MiB, folder);
  t.same(resumed.report, { kept: 3, dropped: 0 }, 'a later job on the same archive and range resumes it');
  t.equal(resumed.resumeFrom, 3);
  t.equal(resumed.chunkSize, MiB, "the earlier run's piece size wins");
  await resumed.write(3, piece(3), digest(3));
  await resumed.write(4, piece(4), digest(4));
  folder.push(digest(3));
  folder.push(digest(4));
  t.equal(folder.digest().toString('hex'), identity.treeHash, 'the kept digests and the new ones make the archive tree hash');
  await resumed.complete();
  t.ok(readFileSync(path).equals(bytes), 'the file holds the archive');
  t.notOk(existsSync(partialPath(path)) || existsSync(journalPath(path)), 'no partial file or journal is left');
});

t.test('a damaged piece, bytes without a journal line and a torn journal line are fetched again', async (t) => {
  const path = join(scratch(t), 'out.bin');
  await writePieces(path, 0, 3);
  // Piece 1 changed on disk; bytes of piece 3 written but not journaled; a torn line at the end.
  const partial = readFileSync(partialPath(path));
  partial[MiB + 17] ^= 1;
  writeFileSync(partialPath(path), Buffer.concat([partial, piece(3)]));
  appendFileSync(journalPath(path), '{"chunk":3,"treeH');
  const folder = new DigestFolder();
  const resumed = await PartialFile.open(path, identity, MiB, folder);
  t.same(resumed.report, { kept: 1, dropped: 3 }, 'only piece 0 survives the re-hash');
  t.equal(statSync(partialPath(path)).size, MiB, 'the file is cut after the last good piece');
  t.equal(readFileSync(journalPath(path), 'utf8').trim().split('\n').length, 2, 'the journal lists what the file holds');
  await resumed.close();

  writeFileSync(partialPath(path), '');
  const emptied = await PartialFile.open(path, identity, MiB, new DigestFolder());
  t.same(emptied.report, { kept: 0, dropped: 0 }, 'a partial file emptied by hand: start afresh');
  await emptied.close();
});

t.test('a journal for other bytes is an error, and both files stay', async (t) => {
  const path = join(scratch(t), 'out.bin');
  await writePieces(path, 0, 2);
  const before = readFileSync(partialPath(path));
  for (const other of [{ archiveId: 'B' }, { range: { start: 0, end: 2 * MiB - 1 } }, { treeHash: '0'.repeat(64) }, { vault: 'w' }]) {
    await t.rejects(PartialFile.open(path, { ...identity, ...other }, MiB, new DigestFolder()), { code: 'PARTIAL_MISMATCH', message: /holds part of archive A bytes 0-4194403 of vault v, not of this retrieval; remove it and .*\.gl-journal, or write elsewhere/ });
  }
  t.ok(readFileSync(partialPath(path)).equals(before), 'the partial file is untouched');
});

t.test('discard: a whole range that did not match leaves neither file, so no run resumes from it', async (t) => {
  const path = join(scratch(t), 'out.bin');
  const partial = await PartialFile.open(path, identity, MiB, new DigestFolder());
  await partial.write(0, piece(0), digest(0));
  await partial.discard();
  t.notOk(existsSync(path) || existsSync(partialPath(path)) || existsSync(journalPath(path)), 'nothing is left');
  const again = await PartialFile.open(path, identity, MiB, new DigestFolder());
  t.same(again.report, { kept: 0, dropped: 0 }, 'the next run starts afresh');
  await again.close();
});
