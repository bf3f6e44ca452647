// A new file written block by block with O_DIRECT where the system allows it: the bytes go from the
// caller's page-aligned memory to the disk without a copy in the page cache. gl-local fsyncs every
// part before it answers, so the cache never spared a disk write, and filling it cost more than
// anything else the server did (on a virtual machine that hands freed memory back to its host, a
// fault per page: 1.2 CPU seconds per GiB stored, measured in a profile; a direct write of 1 GiB
// took 0.08).
//
// Where O_DIRECT is refused (a file system without it, another platform, memory or offsets the
// disk will not take), the file is written through the cache as any other.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Direct writes must start, and end, on a multiple of the disk's logical block size. A page is a
 * multiple of every size in use (512 and 4096 bytes).
 */
export const DIRECT_ALIGNMENT = 4096;

/** Cleared once a direct write has been refused: later files go through the cache at once. */
let directAllowed = constants.O_DIRECT !== undefined;

export class DirectFile {
  /** Every handle opened for this file: a fallback opens a second, and all close at the end. */
  private readonly opened: Promise<FileHandle>[];
  private handle: Promise<FileHandle>;
  private direct: boolean;
  /** A direct write went past the end of the data, to a whole block. */
  private padded = false;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    direct: boolean,
  ) {
    this.handle = Promise.resolve(handle);
    this.opened = [this.handle];
    this.direct = direct;
  }

  /** Creates `path`, which must not exist. */
  static async create(path: string, options: { direct?: boolean } = {}): Promise<DirectFile> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    if (options.direct !== false && directAllowed) {
      try {
        return new DirectFile(path, await open(path, flags | constants.O_DIRECT, 0o644), true);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    return new DirectFile(path, await open(path, flags, 0o644), false);
  }

  /** Whether bytes go straight to the disk. */
  get isDirect(): boolean {
    return this.direct;
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
        await writeAll(await this.handle, block, whole, position);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        this.stopDirect();
      }
    }
    await writeAll(await this.handle, block, length, position);
  }

  /** Makes the file `size` bytes long (dropping padding) and flushes it to disk. */
  async finish(size: number): Promise<void> {
    const handle = await this.handle;
    if (this.padded) await handle.truncate(size);
    await handle.datasync();
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.opened);
    await Promise.all(results.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  }

  /** A direct write was refused: this file and every later one go through the cache. */
  private stopDirect(): void {
    directAllowed = false;
    if (!this.direct) return;
    this.direct = false;
    // Writes still in flight on the direct handle finish there, or fail and come here too.
    this.handle = open(this.path, constants.O_WRONLY);
    this.handle.catch(() => {});
    this.opened.push(this.handle);
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesWritten } = await handle.write(bytes, done, length - done, position + done);
    done += bytesWritten;
  }
}
