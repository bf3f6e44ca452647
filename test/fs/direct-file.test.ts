// Files written block by block: with O_DIRECT where the file system takes it (the bytes, the
// exact size, the padding of a short last block cut off), through the cache where it does not,
// and the switch from one to the other when a direct write is refused. (A file system that
// refuses O_DIRECT at open: test/local/direct-io.test.ts.)

import { closeSync, constants, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { AlignedBlocks } from '../../src/fs/aligned-blocks.js';
import { DirectFile } from '../../src/fs/direct-file.js';
import { MiB, scratch, seededBytes } from '../helpers/data.js';

/** What this directory's file system does with O_DIRECT: refused at open, or taken; and whether a write from unaligned memory is refused. */
function probeDirect(dir: string): { opens: boolean; refusesUnaligned: boolean } {
  const probe = join(dir, `glp-direct-probe-${process.pid}`);
  closeSync(openSync(probe, 'w'));
  try {
    const fd = openSync(probe, constants.O_WRONLY | constants.O_DIRECT);
    try {
      writeSync(fd, Buffer.alloc(4097).subarray(1), 0, 4096, 0);
      return { opens: true, refusesUnaligned: false };
    } catch (err) {
      return { opens: true, refusesUnaligned: (err as NodeJS.ErrnoException).code === 'EINVAL' };
    } finally {
      closeSync(fd);
    }
  } catch {
    return { opens: false, refusesUnaligned: false };
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Writes `bytes` to `file` one block at a time, all blocks in flight at once. */
async function writeBlocks(file: DirectFile, bytes: Buffer, blocks: AlignedBlocks | undefined): Promise<void> {
  const writes: Promise<void>[] = [];
  for (let at = 0; at < bytes.length; at += MiB) {
    const piece = bytes.subarray(at, at + MiB);
    const block = blocks ? await blocks.take() : Buffer.alloc(MiB + 1).subarray(1);
    piece.copy(block);
    writes.push(file.write(block, piece.length, at));
  }
  await Promise.all(writes);
  await file.finish(bytes.length);
  await file.close();
}

t.test('aligned blocks are written directly, short last block included', async (t) => {
  const dir = scratch(t);
  for (const size of [1, 4096, 4097, MiB, 3 * MiB + 17, 9 * MiB]) {
    const bytes = seededBytes(size, size);
    const path = join(dir, `f${size}`);
    const file = await DirectFile.create(path);
    t.equal(file.isDirect, probeDirect(dir).opens, `${size} bytes: direct exactly when the file system allows it`);
    await writeBlocks(file, bytes, new AlignedBlocks(MiB, 10));
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
  await writeBlocks(file, bytes, new AlignedBlocks(MiB, 3));
  t.ok(readFileSync(path).equals(bytes));
});

// Last: a refused direct write turns direct writes off for the rest of the process.
const probed = probeDirect(tmpdir());
const skip = probed.refusesUnaligned ? false : 'the temporary directory takes no O_DIRECT, or takes unaligned direct writes';
t.test('a direct write the disk refuses (memory not aligned) goes through the cache instead', { skip }, async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(3 * MiB + 1000, 4);
  const path = join(dir, 'fallback');
  const file = await DirectFile.create(path);
  t.equal(file.isDirect, true, 'begins direct');
  await writeBlocks(file, bytes, undefined);
  t.equal(file.isDirect, false, 'no longer direct');
  t.equal(statSync(path).size, bytes.length);
  t.ok(readFileSync(path).equals(bytes), 'every byte written, in its place');
  const later = await DirectFile.create(join(dir, 'later'));
  t.equal(later.isDirect, false, 'later files do not try again');
  await later.close();
});
