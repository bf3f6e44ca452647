// A new file written block by block with O_DIRECT where the system allows it: the bytes go from
// the caller's page-aligned memory to the disk without a copy in the page cache. gl-local fsyncs
// every part before it answers, so the cache never spared a disk write, and filling it cost more
// than anything else the server did (on a virtual machine that hands freed memory back to its
// host, a fault per page: 1.2 CPU seconds per GiB stored, measured in a profile; a direct write
// of 1 GiB took 0.08).
//
// The file is created as any other, then opened a second time for direct writes: Linux creates
// a file before it checks whether its file system takes O_DIRECT. Where O_DIRECT is refused (a
// file system without it, such as tmpfs before Linux 6.6, or memory or offsets the disk will not
// take), the bytes go through the first descriptor and the page cache.

import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';

/**
 * Direct writes must start, and end, on a multiple of the disk's logical block size. A page is a
 * multiple of every size in use (512 and 4096 bytes).
 */
export const DIRECT_ALIGNMENT = 4096;

/** Cleared once a direct open or write has been refused: later files go through the cache at once. */
let directAllowed = constants.O_DIRECT !== undefined;

export class DirectFile {
  /** Opened with O_DIRECT; undefined once a direct write is refused (it is still closed at the end). */
  private direct: FileHandle | undefined;
  /** The last direct write went past the end of the data, to a whole block. */
  private padded = false;

  private constructor(
    /** Created as usual: writes go here when direct ones are refused; truncate and sync. */
    private readonly cached: FileHandle,
    private readonly directOpened: FileHandle | undefined,
  ) {
    this.direct = directOpened;
  }

  /** Creates `path`, which must not exist. */
  static async create(path: string, options: { direct?: boolean } = {}): Promise<DirectFile> {
    const cached = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    if (options.direct === false || !directAllowed) return new DirectFile(cached, undefined);
    try {
      return new DirectFile(cached, await open(path, constants.O_WRONLY | constants.O_DIRECT));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINVAL') {
        directAllowed = false;
        return new DirectFile(cached, undefined);
      }
      await cached.close();
      await rm(path, { force: true });
      throw err;
    }
  }

  /** Whether bytes go straight to the disk. */
  get isDirect(): boolean {
    return this.direct !== undefined;
  }

  /**
   * Writes `length` bytes of `block` at `position`. For a direct write the block must be
   * page-aligned memory (AlignedBlocks) and the position a multiple of DIRECT_ALIGNMENT; a
   * length that is not one is the file's last write, padded with zeros in `block` beyond
   * `length` (the caller leaves that room and does not read it) and cut off by finish().
   */
  async write(block: Buffer, length: number, position: number): Promise<void> {
    if (this.direct) {
      const whole = Math.ceil(length / DIRECT_ALIGNMENT) * DIRECT_ALIGNMENT;
      if (whole > length) {
        block.fill(0, length, whole);
        this.padded = true;
      }
      try {
        await writeAll(this.direct, block, whole, position);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        // Writes still in flight on the direct descriptor finish there, or fail and come here.
        this.direct = undefined;
        directAllowed = false;
      }
    }
    await writeAll(this.cached, block, length, position);
  }

  /** Makes the file `size` bytes long (dropping padding) and flushes it to disk. */
  async finish(size: number): Promise<void> {
    if (this.padded) await this.cached.truncate(size);
    await this.cached.datasync();
  }

  async close(): Promise<void> {
    await Promise.all([this.cached.close(), this.directOpened?.close()]);
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesWritten } = await handle.write(bytes, done, length - done, position + done);
    done += bytesWritten;
  }
}
