// The S3 subset gl-local serves (path-style buckets). This file fixes the contract between the
// gl-local server and the S3 backend; the backend itself is not built yet.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export interface S3Backend {
  /** Names the S3 operation a request is for (e.g. `GetObject`), for request logs and fault rules. */
  operation(method: string, url: URL): string;
  /** Serves one S3 request whose SigV4 signature the server has already verified; writes S3 XML errors itself. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** For select jobs writing their output layout (job.txt, results/, manifests). */
  putObject(bucket: string, key: string, body: Buffer | Readable, contentType?: string): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
}

export interface S3BackendOptions {
  /** S3 state lives under this directory. */
  dataDir: string;
}

export async function openS3Backend(_options: S3BackendOptions): Promise<S3Backend> {
  const notBuilt = 'the S3 subset of gl-local is not built yet';
  return {
    operation: () => 'S3',
    async handle(_req, res) {
      res.writeHead(501, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NotImplemented</Code><Message>${notBuilt}</Message></Error>`);
    },
    async putObject() {
      throw new Error(notBuilt);
    },
    async bucketExists() {
      return false;
    },
  };
}
