// Object operations: PutObject, GetObject, HeadObject, DeleteObject.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { contentEncodings, decodedBody, digestFor, headerValue, planBody, verifyBody } from './body.js';
import { S3Error, invalidArgument, missingContentLength, notImplemented, preconditionFailed } from './errors.js';
import { allowOnly, refuseHeaders, refuseParameters, type Exchange } from './exchange.js';
import { chooseRange } from './range.js';
import { sendEmpty } from './respond.js';
import { etagMatches, type ObjectFields, type ObjectRecord, type WriteCondition } from './store.js';

/** S3's limit for a single PUT. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
const MAX_METADATA_BYTES = 2048;
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires'];

const PUT_REFUSED = [
  /^x-amz-server-side-encryption/,
  /^x-amz-object-lock-/,
  /^x-amz-grant-/,
  'x-amz-tagging',
  'x-amz-website-redirect-location',
  'x-amz-write-offset-bytes',
];

export async function putObject({ req, res, store, bucket, key }: Exchange): Promise<void> {
  if (req.headers['x-amz-copy-source'] !== undefined) throw notImplemented('the S3 operation CopyObject');
  refuseHeaders(req.headers, PUT_REFUSED);
  allowOnly(req.headers, 'x-amz-acl', ['private', 'bucket-owner-full-control']);
  allowOnly(req.headers, 'x-amz-storage-class', ['STANDARD']);
  store.requireBucket(bucket);
  const plan = planBody(req.headers);
  if (plan.length === undefined) throw missingContentLength();
  if (plan.length > MAX_PUT_BYTES) {
    throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: plan.length,
      MaxSizeAllowed: MAX_PUT_BYTES,
    });
  }
  const fields = uploadFields(req.headers);
  const condition = writeCondition(req.headers);
  const body = decodedBody(req, plan);
  const digest = digestFor(plan);
  const record = await store.writeObject(
    bucket,
    key,
    body,
    digest,
    () => {
      verifyBody(plan, digest, body.trailers);
      const algorithm = plan.checksum?.algorithm;
      const checksums = { CRC32: digest.checksum('CRC32'), ...(algorithm ? { [algorithm]: digest.checksum(algorithm) } : {}) };
      return { ...fields, checksums, checksumAlgorithm: algorithm };
    },
    condition,
  );
  const headers: OutgoingHttpHeaders = { etag: quoted(record.etag) };
  if (plan.checksum) {
    headers[`x-amz-checksum-${plan.checksum.algorithm.toLowerCase()}`] = record.checksums[plan.checksum.algorithm];
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  sendEmpty(res, 200, headers);
}

/** Content type, representation headers and user metadata of an upload. */
function uploadFields(headers: IncomingHttpHeaders): Omit<ObjectFields, 'checksums' | 'checksumAlgorithm'> {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = headerValue(headers, name);
    if (value !== undefined) stored[name] = value;
  }
  const encodings = contentEncodings(headers).filter((token) => token !== 'aws-chunked');
  if (encodings.length > 0) stored['content-encoding'] = encodings.join(',');
  const metadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    metadata[name.slice('x-amz-meta-'.length)] = text;
    metadataBytes += Buffer.byteLength(name) - 'x-amz-meta-'.length + Buffer.byteLength(text, 'latin1');
  }
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: metadataBytes,
      MaxSizeAllowed: MAX_METADATA_BYTES,
    });
  }
  return { contentType: headerValue(headers, 'content-type') ?? DEFAULT_CONTENT_TYPE, headers: stored, metadata };
}

function writeCondition(headers: IncomingHttpHeaders): WriteCondition {
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw notImplemented(`If-None-Match: ${ifNoneMatch} on PutObject (only * is supported)`);
  }
  return { ifNoneMatch, ifMatch: headerValue(headers, 'if-match') };
}

const READ_REFUSED = [/^x-amz-server-side-encryption-customer-/];
const RESPONSE_OVERRIDES = ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding'];

export async function getObject(exchange: Exchange): Promise<void> {
  const { req, res, store, bucket, key, query } = exchange;
  refuseHeaders(req.headers, READ_REFUSED);
  refuseParameters(query, ['partNumber', 'versionId']);
  const { record, file } = await store.openObject(bucket, key);
  let streaming = false;
  try {
    if (notModified(req.headers, record)) {
      return sendEmpty(res, 304, { etag: quoted(record.etag), 'last-modified': httpDate(record) });
    }
    const range = chooseRange(headerValue(req.headers, 'range'), record.size);
    if (range.kind === 'unsatisfiable') {
      throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
        RangeRequested: headerValue(req.headers, 'range')!,
        ActualObjectSize: record.size,
      });
    }
    const headers = objectHeaders(record);
    for (const name of RESPONSE_OVERRIDES) {
      const value = query.get(`response-${name}`);
      if (value === null) continue;
      if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
        throw invalidArgument(`response-${name} is not a valid header value.`, `response-${name}`, value);
      }
      headers[name] = value;
    }
    let status = 200;
    let start = 0;
    let end = record.size - 1;
    if (range.kind === 'part') {
      ({ start, end } = range);
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${record.size}`;
    } else if (headerValue(req.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
      const algorithm = record.checksumAlgorithm ?? 'CRC32';
      headers[`x-amz-checksum-${algorithm.toLowerCase()}`] = record.checksums[algorithm];
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    headers['content-length'] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || record.size === 0) {
      res.end();
      return;
    }
    streaming = true;
    await pipeline(file.createReadStream({ start, end }), res);
  } finally {
    if (!streaming) await file.close();
  }
}

/** Evaluates the read preconditions in RFC 9110 order: 412 throws, 304 returns true. */
function notModified(headers: IncomingHttpHeaders, record: ObjectRecord): boolean {
  const modified = Math.floor(Date.parse(record.lastModified) / 1000) * 1000;
  const ifMatch = headerValue(headers, 'if-match');
  const ifUnmodifiedSince = Date.parse(headerValue(headers, 'if-unmodified-since') ?? '');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, record.etag)) throw preconditionFailed('If-Match');
  } else if (modified > ifUnmodifiedSince) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  const ifModifiedSince = Date.parse(headerValue(headers, 'if-modified-since') ?? '');
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, record.etag);
  return modified <= ifModifiedSince;
}

function objectHeaders(record: ObjectRecord): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': record.contentType,
    etag: quoted(record.etag),
    'last-modified': httpDate(record),
    'accept-ranges': 'bytes',
    ...record.headers,
  };
  for (const [name, value] of Object.entries(record.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

const DELETE_REFUSED = [
  'if-match',
  'x-amz-if-match-last-modified-time',
  'x-amz-if-match-size',
  'x-amz-bypass-governance-retention',
  'x-amz-mfa',
];

export async function deleteObject({ req, res, store, bucket, key, query }: Exchange): Promise<void> {
  refuseParameters(query, ['versionId']);
  refuseHeaders(req.headers, DELETE_REFUSED);
  await store.deleteObject(bucket, key);
  sendEmpty(res, 204);
}

export function quoted(etag: string): string {
  return `"${etag}"`;
}

function httpDate(record: ObjectRecord): string {
  return new Date(record.lastModified).toUTCString();
}
