// Writes records as NDJSON lines to a Writable with backpressure: once more than `highWaterMark`
// bytes are handed over but not yet written out, each write waits, so a slow reader downstream
// slows the writer instead of filling memory. Counting unfinished bytes (rather than waiting for
// 'drain', which comes only when everything is written) keeps a line or two queued, so the pipe
// never runs dry between megabyte data lines.

import type { Writable } from 'node:stream';
import { encodeDataLine, MAX_DATA_LINE_BYTES } from './data-line.js';
import type { RecordBase } from './types.js';

export interface RecordWriterOptions {
  /** Bytes handed over and not yet written out before a write waits (default 4 MiB). */
  highWaterMark?: number;
}

export class RecordWriter {
  private readonly highWaterMark: number;
  private queued = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** Data-line buffers whose writes have finished, ready for the next data record. */
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly output: Writable,
    options: RecordWriterOptions = {},
  ) {
    this.highWaterMark = options.highWaterMark ?? 4 * 1024 * 1024;
  }

  /** One record as one JSON line. */
  write(record: RecordBase): Promise<void> {
    return this.send(Buffer.from(`${JSON.stringify(record)}\n`));
  }

  /** A line read earlier, passed on byte for byte; a newline is added if it has none. */
  writeRaw(raw: Buffer): Promise<void> {
    return this.send(raw.length > 0 && raw[raw.length - 1] === 10 ? raw : Buffer.concat([raw, Buffer.from('\n')]));
  }

  /** A `data` record, built without JSON.stringify in a reused buffer (see data-line.ts). */
  writeData(part: number, offset: number, bytes: Uint8Array): Promise<void> {
    const buffer = this.spare.pop() ?? Buffer.allocUnsafeSlow(MAX_DATA_LINE_BYTES);
    return this.send(encodeDataLine(part, offset, bytes, buffer), () => this.spare.push(buffer));
  }

  /** Resolves once everything handed over has been written out (or rejects with the write error). */
  async flush(): Promise<void> {
    while (this.queued > 0 && !this.failure) await this.progress();
    if (this.failure) throw this.failure;
  }

  private async send(chunk: Buffer, release?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    this.queued += chunk.length;
    this.output.write(chunk, (err) => {
      this.queued -= chunk.length;
      if (err) this.failure ??= err;
      else release?.();
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
    while (this.queued > this.highWaterMark && !this.failure) await this.progress();
    if (this.failure) throw this.failure;
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }
}
