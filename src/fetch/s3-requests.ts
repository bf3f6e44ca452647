// S3 requests as gl-fetch-results makes them: each one retried with backoff (5xx, throttling,
// dropped connections, a body cut short, a checksum that does not match), because a fetch that
// runs for an hour must not fail on one bad request. The S3 client itself should not retry
// (createS3Client(settings, { maxAttempts: 1 })), so the waits are ours and predictable.

import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../require-commonjs.js';
import { httpStatus, isRetryable } from '../aws/errors.js';
import { withRetries } from '../aws/retry.js';
import { DamagedObjectError } from './object-check.js';

const { GetObjectCommand } = s3Sdk();

/** An object in S3. */
export interface S3ObjectRef {
  bucket: string;
  key: string;
}

export function s3Uri(ref: S3ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

/** A response body that ended before its Content-Length: worth another attempt. */
export class TruncatedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedBodyError';
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Attempts per request, the first included (default 8). */
  attempts?: number;
  /** Told of every failed attempt that will be retried. */
  onRetry?: (what: string, err: unknown, attempt: number) => void;
}

/**
 * Worth another attempt: what isRetryable says, plus a body cut short, and bytes that do not match
 * the object's checksum (the SDK's own check of whole-object GETs, or ours).
 */
export function isRetryableRead(err: unknown): boolean {
  return isRetryable(err) || err instanceof TruncatedBodyError || err instanceof DamagedObjectError || /checksum mismatch/i.test((err as Error)?.message ?? '');
}

/** Runs `attempt` until it succeeds, retrying what isRetryableRead allows. `what` names the request in retry reports. */
export function retried<T>(what: string, attempt: (signal: AbortSignal | undefined) => Promise<T>, options: RequestOptions): Promise<T> {
  return withRetries(() => attempt(options.signal), {
    attempts: options.attempts,
    signal: options.signal,
    shouldRetry: isRetryableRead,
    onRetry: (err, n) => options.onRetry?.(what, err, n),
  });
}

/**
 * Exactly `length` bytes of a response body, copied into `into` (a new buffer by default); a
 * body shorter or longer than that is a TruncatedBodyError. `onBytes` sees each piece as it
 * arrives (to hash while the rest is still on the way).
 */
export async function readExactly(
  body: AsyncIterable<Uint8Array>,
  length: number,
  what: string,
  into: Buffer = Buffer.allocUnsafe(length),
  onBytes?: (piece: Uint8Array) => void,
): Promise<Buffer> {
  let at = 0;
  for await (const piece of body) {
    if (at + piece.length > length) throw new TruncatedBodyError(`${what}: the response holds more than the ${length} bytes it announced`);
    into.set(piece, at);
    onBytes?.(piece);
    at += piece.length;
  }
  if (at < length) throw new TruncatedBodyError(`${what}: the response ended after ${at} of ${length} bytes`);
  return into.subarray(0, length);
}

/**
 * A small object as text (a manifest, an error object), or undefined when there is no such key.
 * A 404 is taken at its status line: an error body cut short or garbled still says "no such key"
 * (NoSuchBucket excepted).
 */
export function getText(s3: S3Client, ref: S3ObjectRef, options: RequestOptions): Promise<string | undefined> {
  return retried(
    `GET ${s3Uri(ref)}`,
    async (signal) => {
      try {
        const answer = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }), { abortSignal: signal });
        return (await readExactly(answer.Body as AsyncIterable<Uint8Array>, answer.ContentLength ?? 0, s3Uri(ref))).toString('utf8');
      } catch (err) {
        if (httpStatus(err) === 404 && (err as Error).name !== 'NoSuchBucket') return undefined;
        throw err;
      }
    },
    options,
  );
}
