// Where a part's bytes come from, and a fresh request body for each attempt to send them: a
// byte range of a file streamed from disk (memory does not grow with the part size), or the
// inline leaves already in memory. A body is never reused, so no retry sends a half-read stream.

import { createReadStream } from 'node:fs';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { PipesError } from '../errors.js';

export type PartSource =
  /** Bytes [start, start + size) of a file, read afresh for every attempt. */
  | { kind: 'file'; path: string; start: number; size: number }
  /** Bytes held in memory, in one or more Buffers. */
  | { kind: 'memory'; buffers: Buffer[]; size: number };

/** Read size for file parts: big enough for few syscalls and socket writes, small next to a part. */
const FILE_CHUNK = 1024 * 1024;
/** In-memory parts go out in views of this size (no copy), so progress moves smoothly. */
const MEMORY_CHUNK = 1024 * 1024;

/**
 * A new stream of the part's bytes. `onBytes` sees every chunk as it goes out (for progress).
 * A file that now ends before the part does fails the stream with SHORT_FILE, so the request
 * fails instead of waiting for bytes that never come.
 */
export function openPartBody(source: PartSource, onBytes?: (bytes: number) => void): Readable {
  if (source.kind === 'memory') {
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
  const end = source.start + source.size;
  const file = createReadStream(source.path, { start: source.start, end: end - 1, highWaterMark: FILE_CHUNK });
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      onBytes?.(chunk.length);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (seen === source.size) return done();
      done(new PipesError('SHORT_FILE', `${source.path}: the file ends at byte ${source.start + seen}, before the end of bytes ${source.start}-${end - 1} (changed since it was chunked?)`));
    },
  });
  return pipeline(file, counter, () => {});
}
