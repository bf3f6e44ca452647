// Bucket and key names: S3's naming rules, the byte order S3 lists keys in, and the `url` encoding
// of listings.

import { S3Error, invalidBucketName, keyTooLong } from './errors.js';

export const MAX_KEY_BYTES = 1024;

/** General purpose bucket naming rules (the current ones, which also make every valid name a safe file name). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

export function checkBucketName(name: string): void {
  if (!isValidBucketName(name)) throw invalidBucketName(name);
}

export function checkKey(key: string): void {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) throw keyTooLong(bytes);
}

export interface Target {
  /** Empty for the service itself (`/`). */
  bucket: string;
  /** Empty for a bucket-level request. */
  key: string;
}

/**
 * Splits the raw request path into bucket and key. It must be the raw `req.url`: WHATWG URL parsing
 * resolves `.` and `..` segments, and `a/../b` is a perfectly good S3 key.
 */
export function parseTarget(rawUrl: string): Target {
  const query = rawUrl.indexOf('?');
  const path = query < 0 ? rawUrl : rawUrl.slice(0, query);
  const invalid = () => new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.", { URI: rawUrl });
  const slash = path.indexOf('/', 1);
  const rawBucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const rawKey = slash < 0 ? '' : path.slice(slash + 1);
  if (!path.startsWith('/') || (rawBucket === '' && slash >= 0)) throw invalid();
  try {
    return { bucket: decodeURIComponent(rawBucket), key: decodeURIComponent(rawKey) };
  } catch {
    throw invalid();
  }
}

/** Orders strings by their UTF-8 bytes (code point order), which is how S3 lists keys. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// UTF-16 code units sort like code points except that surrogates (U+D800-DFFF, which carry code
// points above U+FFFF) must rank above U+E000-FFFF.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** `encoding-type=url` as S3 applies it: form encoding (space as `+`), with `/` and `*` left alone. */
export function urlEncodeName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.\/*]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
