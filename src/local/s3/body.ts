// Request bodies: what the headers promise (length, framing, digests), the decoded byte stream, and
// the check of every promise once the last byte is in. Nothing here holds a whole body in memory
// except readSmallBody, which is for small XML documents and has a limit.

import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder } from './aws-chunked.js';
import {
  S3Error,
  incompleteBody,
  invalidArgument,
  invalidRequest,
  malformedTrailer,
  missingContentLength,
  notImplemented,
} from './errors.js';

export type ChecksumAlgorithm = 'CRC32' | 'SHA1' | 'SHA256';

const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, SHA1: 20, SHA256: 32 };
const UNVERIFIABLE_CHECKSUMS = new Set(['crc32c', 'crc64nvme']);
const STREAMING_PAYLOADS = new Set([
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);

/** What the request headers say about the body. */
export interface BodyPlan {
  /** aws-chunked framing, decided by a STREAMING-* x-amz-content-sha256. */
  chunked: boolean;
  /** Decoded length: Content-Length, or x-amz-decoded-content-length when chunked. */
  length: number | undefined;
  /** Hex SHA-256 from x-amz-content-sha256, when it carries one. */
  sha256: string | undefined;
  /** Content-MD5, decoded. */
  md5: Buffer | undefined;
  /** The flexible checksum, from a header or (value undefined) a trailer. */
  checksum: { algorithm: ChecksumAlgorithm; header: string; value: string | undefined } | undefined;
}

export function planBody(headers: IncomingHttpHeaders): BodyPlan {
  const payload = headerValue(headers, 'x-amz-content-sha256');
  const chunked = payload !== undefined && STREAMING_PAYLOADS.has(payload);
  let sha256: string | undefined;
  if (payload !== undefined && !chunked && payload !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-fA-F]{64}$/.test(payload)) {
      throw invalidArgument(
        `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ${[...STREAMING_PAYLOADS].join(', ')} or a valid sha256 value.`,
        'x-amz-content-sha256',
        payload,
      );
    }
    sha256 = payload.toLowerCase();
  }
  const encodings = contentEncodings(headers);
  if (!chunked && encodings.includes('aws-chunked')) {
    throw invalidRequest('Content-Encoding aws-chunked needs a STREAMING-* x-amz-content-sha256 value.');
  }
  const lengthHeader = headerValue(headers, chunked ? 'x-amz-decoded-content-length' : 'content-length');
  let length: number | undefined;
  if (lengthHeader !== undefined) {
    if (!/^\d{1,16}$/.test(lengthHeader)) {
      throw invalidArgument('The length of the body is not a number.', chunked ? 'x-amz-decoded-content-length' : 'Content-Length', lengthHeader);
    }
    length = Number(lengthHeader);
  } else if (chunked) {
    throw missingContentLength();
  }
  return { chunked, length, sha256, md5: contentMd5(headers), checksum: planChecksum(headers, chunked) };
}

function planChecksum(headers: IncomingHttpHeaders, chunked: boolean): BodyPlan['checksum'] {
  let found: BodyPlan['checksum'];
  const take = (header: string, value: string | undefined) => {
    const name = header.slice('x-amz-checksum-'.length);
    if (UNVERIFIABLE_CHECKSUMS.has(name)) throw notImplemented(`${header} (gl-local verifies CRC32, SHA1 and SHA256 checksums)`);
    const algorithm = name.toUpperCase() as ChecksumAlgorithm;
    if (!(algorithm in CHECKSUM_BYTES)) throw invalidRequest(`${header} is not a checksum S3 knows.`);
    if (found) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    if (value !== undefined && Buffer.from(value, 'base64').length !== CHECKSUM_BYTES[algorithm]) {
      throw invalidRequest(`Value for ${header} header is invalid.`);
    }
    found = { algorithm, header, value };
  };
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-mode' && name !== 'x-amz-checksum-type') {
      take(name, Array.isArray(value) ? value.join(',') : value);
    }
  }
  const trailer = headerValue(headers, 'x-amz-trailer');
  if (trailer !== undefined) {
    if (!chunked) throw malformedTrailer();
    const name = trailer.trim().toLowerCase();
    if (!name.startsWith('x-amz-checksum-')) throw malformedTrailer();
    take(name, undefined);
  }
  const announced = headerValue(headers, 'x-amz-sdk-checksum-algorithm');
  if (announced !== undefined) {
    if (!found) {
      throw invalidRequest(
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
      );
    }
    if (announced.toUpperCase() !== found.algorithm) throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }
  return found;
}

function contentMd5(headers: IncomingHttpHeaders): Buffer | undefined {
  const value = headerValue(headers, 'content-md5');
  if (value === undefined) return undefined;
  const digest = Buffer.from(value, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== value.trim()) {
    throw new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified is not valid.', { 'Content-MD5': value });
  }
  return digest;
}

