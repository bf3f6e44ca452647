// The bytes of a finished archive retrieval, downloaded with GetJobOutput in tree-hash-aligned
// pieces, `concurrency` at a time, handed out in order. Each piece's tree hash is computed and
// compared with the x-amz-sha256-tree-hash Glacier sends for it; a piece that does not match, is
// cut short or fails on the network is fetched again (with backoff), so a damaged piece never
// leaves here. Pieces are read into `concurrency + 1` buffers used over and over.

import type { GlacierClient } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { withRetries } from '../aws/retry.js';
import { PipesError } from '../errors.js';
import { isRetryableRead, readExactly, type RequestOptions } from '../fetch/s3-requests.js';
import { orderedMap } from '../jobs/ordered-map.js';
import { isTreeHashAligned, TreeHasher } from '../treehash/tree-hash.js';
import { downloadPieces, formatRange, type ByteRange } from './ranges.js';

const { GetJobOutputCommand } = glacierSdk();

/** What to download: a finished archive-retrieval job and the archive range it retrieved. */
export interface RetrievalSource {
  vault: string;
  jobId: string;
  /** The retrieved range, in archive offsets. */
  range: ByteRange;
  archiveSize: number;
  /** Bytes per GetJobOutput: a power of two of whole MiB (isAlignedChunkSize). */
  chunkSize: number;
}

export interface PieceOptions extends RequestOptions {
  /** GetJobOutput requests in flight (default 4). */
  concurrency?: number;
}

export interface VerifiedPiece {
  index: number;
  /** Offset within the retrieved range. */
  offset: number;
  /** Valid until the next piece is asked for. */
  bytes: Buffer;
  /** The piece's raw tree hash. */
  digest: Buffer;
  /** False when Glacier sent no tree hash for the piece (then only the whole-range check covers it). */
  checked: boolean;
}

/** A piece whose bytes do not hash to what Glacier says they are: worth another attempt. */
export class PieceChecksumError extends PipesError {
  constructor(computed: string, expected: string) {
    super('CHECKSUM_MISMATCH', `the bytes' tree hash ${computed} does not match Glacier's ${expected}`);
    this.name = 'PieceChecksumError';
  }
}

function isRetryablePiece(err: unknown): boolean {
  return err instanceof PieceChecksumError || isRetryableRead(err);
}

/** `GetJobOutput bytes=A-B of job J` (A-B in the job's output, as the request says it). */
export function pieceLabel(source: RetrievalSource, offset: number, length: number): string {
  return `GetJobOutput bytes=${offset}-${offset + length - 1} (archive bytes ${formatRange({ start: source.range.start + offset, end: source.range.start + offset + length - 1 })}) of job ${source.jobId}`;
}

async function fetchPiece(glacier: GlacierClient, source: RetrievalSource, offset: number, length: number, into: Buffer, signal: AbortSignal): Promise<{ bytes: Buffer; digest: Buffer; checked: boolean }> {
  const answer = await glacier.send(
    new GetJobOutputCommand({ accountId: '-', vaultName: source.vault, jobId: source.jobId, range: `bytes=${offset}-${offset + length - 1}` }),
    { abortSignal: signal },
  );
  // Hashed as it arrives: the hashing of one piece overlaps the arrival of the others.
  const hasher = new TreeHasher({ linear: false });
  const bytes = await readExactly(answer.body as AsyncIterable<Uint8Array>, length, pieceLabel(source, offset, length), into, (piece) => hasher.update(piece));
  const digest = hasher.treeDigest();
  if (answer.checksum === undefined) return { bytes, digest, checked: false };
  const computed = digest.toString('hex');
  if (computed !== answer.checksum.toLowerCase()) throw new PieceChecksumError(computed, answer.checksum);
  return { bytes, digest, checked: true };
}

/**
 * The retrieval's pieces from piece `from` on, in order, each verified against Glacier's checksum
 * for it. Stop iterating to stop downloading. A piece that still fails after the retries ends the
 * iteration with its error (the pieces before it have been handed out).
 */
export async function* verifiedPieces(glacier: GlacierClient, source: RetrievalSource, from: number, options: PieceOptions = {}): AsyncGenerator<VerifiedPiece> {
  const { range, chunkSize, archiveSize } = source;
  const spare: Buffer[] = [];
  const pieces = orderedMap(downloadPieces(range, chunkSize, from), options.concurrency ?? 4, async ({ index, offset, length }, stopped) => {
    if (!isTreeHashAligned(range.start + offset, range.start + offset + length - 1, archiveSize)) {
      throw new PipesError('UNALIGNED', `${pieceLabel(source, offset, length)} is not tree-hash aligned (chunk size ${chunkSize}); it could not be verified`);
    }
    const signal = options.signal ? AbortSignal.any([options.signal, stopped]) : stopped;
    const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(Math.min(chunkSize, range.end - range.start + 1));
    try {
      const attempts = options.attempts ?? 8;
      const what = pieceLabel(source, offset, length);
      const piece = await withRetries(() => fetchPiece(glacier, source, offset, length, buffer, signal), {
        attempts,
        signal,
        shouldRetry: isRetryablePiece,
        onRetry: (err, attempt) => options.onRetry?.(what, err, attempt),
      }).catch((err) => {
        throw err instanceof PieceChecksumError ? new PipesError(err.code, `${what}: ${err.message} (${attempts} attempt(s)); nothing of it was written`, { cause: err }) : err;
      });
      return { index, offset, buffer, ...piece };
    } catch (err) {
      spare.push(buffer);
      throw err;
    }
  });
  let handedOut: Buffer | undefined;
  try {
    for await (const { buffer, ...piece } of pieces) {
      if (handedOut) spare.push(handedOut);
      handedOut = buffer;
      yield piece;
    }
  } finally {
    if (handedOut) spare.push(handedOut);
  }
}
