// Checking a whole S3 object's bytes as they go by, when S3 says what they should be: a full-object
// checksum Node can compute (CRC32, SHA-256, SHA-1), or else the ETag where it is the MD5 of the
// bytes (one PUT, not SSE-KMS or SSE-C). Ranged GETs come back with no checksum of their own, so
// this is what catches a damaged range.

import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { PipesError } from '../errors.js';

export interface ObjectCheck {
  algorithm: 'CRC32' | 'SHA256' | 'SHA1' | 'MD5';
  /** Base64 for the checksums, hex for the MD5 ETag, as S3 writes them. */
  expected: string;
}

/** What the bytes of the object HEAD describes can be checked against, if anything. */
export function objectCheck(head: Pick<HeadObjectCommandOutput, 'ChecksumCRC32' | 'ChecksumSHA256' | 'ChecksumSHA1' | 'ChecksumType' | 'ETag' | 'ServerSideEncryption' | 'SSECustomerAlgorithm'>): ObjectCheck | undefined {
  // A COMPOSITE checksum (multipart upload) is a checksum of part checksums: not the bytes'.
  if (head.ChecksumType !== 'COMPOSITE') {
    if (head.ChecksumCRC32) return { algorithm: 'CRC32', expected: head.ChecksumCRC32 };
    if (head.ChecksumSHA256) return { algorithm: 'SHA256', expected: head.ChecksumSHA256 };
    if (head.ChecksumSHA1) return { algorithm: 'SHA1', expected: head.ChecksumSHA1 };
  }
  const md5 = /^"([0-9a-f]{32})"$/.exec(head.ETag ?? '')?.[1];
  const encrypted = head.ServerSideEncryption?.startsWith('aws:kms') || head.SSECustomerAlgorithm !== undefined;
  return md5 && !encrypted ? { algorithm: 'MD5', expected: md5 } : undefined;
}

/** The bytes of an object did not match what S3 says they are. */
export class DamagedObjectError extends PipesError {
  constructor(message: string) {
    super('DAMAGED_OBJECT', message);
    this.name = 'DamagedObjectError';
  }
}

/** Runs the check over the object's bytes, fed in order. */
export class ObjectVerifier {
  private crc = 0;
  private readonly hash: Hash | undefined;

  constructor(readonly check: ObjectCheck) {
    this.hash = check.algorithm === 'CRC32' ? undefined : createHash(check.algorithm.toLowerCase());
  }

  update(bytes: Buffer): void {
    if (this.hash) this.hash.update(bytes);
    else this.crc = crc32(bytes, this.crc);
  }

  /** Throws DamagedObjectError unless the bytes fed match. */
  verify(what: string): void {
    let actual: string;
    if (this.hash) actual = this.hash.digest(this.check.algorithm === 'MD5' ? 'hex' : 'base64');
    else {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(this.crc);
      actual = value.toString('base64');
    }
    if (actual !== this.check.expected) {
      throw new DamagedObjectError(`${what}: the bytes read do not match the object's ${this.check.algorithm} (expected ${this.check.expected}, read ${actual})`);
    }
  }
}
