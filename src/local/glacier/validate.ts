// Glacier's input rules (§3): vault names, descriptions, part sizes, ranges, page limits.
// Where the service's wording is known it is used verbatim; docs/gl-local.md lists the rest.

import { invalidParameter, missingParameter } from './errors.js';

export const MIB = 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_PART_SIZE = 4 * 1024 * MIB;
export const MAX_SINGLE_UPLOAD = 4 * 1024 * MIB;
export const MAX_DESCRIPTION = 1024;

export function isValidVaultName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,255}$/.test(name);
}

/** Archive and job descriptions: at most 1,024 characters of printable ASCII (0x20–0x7E). */
export function checkDescription(value: string | undefined | null, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > MAX_DESCRIPTION) {
    throw invalidParameter(`Invalid ${what}: it is ${value.length} characters long; the limit is ${MAX_DESCRIPTION}.`);
  }
  const bad = /[^\x20-\x7e]/.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw invalidParameter(`Invalid ${what}: character 0x${code} at position ${bad.index}; only printable ASCII (0x20-0x7E) is allowed.`);
  }
  return value;
}

export function parsePartSize(header: string | undefined): number {
  const size = header !== undefined && /^\d+$/.test(header) ? Number(header) : NaN;
  if (!Number.isInteger(Math.log2(size)) || size < MIB || size > MAX_PART_SIZE) {
    throw invalidParameter(
      `Invalid part size: ${header ?? 'null'}. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.`,
    );
  }
  return size;
}

export interface ByteSpan {
  first: number;
  last: number;
}

/** UploadMultipartPart's `Content-Range: bytes FIRST-LAST/*`. */
export function parseContentRange(header: string | undefined): ByteSpan {
  if (header === undefined) throw missingParameter('Content-Range');
  const match = /^bytes (\d+)-(\d+)\/\*$/.exec(header);
  const first = match ? Number(match[1]) : NaN;
  const last = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) {
    throw invalidParameter(`Invalid Content-Range: ${header}`);
  }
  return { first, last };
}

/** `Content-Length` for uploads: required, a decimal byte count. */
export function parseContentLength(header: string | undefined): number {
  if (header === undefined) throw missingParameter('Content-Length');
  const length = /^\d+$/.test(header) ? Number(header) : NaN;
  if (!Number.isSafeInteger(length)) throw invalidParameter(`Invalid Content-Length: ${header}`);
  return length;
}

/** A list operation's `limit`: default per operation, accepted 1–1000. */
export function parseLimit(value: string | undefined, defaultLimit: number): number {
  if (value === undefined) return defaultLimit;
  const limit = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw invalidParameter(`Invalid limit: ${value}. The limit must be an integer from 1 to 1000.`);
  }
  return limit;
}

export function requireHash(value: string | undefined, header: string): string {
  if (value === undefined || value === '') throw missingParameter(header);
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw invalidParameter(`Invalid ${header}: ${value}`);
  return value.toLowerCase();
}
