// The S3 subset gl-local serves (path-style buckets), as one backend the gl-local server hands S3
// requests to once it has verified their signatures. docs/s3-subset.md describes what it does.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BodyDigest } from './body.js';
import { invalidArgument } from './errors.js';
import { checkBucketName, checkKey, isValidBucketName } from './names.js';
import { DEFAULT_CONTENT_TYPE } from './objects.js';
import { nameOperation, serve } from './serve.js';
import { S3Store } from './store.js';

export { S3Error } from './errors.js';

/**
 * Both request methods take the request target as it arrived (`req.url`): S3 keys are taken from
 * the raw path, because WHATWG URL parsing resolves `.`, `..`, `%2e%2e` segments, and `a/../b`
 * is a key of its own.
 */
export interface S3Backend {
  /** Names the S3 operation a request is for (e.g. `GetObject`), for request logs and fault rules; never throws. */
  operation(method: string, rawUrl: string): string;
  /** Serves one S3 request whose SigV4 signature the server has already verified; writes S3 XML errors itself. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** For select jobs writing their output layout (job.txt, results/, manifests). */
  putObject(bucket: string, key: string, body: Buffer | Readable, contentType?: string): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
}

export interface S3BackendOptions {
  /** S3 state lives under this directory. */
  dataDir: string;
  /** The region gl-local claims to be (CreateBucket location rules, HeadBucket). Default us-east-1. */
  region?: string;
  /** Called with the cause of every 500 InternalError the backend answers, for the server's log. */
  onInternalError?: (error: unknown) => void;
}

/** Opens the S3 state under dataDir (creating it if needed) and returns the backend serving it. */
export async function openS3Backend(options: S3BackendOptions): Promise<S3Backend> {
  const store = await S3Store.open(options.dataDir);
  const serveOptions = { store, region: options.region ?? 'us-east-1', onInternalError: options.onInternalError };
  return {
    operation: nameOperation,
    handle: (req, res) => serve(serveOptions, req, res),
    async putObject(bucket, key, body, contentType) {
      checkBucketName(bucket);
      checkKey(key);
      if (key === '') throw invalidArgument('An object key must not be empty.');
      const digest = new BodyDigest();
      await store.writeObject(bucket, key, Buffer.isBuffer(body) ? Readable.from([body]) : body, digest, () => ({
        contentType: contentType ?? DEFAULT_CONTENT_TYPE,
        headers: {},
        metadata: {},
        checksums: { CRC32: digest.checksum('CRC32') },
      }));
    },
    async bucketExists(bucket) {
      return isValidBucketName(bucket) && store.hasBucket(bucket);
    },
  };
}
