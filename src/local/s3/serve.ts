// One S3 request from start to end: find the operation, check the names, run it, answer errors.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './buckets.js';
import { deleteObjects } from './delete-objects.js';
import { methodNotAllowed, notImplemented } from './errors.js';
import { refuseHeaders, type Exchange, type Handler } from './exchange.js';
import { listObjectsV2 } from './list-objects.js';
import { checkBucketName, checkKey, parseTarget } from './names.js';
import { deleteObject, getObject, putObject } from './objects.js';
import { levelOf, operationName } from './operations.js';
import { identify, newRequestId, sendError } from './respond.js';
import type { S3Store } from './store.js';

const HANDLERS: Record<string, Handler> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  ListObjectsV2: listObjectsV2,
  DeleteObjects: deleteObjects,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
};

// Headers that ask for something gl-local cannot check, whatever the operation.
const ALWAYS_REFUSED = ['x-amz-expected-bucket-owner', 'x-amz-request-payer', 'x-amz-source-expected-bucket-owner'];

// How a response fails when the client hangs up in the middle: not gl-local's fault, not worth a log line.
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

export interface ServeOptions {
  store: S3Store;
  region: string;
  onInternalError?: (error: unknown) => void;
}

/** The query parameters of a raw request target (`/bucket/key?list-type=2&prefix=a`). */
function queryOf(rawUrl: string): URLSearchParams {
  const at = rawUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : rawUrl.slice(at + 1));
}

/** Names the operation for logs and fault rules from the raw request target; never throws. */
export function nameOperation(method: string, rawUrl: string): string {
  try {
    const { bucket, key } = parseTarget(rawUrl);
    return operationName(method, levelOf(bucket, key), queryOf(rawUrl));
  } catch {
    return 'Unknown';
  }
}

export async function serve(options: ServeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  identify(res, requestId);
  let resource = '/';
  try {
    const rawUrl = req.url ?? '/';
    const { bucket, key } = parseTarget(rawUrl);
    resource = `/${bucket}${key === '' ? '' : `/${key}`}`;
    const method = req.method ?? 'GET';
    const level = levelOf(bucket, key);
    const query = queryOf(rawUrl);
    const operation = operationName(method, level, query);
    const handler = HANDLERS[operation];
    if (!handler) throw operation === 'Unknown' ? methodNotAllowed(method, level) : notImplemented(`the S3 operation ${operation}`);
    if (bucket !== '') checkBucketName(bucket);
    if (key !== '') checkKey(key);
    refuseHeaders(req.headers, ALWAYS_REFUSED);
    const exchange: Exchange = { req, res, query, bucket, key, store: options.store, region: options.region };
    await handler(exchange);
  } catch (error) {
    const answered = sendError(req, res, error, resource, requestId);
    const clientGone = CLIENT_GONE.has((error as NodeJS.ErrnoException).code ?? '');
    if (answered.code === 'InternalError' && !clientGone) options.onInternalError?.(error);
  }
}
