// Where a part's bytes come from, and a fresh request body for each attempt to send them: a
// byte range of a file streamed from disk (memory does not grow with the part size), or the
// inline leaves already in memory. A body is never reused, so no retry sends a half-read stream.

import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PipesError } from '../errors.js';

export type PartSource =
  /** Bytes [start, start + size) of a file, read afresh for every attempt. */
  | { kind: 'file'; path: string; start: number; size: number }
  /** Bytes held in memory, in one or more Buffers. */
  | { kind: 'memory'; buffers: Buffer[]; size: number };

/** Read size for file parts: big enough for few syscalls and socket writes, small next to a part. */
const FILE_CHUNK = 1024 * 1024;
/** Chunks of one file body read ahead or on their way into the socket when it is piped. */
const FILE_BUFFERS = 4;
/** In-memory parts go out in views of this size (no copy), so progress moves smoothly. */
const MEMORY_CHUNK = 1024 * 1024;

/**
 * A new stream of the part's bytes. `onBytes` sees every chunk as it goes out (for progress).
 * A file that now ends before the part does fails the stream with SHORT_FILE, so the request
 * fails instead of waiting for bytes that never come.
 */
export function openPartBody(source: PartSource, onBytes?: (bytes: number) => void): Readable {
  if (source.kind === 'file') return new FileRangeBody(source, onBytes);
  return Readable.from(
    (function* () {
      for (const buffer of source.buffers) {
        for (let at = 0; at < buffer.length; at += MEMORY_CHUNK) {
          const chunk = buffer.subarray(at, at + MEMORY_CHUNK);
          onBytes?.(chunk.length);
          yield chunk;
        }
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Whether the whole body went out: a request that fails after this may have been carried out
 * (its answer lost), so resending it may do the work twice. A file body knows when every chunk
 * was flushed to the socket; a memory body only when its last chunk was handed to the request,
 * which may still hold it: the answer errs on the side of "sent".
 */
export function wholeBodySent(body: Readable): boolean {
  return body instanceof FileRangeBody ? body.flushed === body.source.size || body.readableEnded : body.readableEnded;
}

/**
 * A byte range of a file. Read as a stream, every chunk is a new Buffer. Piped (what the SDK
 * does with a request body), it reads into FILE_BUFFERS buffers of its own and reuses each once
 * the destination's write callback says the socket is done with it: a gigabyte sent makes no
 * garbage, where a new buffer per chunk cost about as much in garbage collection as the reading
 * itself. An error (a short file) destroys the destination too, so a request fails at once.
 */
class FileRangeBody extends Readable {
  private readonly file: Promise<FileHandle>;
  private position: number;
  private readonly end: number;
  /** Bytes the destination has written out, when piped. */
  flushed = 0;
  /** Wakes a pump waiting for a free buffer (a write finished, or this stream was destroyed). */
  private wake: (() => void) | undefined;

  constructor(
    readonly source: Extract<PartSource, { kind: 'file' }>,
    private readonly onBytes: ((bytes: number) => void) | undefined,
  ) {
    super({ highWaterMark: FILE_CHUNK });
    this.position = source.start;
    this.end = source.start + source.size;
    this.file = open(source.path, 'r');
    this.file.catch(() => {});
    // Piped by the SDK, nobody listens for this stream's errors: the request fails through the
    // destroyed destination, and the sender reads the cause from `errored`.
    this.on('error', () => {});
  }

  override _read(): void {
    this.next(Buffer.allocUnsafeSlow(FILE_CHUNK)).then(
      (chunk) => {
        if (chunk) this.onBytes?.(chunk.length);
        this.push(chunk ?? null);
      },
      (err: Error) => this.destroy(err),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    void this.pump(destination as T & { destroy?: (err?: Error) => void }, options?.end !== false);
    return destination;
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.wake?.();
    this.file.then((handle) => handle.close(), () => {}).then(() => callback(err), callback);
  }

  /** Reads the next chunk into `into`; undefined once the range is done. */
  private async next(into: Buffer): Promise<Buffer | undefined> {
    if (this.position >= this.end) return undefined;
    const handle = await this.file;
    const want = Math.min(into.length, this.end - this.position);
    for (let filled = 0; filled < want; ) {
      const { bytesRead } = await handle.read(into, filled, want - filled, this.position + filled);
      if (bytesRead === 0) throw this.shortFile(this.position + filled);
      filled += bytesRead;
    }
    this.position += want;
    return into.subarray(0, want);
  }

  private async pump(destination: NodeJS.WritableStream & { destroy?: (err?: Error) => void; destroyed?: boolean }, end: boolean): Promise<void> {
    const free: Buffer[] = [];
    let allocated = 0;
    const gone = () => this.destroyed || destination.destroyed === true;
    try {
      for (;;) {
        while (free.length === 0 && allocated === FILE_BUFFERS && !gone()) await new Promise<void>((resolve) => (this.wake = resolve));
        if (gone()) return;
        const buffer = free.pop() ?? (allocated++, Buffer.allocUnsafeSlow(FILE_CHUNK));
        const chunk = await this.next(buffer);
        if (!chunk) break;
        // Counted only as it goes out: once a failed attempt has taken its bytes back, its
        // body is destroyed before anything here runs again.
        if (gone()) return;
        this.onBytes?.(chunk.length);
        const length = chunk.length;
        destination.write(chunk, (err?: Error | null) => {
          if (!err) this.flushed += length;
          free.push(buffer);
          this.wake?.();
        });
      }
      if (end) destination.end();
    } catch (err) {
      this.destroy(err as Error);
      destination.destroy?.(err as Error);
    }
  }

  private shortFile(at: number): PipesError {
    const { path, start } = this.source;
    return new PipesError('SHORT_FILE', `${path}: the file ends at byte ${at}, before the end of bytes ${start}-${this.end - 1} (changed since it was chunked?)`);
  }
}
