// Durable file operations: a file or rename is on disk before the caller acknowledges it, so a
// kill -9 (or a power cut) at any moment loses nothing that was acknowledged.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsync a directory, so the names created, renamed or removed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a whole file atomically: temp file in the same directory, fsync, rename, fsync dir. */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temp, path);
  await fsyncDir(dir);
}

/** Renames and makes both directory entries durable. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDir(dirname(to));
  if (dirname(from) !== dirname(to)) await fsyncDir(dirname(from));
}

/**
 * Removes a directory tree without ever leaving it half-removed under its name: it is first
 * renamed into `trashDir` (atomic), then deleted. Whatever a crash leaves in the trash is
 * removed on the next start.
 */
export async function removeDurably(path: string, trashDir: string): Promise<void> {
  const trashed = join(trashDir, `${randomBytes(8).toString('hex')}-${basename(path).slice(0, 64)}`);
  await renameDurably(path, trashed);
  await rm(trashed, { recursive: true, force: true });
}

/** Writes and fsyncs a file whose directory is not published yet (see publishDir). */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Builds a directory under `scratchDir`, then moves it to `finalPath` in one rename, so the
 * directory appears complete or not at all.
 */
export async function publishDir(scratchDir: string, finalPath: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const dir = join(scratchDir, `${randomBytes(8).toString('hex')}.dir`);
  await mkdir(dir);
  try {
    await fill(dir);
    await fsyncDir(dir);
    await renameDurably(dir, finalPath);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
