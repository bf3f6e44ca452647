// Hashing byte ranges of files off the main thread. The tree hash alone (gl-treehash FILE, checks
// of retrieved bytes) is spread over every core: the range is cut into blocks of whole leaves
// that workers hash independently, and the main thread folds their 32-byte digests in order.
// With the linear SHA-256 as well (upload parts), which cannot be split, one worker reads the
// range once and feeds every leaf to both hashes while ranges hashed side by side use the other
// cores; a range hashed while other workers idle has its linear SHA-256 and its leaves hashed
// apart, on all of them.

import { open, stat } from 'node:fs/promises';
import { PipesError } from '../errors.js';
import { HashJobError, quietly, sharedHashPool, type HashPool } from './hash-pool.js';
import { DigestFolder, LEAF_SIZE, treeHash } from './tree-hash.js';

/** Leaves per worker job: big enough to amortise a message, small enough to balance the cores. */
const BLOCK_SIZE = 16 * LEAF_SIZE;

export interface FileRangeHashOptions {
  /** Also compute the linear SHA-256 (default true); gl-treehash FILE needs only the tree hash. */
  linear?: boolean;
  /** Defaults to the process-wide pool (one worker per core). */
  pool?: HashPool;
  /**
   * Stops queuing work when aborted; the returned promise rejects with the signal's reason. (A
   * range hashed with its linear SHA-256 is one job, which runs to its end first.)
   */
  signal?: AbortSignal;
}

export interface FileRangeHash {
  treeHash: string;
  /** Present unless `linear: false` was asked for. */
  sha256?: string;
}

/**
 * Tree hash (and linear SHA-256) of `size` bytes of `path` starting at byte `start`, computed in
 * worker threads. `size` must be at least 1: Glacier parts and archives are never empty.
 * Rejects with a PipesError when the path is not a regular file (code NOT_A_FILE) or the file
 * ends before the range does (SHORT_FILE); fs errors (ENOENT, EACCES) pass through as they are.
 */
export async function hashFileRange(path: string, start: number, size: number, options: FileRangeHashOptions = {}): Promise<FileRangeHash> {
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`hashFileRange: bad range start=${start} size=${size}`);
  }
  const pool = options.pool ?? sharedHashPool();
  const signal = options.signal;
  signal?.throwIfAborted();
  const end = start + size;
  // One descriptor for every job: all workers read the same file even if the path is replaced.
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new PipesError('NOT_A_FILE', `${path}: is a directory`);
    if (!stats.isFile()) throw new PipesError('NOT_A_FILE', `${path}: not a regular file (byte ranges need one)`);
    if (stats.size < end) throw shortFile(path, stats.size, start, end);
    const folder = new DigestFolder();
    const fold = (leafDigests: Buffer) => {
      for (let at = 0; at < leafDigests.length; at += 32) folder.push(leafDigests.subarray(at, at + 32));
    };
    const withLinear = options.linear !== false;
    if (withLinear && (pool.idle < 2 || size <= BLOCK_SIZE)) {
      // One read for both hashes: reading each byte twice cost gl-put-parts and gl-local about
      // 0.15 CPU-seconds per GiB each, and uploads hash several parts at once anyway.
      const digests = await pool.run({ op: 'leavesAndLinear', fd: handle.fd, start, end });
      signal?.throwIfAborted();
      fold(digests.subarray(0, -32));
      return { treeHash: folder.digest().toString('hex'), sha256: digests.subarray(-32).toString('hex') };
    }
    // With cores idle (a part hashed alone, as an upload's first and last are), the linear
    // SHA-256 takes one worker and the leaves go to the others: the part is done in about half
    // the time, for one more read of it from the page cache.
    const linear = withLinear ? quietly(pool.run({ op: 'linear', fd: handle.fd, start, end })) : undefined;
    // Keep only a few blocks in flight so that a huge range needs little memory.
    const window = pool.size * 2;
    const inFlight: Promise<Buffer>[] = [];
    let next = start;
    const submit = () => {
      const blockEnd = Math.min(next + BLOCK_SIZE, end);
      inFlight.push(quietly(pool.run({ op: 'leaves', fd: handle.fd, start: next, end: blockEnd })));
      next = blockEnd;
    };
    try {
      while (next < end && inFlight.length < window) submit();
      while (inFlight.length > 0) {
        signal?.throwIfAborted();
        fold(await inFlight.shift()!);
        if (next < end) submit();
      }
      const treeHash = folder.digest().toString('hex');
      return linear ? { treeHash, sha256: (await linear).toString('hex') } : { treeHash };
    } catch (err) {
      // Every job must settle before the descriptor closes, even when one fails.
      await Promise.allSettled([...inFlight, linear]);
      throw err;
    }
  } catch (err) {
    throw err instanceof HashJobError && err.code === 'SHORT_FILE' ? shortFile(path, err.bytesRead ?? 0, start, end) : err;
  } finally {
    await handle.close();
  }
}

/** Tree hash of a whole regular file, on every core. An empty file hashes as one empty leaf. */
export async function treeHashFile(path: string, options: Omit<FileRangeHashOptions, 'linear'> = {}): Promise<string> {
  const stats = await stat(path);
  if (stats.isFile() && stats.size === 0) return treeHash(new Uint8Array(0));
  // hashFileRange refuses directories and other non-files with a clear message.
  return (await hashFileRange(path, 0, Math.max(stats.size, 1), { ...options, linear: false })).treeHash;
}

function shortFile(path: string, fileEnd: number, start: number, end: number): PipesError {
  return new PipesError('SHORT_FILE', `${path}: the file ends at byte ${fileEnd}, before the end of bytes ${start}-${end - 1} (changed since it was chunked?)`);
}
