// Writing bytes to an output stream with backpressure: the promise settles once the stream has
// handed the chunk on (to the pipe, the file), so a slow reader downstream (`| gzip`, ssh)
// slows the fetch instead of filling memory. A write error is thrown, not left to an event.

import type { Writable } from 'node:stream';

export function writeOut(out: Writable, chunk: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}
