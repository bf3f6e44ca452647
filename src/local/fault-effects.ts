// The faults that act on bytes in flight: a connection reset halfway through a body, and a
// response body with one byte inverted. They wrap the response, so they work the same for
// Glacier replies and for whatever the S3 backend writes.

import type { IncomingMessage, ServerResponse } from 'node:http';

type Chunk = string | Uint8Array;
type Callback = (err?: Error | null) => void;

/** Reads about half of the request body, then resets the connection: nothing of it is stored. */
export function resetMidRequestBody(req: IncomingMessage, expectedLength: number): Promise<void> {
  const half = Math.max(1, Math.floor(expectedLength / 2));
  return new Promise((resolve) => {
    let received = 0;
    const reset = () => {
      req.removeAllListeners('data');
      req.socket.resetAndDestroy();
      resolve();
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= half) reset();
    });
    req.on('end', reset);
    req.on('close', resolve);
  });
}

/**
 * Lets the response through until half of its body (by Content-Length, else half of the first
 * chunk), then resets the connection. A response without a body is dropped: the operation took
 * effect, the client never hears of it.
 */
export function resetMidResponseBody(res: ServerResponse): void {
  let cut: number | undefined;
  interceptBody(res, (chunk, offset) => {
    cut ??= Math.floor((declaredLength(res) ?? chunk.length) / 2);
    return offset + chunk.length > cut ? { bytes: chunk.subarray(0, Math.max(0, cut - offset)), reset: true } : { bytes: chunk, reset: false };
  }, true);
}

/** Inverts one byte in the middle of the response body (by Content-Length, else of the first chunk). */
export function corruptResponseBody(res: ServerResponse): void {
  let target: number | undefined;
  interceptBody(res, (chunk, offset) => {
    target ??= offset + Math.floor((declaredLength(res) ?? chunk.length) / 2);
    if (target < offset || target >= offset + chunk.length) return { bytes: chunk, reset: false };
    const bytes = Buffer.from(chunk);
    bytes[target - offset] ^= 0xff;
    return { bytes, reset: false };
  }, false);
}

function declaredLength(res: ServerResponse): number | undefined {
  const value = res.getHeader('content-length');
  return value === undefined ? undefined : Number(value);
}

type BodyFilter = (chunk: Buffer, offset: number) => { bytes: Buffer; reset: boolean };

function interceptBody(res: ServerResponse, filter: BodyFilter, resetWithoutBody: boolean): void {
  const write = res.write.bind(res) as (chunk: Chunk, callback?: Callback) => boolean;
  const end = res.end.bind(res) as (chunk?: Chunk | Callback, callback?: Callback) => ServerResponse;
  let offset = 0;
  let dead = false;
  const resetNow = () => {
    dead = true;
    res.socket?.resetAndDestroy();
  };
  /** Sends the bytes before the cut, then resets once they have left. */
  const cutOff = (bytes: Buffer) => {
    dead = true;
    write(bytes, () => setImmediate(resetNow));
  };
  const pass = (chunk: Chunk, encoding: unknown): { bytes: Buffer; reset: boolean } => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const result = buffer.length === 0 ? { bytes: buffer, reset: false } : filter(buffer, offset);
    offset += buffer.length;
    return result;
  };
  res.write = ((chunk: Chunk, encoding?: unknown, callback?: unknown): boolean => {
    if (dead) return false;
    const done = (typeof encoding === 'function' ? encoding : callback) as Callback | undefined;
    const { bytes, reset } = pass(chunk, encoding);
    if (!reset) return write(bytes, done);
    cutOff(bytes);
    return false;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse => {
    if (dead) return res;
    const done = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as Callback | undefined;
    if (chunk === undefined || chunk === null || typeof chunk === 'function') {
      // No (more) body: a reset that never saw a body drops the whole response.
      if (offset === 0 && resetWithoutBody) resetNow();
      else end(done);
      return res;
    }
    const { bytes, reset } = pass(chunk as Chunk, encoding);
    if (!reset) return end(bytes, done);
    cutOff(bytes);
    return res;
  }) as ServerResponse['end'];
}
