// The bytes of a list of S3 objects, in list order, fetched concurrently: each object is read in
// chunks of `chunkSize` by ranged GETs (an object no larger than one chunk in one GET), at most
// `concurrency` in flight, at most that many finished chunks waiting, each chunk handed out only
// when whole. Chunks are read into `concurrency + 1` buffers used over and over, so memory stays
// flat and the garbage collector has little to do. A failed GET is retried for the same range, so no byte is lost or repeated; If-Match
// holds every GET to the version HEAD saw, so an object replaced midway is an error, never a mix.
//
// Each object's bytes are checked against what HEAD says they are (object-check.ts). A one-GET
// object is checked before it is handed out, and retried if damaged. A ranged object can only be
// checked once its last range is in: a mismatch then fails the read (DamagedObjectError) before
// that last range is handed out; the ranges before it are already gone downstream.

import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../require-commonjs.js';
import { orderedMap } from '../jobs/ordered-map.js';
import { objectCheck, ObjectVerifier, type ObjectCheck } from './object-check.js';
import { readExactly, retried, s3Uri, type RequestOptions, type S3ObjectRef } from './s3-requests.js';

const { GetObjectCommand, HeadObjectCommand } = s3Sdk();

export interface ObjectChunksOptions extends RequestOptions {
  /** Bytes per ranged GET (default 16 MiB). */
  chunkSize?: number;
  /** GETs in flight (default 4). */
  concurrency?: number;
}

export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;

interface Piece {
  ref: S3ObjectRef;
  etag: string | undefined;
  check: ObjectCheck | undefined;
  start: number;
  length: number;
  /** The object's last range (its check is due once it is in). */
  last: boolean;
  /** The whole object in one GET. */
  whole: boolean;
}

/** The GETs to make, object after object; a HEAD per object learns its size and version. */
async function* pieces(s3: S3Client, objects: readonly S3ObjectRef[], chunkSize: number, options: RequestOptions): AsyncGenerator<Piece> {
  for (const ref of objects) {
    const head = await retried(
      `HEAD ${s3Uri(ref)}`,
      (signal) => s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }), { abortSignal: signal }),
      options,
    );
    const size = head.ContentLength ?? 0;
    const common = { ref, etag: head.ETag, check: objectCheck(head), whole: size <= chunkSize };
    for (let start = 0; start < size; start += chunkSize) {
      const length = Math.min(chunkSize, size - start);
      yield { ...common, start, length, last: start + length === size };
    }
  }
}

async function getPiece(s3: S3Client, piece: Piece, into: Buffer, signal: AbortSignal | undefined): Promise<Buffer> {
  const { ref, start, length } = piece;
  const range = `bytes=${start}-${start + length - 1}`;
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, IfMatch: piece.etag, ...(piece.whole ? { ChecksumMode: 'ENABLED' } : { Range: range }) }),
    { abortSignal: signal },
  );
  const bytes = await readExactly(answer.Body as AsyncIterable<Uint8Array>, length, `${s3Uri(ref)} ${range}`, into);
  if (piece.whole && piece.check) {
    // Checked here, where a damaged body (DamagedObjectError) is simply fetched again.
    const verifier = new ObjectVerifier(piece.check);
    verifier.update(bytes);
    verifier.verify(s3Uri(ref));
  }
  return bytes;
}

/**
 * The objects' bytes in order, one chunk (at most `chunkSize` bytes) at a time. A chunk's buffer
 * is used again once the next chunk is asked for: use it (or copy it) before then. Stop
 * iterating to stop fetching.
 */
export async function* objectChunks(s3: S3Client, objects: readonly S3ObjectRef[], options: ObjectChunksOptions = {}): AsyncGenerator<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const spare: Buffer[] = [];
  const fetched = orderedMap(pieces(s3, objects, chunkSize, options), options.concurrency ?? DEFAULT_CONCURRENCY, async (piece, stopped) => {
    const signal = options.signal ? AbortSignal.any([options.signal, stopped]) : stopped;
    const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(chunkSize);
    try {
      const what = `GET ${s3Uri(piece.ref)} bytes=${piece.start}-${piece.start + piece.length - 1}`;
      return { piece, buffer, bytes: await retried(what, () => getPiece(s3, piece, buffer, signal), { ...options, signal }) };
    } catch (err) {
      spare.push(buffer);
      throw err;
    }
  });
  let verifier: ObjectVerifier | undefined;
  let handedOut: Buffer | undefined;
  try {
    for await (const { piece, buffer, bytes } of fetched) {
      if (handedOut) spare.push(handedOut);
      handedOut = buffer;
      if (!piece.whole && piece.check) {
        if (piece.start === 0) verifier = new ObjectVerifier(piece.check);
        verifier!.update(bytes);
        if (piece.last) verifier!.verify(s3Uri(piece.ref));
      }
      yield bytes;
    }
  } finally {
    if (handedOut) spare.push(handedOut);
  }
}
