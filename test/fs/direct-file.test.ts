// Files written block by block: with O_DIRECT where the file system takes it (the bytes, the exact
// size, the padding of a short last leaf cut off), through the cache where it does not, and the
// switch from one to the other when a direct write is refused.

import { closeSync, constants, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { AlignedBlocks } from '../../src/fs/aligned-blocks.js';
import { DirectFile } from '../../src/fs/direct-file.js';
import { MiB, scratch, seededBytes } from '../helpers/data.js';

/** Whether this directory's file system opens files with O_DIRECT (tmpfs before Linux 6.6 does not). */
function directWorksIn(dir: string): boolean {
  if (constants.O_DIRECT === undefined) return false;
  const probe = join(dir, `glp-direct-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Writes `bytes` to `path` one leaf at a time, all leaves in flight at once, as receiveToFile does. */
async function writeLeaves(file: DirectFile, bytes: Buffer, leaves: AlignedBlocks | undefined): Promise<void> {
  const writes: Promise<void>[] = [];
  for (let at = 0; at < bytes.length; at += MiB) {
    const piece = bytes.subarray(at, at + MiB);
    const leaf = leaves ? leaves.take() : Buffer.alloc(MiB + 1).subarray(1);
    piece.copy(leaf);
    writes.push(file.write(leaf, piece.length, at));
  }
  await Promise.all(writes);
  await file.finish(bytes.length);
  await file.close();
}

t.test('aligned leaves are written directly, short last leaf included', async (t) => {
  const dir = scratch(t);
  const leaves = new AlignedBlocks(MiB);
  for (const size of [1, 4096, 4097, MiB, 3 * MiB + 17, 9 * MiB]) {
    const bytes = seededBytes(size, size);
    const path = join(dir, `f${size}`);
    const file = await DirectFile.create(path);
    t.equal(file.isDirect, directWorksIn(dir), `${size} bytes: direct exactly when the file system allows it`);
    await writeLeaves(file, bytes, leaves);
    t.equal(statSync(path).size, size, `${size} bytes: the padding is cut off`);
    t.ok(readFileSync(path).equals(bytes), `${size} bytes: the same bytes`);
  }
});

t.test('an empty file, and a file that exists already', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'empty');
  const file = await DirectFile.create(path);
  await file.finish(0);
  await file.close();
  t.equal(statSync(path).size, 0);
  await t.rejects(DirectFile.create(path), { code: 'EEXIST' });
});

t.test('written through the cache when asked', async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(2 * MiB + 5, 3);
  const path = join(dir, 'cached');
  const file = await DirectFile.create(path, { direct: false });
  t.equal(file.isDirect, false);
  await writeLeaves(file, bytes, new AlignedBlocks(MiB));
  t.ok(readFileSync(path).equals(bytes));
});

// Last: a refused direct write turns direct writes off for the rest of the process.
const skip = directWorksIn(tmpdir()) ? false : 'the temporary directory takes no O_DIRECT';
t.test('a direct write the disk refuses (memory not aligned) goes through the cache instead', { skip }, async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(3 * MiB + 1000, 4);
  const path = join(dir, 'fallback');
  const file = await DirectFile.create(path);
  t.equal(file.isDirect, true, 'begins direct');
  await writeLeaves(file, bytes, undefined);
  t.equal(file.isDirect, false, 'no longer direct');
  t.equal(statSync(path).size, bytes.length);
  t.ok(readFileSync(path).equals(bytes), 'every byte written, in its place');
  const later = await DirectFile.create(join(dir, 'later'));
  t.equal(later.isDirect, false, 'later files do not try again');
  await later.close();
});