/** Content-Encoding tokens, lower-cased. */
export function contentEncodings(headers: IncomingHttpHeaders): string[] {
  const value = headerValue(headers, 'content-encoding') ?? '';
  return value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '')
    .map((token) => token.toLowerCase());
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Digests of the decoded body: always size, MD5 (the ETag) and CRC32; SHA-1/SHA-256 when asked for. */
export class BodyDigest extends Transform {
  size = 0;
  private crc = 0;
  private readonly md5 = createHash('md5');
  private readonly extra: Partial<Record<'SHA1' | 'SHA256', Hash>> = {};
  private results: { md5: Buffer; crc32: Buffer; SHA1?: Buffer; SHA256?: Buffer } | undefined;

  constructor(algorithms: Iterable<'SHA1' | 'SHA256'> = []) {
    super();
    for (const algorithm of algorithms) this.extra[algorithm] ??= createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.crc = crc32(chunk, this.crc);
    this.md5.update(chunk);
    this.extra.SHA1?.update(chunk);
    this.extra.SHA256?.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(this.crc >>> 0);
    this.results = { md5: this.md5.digest(), crc32: crc, SHA1: this.extra.SHA1?.digest(), SHA256: this.extra.SHA256?.digest() };
    done();
  }

  /** A digest of the whole body; only once it has ended. */
  digest(algorithm: 'MD5' | ChecksumAlgorithm): Buffer {
    if (!this.results) throw new Error('BodyDigest read before the body ended');
    const digest = algorithm === 'MD5' ? this.results.md5 : algorithm === 'CRC32' ? this.results.crc32 : this.results[algorithm];
    if (!digest) throw new Error(`BodyDigest did not compute ${algorithm}`);
    return digest;
  }

  /** The base64 checksum S3 reports for this algorithm. */
  checksum(algorithm: ChecksumAlgorithm): string {
    return this.digest(algorithm).toString('base64');
  }
}

export function digestFor(plan: BodyPlan): BodyDigest {
  const algorithms: ('SHA1' | 'SHA256')[] = [];
  if (plan.sha256) algorithms.push('SHA256');
  if (plan.checksum && plan.checksum.algorithm !== 'CRC32') algorithms.push(plan.checksum.algorithm);
  return new BodyDigest(algorithms);
}

/**
 * The decoded request body. The request is piped in rather than handed to a pipeline, so that a
 * failed body (bad framing, wrong length) leaves the connection intact for the error response.
 */
export function decodedBody(req: IncomingMessage, plan: BodyPlan): Readable & { trailers?: Map<string, string> } {
  const body = plan.chunked ? new AwsChunkedDecoder(plan.length!) : new PassThrough();
  const cutOff = () => body.destroy(incompleteBody('The request body terminated unexpectedly'));
  req.on('error', cutOff);
  req.on('close', () => {
    if (!req.complete) cutOff();
  });
  req.pipe(body);
  return body;
}

/** Throws the S3 error for the first promise the body broke; call after the body has ended. */
export function verifyBody(plan: BodyPlan, digest: BodyDigest, trailers: Map<string, string> | undefined): void {
  if (plan.md5 && !plan.md5.equals(digest.digest('MD5'))) {
    throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.', {
      ExpectedDigest: plan.md5.toString('base64'),
      CalculatedDigest: digest.digest('MD5').toString('base64'),
    });
  }
  if (plan.sha256) {
    const computed = digest.digest('SHA256').toString('hex');
    if (computed !== plan.sha256) {
      throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: plan.sha256,
        S3ComputedContentSHA256: computed,
      });
    }
  }
  if (plan.checksum) {
    let expected = plan.checksum.value;
    if (expected === undefined) {
      expected = trailers?.get(plan.checksum.header);
      if (expected === undefined || Buffer.from(expected, 'base64').length !== CHECKSUM_BYTES[plan.checksum.algorithm]) {
        throw malformedTrailer();
      }
    }
    if (digest.checksum(plan.checksum.algorithm) !== expected) {
      throw new S3Error('BadDigest', 400, `The ${plan.checksum.algorithm} you specified did not match the calculated checksum.`);
    }
  }
  for (const name of trailers?.keys() ?? []) {
    if (name !== plan.checksum?.header && name !== 'x-amz-trailer-signature') throw malformedTrailer();
  }
}

/** Reads, decodes and verifies a small body (an XML document), refusing more than `limit` bytes. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const plan = planBody(req.headers);
  if (plan.length !== undefined && plan.length > limit) throw tooBig(limit);
  const body = decodedBody(req, plan);
  const digest = digestFor(plan);
  const parts: Buffer[] = [];
  let size = 0;
  await pipeline(
    body,
    digest,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) return done(tooBig(limit));
        parts.push(chunk);
        done();
      },
    }),
  );
  verifyBody(plan, digest, body.trailers);
  return Buffer.concat(parts);
}

function tooBig(limit: number): S3Error {
  return new S3Error('MaxMessageLengthExceeded', 400, 'Your request was too big.', { MaxMessageLengthBytes: limit });
}
