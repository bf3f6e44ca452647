// The bytes of a list of S3 objects, in list order, fetched concurrently: each object is read in
// chunks of `chunkSize` by ranged GETs (objects no larger than one chunk in one GET, whose
// checksum the SDK verifies), at most `concurrency` in flight, at most that many finished chunks
// waiting, each chunk handed out only when whole. A failed GET is retried for the same range, so
// no byte is lost or repeated; If-Match holds every GET to the version HEAD saw, so an object
// replaced midway is an error, never a mix of two versions.

import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { orderedMap } from '../jobs/ordered-map.js';
import { readExactly, retried, s3Uri, type RequestOptions, type S3ObjectRef } from './s3-requests.js';

export interface ObjectChunksOptions extends RequestOptions {
  /** Bytes per ranged GET (default 8 MiB). */
  chunkSize?: number;
  /** GETs in flight (default 4). */
  concurrency?: number;
}

export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;

interface Piece {
  ref: S3ObjectRef;
  etag: string | undefined;
  start: number;
  length: number;
  /** The whole object in one GET (its checksum can then be checked). */
  whole: boolean;
}

/** The GETs to make, object after object; a HEAD per object learns its size and version. */
async function* pieces(s3: S3Client, objects: readonly S3ObjectRef[], chunkSize: number, options: RequestOptions): AsyncGenerator<Piece> {
  for (const ref of objects) {
    const head = await retried(`HEAD ${s3Uri(ref)}`, (signal) => s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }), { abortSignal: signal }), options);
    const size = head.ContentLength ?? 0;
    if (size <= chunkSize) {
      if (size > 0) yield { ref, etag: head.ETag, start: 0, length: size, whole: true };
      continue;
    }
    for (let start = 0; start < size; start += chunkSize) yield { ref, etag: head.ETag, start, length: Math.min(chunkSize, size - start), whole: false };
  }
}

async function getPiece(s3: S3Client, piece: Piece, signal: AbortSignal | undefined): Promise<Buffer> {
  const { ref, start, length } = piece;
  const range = `bytes=${start}-${start + length - 1}`;
  const answer = await s3.send(
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, IfMatch: piece.etag, ...(piece.whole ? { ChecksumMode: 'ENABLED' } : { Range: range }) }),
    { abortSignal: signal },
  );
  return readExactly(answer.Body as AsyncIterable<Uint8Array>, length, `${s3Uri(ref)} ${range}`);
}

/** The objects' bytes in order, as buffers of at most `chunkSize` bytes. Stop iterating to stop fetching. */
export function objectChunks(s3: S3Client, objects: readonly S3ObjectRef[], options: ObjectChunksOptions = {}): AsyncGenerator<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  return orderedMap(pieces(s3, objects, chunkSize, options), options.concurrency ?? DEFAULT_CONCURRENCY, (piece, stopped) => {
    const signal = options.signal ? AbortSignal.any([options.signal, stopped]) : stopped;
    return retried(`GET ${s3Uri(piece.ref)} bytes=${piece.start}-${piece.start + piece.length - 1}`, () => getPiece(s3, piece, signal), { ...options, signal });
  });
}
