// The S3 endpoint the s3-* tests talk to: the real gl-local (startLocal), so every S3 request in
// them also goes through gl-local's routing, SigV4 verification and request log. rawRequest signs
// what it sends exactly as written (path included), like a client that computes its own headers.

import { S3Client, type S3ClientConfig, type S3ServiceException } from '@aws-sdk/client-s3';
import http from 'node:http';
import { join } from 'node:path';
import { startLocal, type LocalServer } from '../../src/local/index.js';
import type { S3Backend } from '../../src/local/s3/index.js';
import { signedHeaders, TEST_CREDENTIALS } from '../helpers/local.js';

export interface S3TestServer {
  endpoint: string;
  /** gl-local's S3 state directory: `<gl-local data dir>/s3`. */
  dataDir: string;
  local: LocalServer;
  backend: S3Backend;
  /** Method, raw URL and headers of every request answered, in the order they finished. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** An SDK v3 client for this endpoint (path style, test/test, the server's region). */
  client(config?: Partial<S3ClientConfig>): S3Client;
  close(): Promise<void>;
}

export interface S3TestOptions {
  /** gl-local's data directory (S3 state goes under `s3/` in it); a temporary one by default. */
  dataDir?: string;
  region?: string;
  /** Internal errors gl-local reports (a 500 InternalError's cause); default: printed on stderr. */
  onInternalError?: (error: unknown) => void;
}

/** Starts gl-local on 127.0.0.1 and an ephemeral port. */
export async function startS3Server(options: S3TestOptions = {}): Promise<S3TestServer> {
  const local = await startLocal({ dataDir: options.dataDir, region: options.region, onError: options.onInternalError });
  const requests: S3TestServer['requests'] = [];
  local.on('request', (_record, req) => requests.push({ method: req.method!, url: req.url!, headers: req.headers }));
  const clients: S3Client[] = [];
  return {
    endpoint: local.url,
    dataDir: join(local.dataDir, 's3'),
    local,
    backend: local.s3,
    requests,
    client(config = {}) {
      const client = new S3Client({ endpoint: local.url, forcePathStyle: true, region: local.region, credentials: TEST_CREDENTIALS, ...config });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await local.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawS3Request {
  method: string;
  /** Path and query exactly as they go on the wire. */
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
}

/**
 * The headers of `request`, signed for S3 with test/test in us-east-1. `x-amz-content-sha256` is
 * UNSIGNED-PAYLOAD unless the request sets it (gl-local refuses S3 requests without one); a
 * `transfer-encoding` request gets no Content-Length.
 */
export async function signS3(endpoint: string, request: RawS3Request): Promise<Record<string, string>> {
  const given: Record<string, string | null> = { 'x-amz-glacier-version': null, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  for (const [name, value] of Object.entries(request.headers ?? {})) given[name.toLowerCase()] = String(value);
  if (given['transfer-encoding'] !== undefined) given['content-length'] = null;
  return signedHeaders(endpoint, { method: request.method, path: request.path, headers: given, body: request.body, service: 's3' });
}

/** One signed request exactly as written, for what the SDK would never send (wrong checksums, broken framing, dot segments). */
export async function rawRequest(endpoint: string, request: RawS3Request): Promise<RawResponse> {
  const headers = await signS3(endpoint, request);
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ hostname, port, path: request.path, method: request.method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The `<Code>` of an S3 XML error body. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** The error an SDK call failed with; throws if it succeeded. */
export async function failure(call: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await call;
  } catch (error) {
    return error as S3ServiceException;
  }
  throw new Error('the request succeeded');
}

/** Frames chunks in aws-chunked encoding, ending with the given trailer lines (each ending in CRLF). */
export function awsChunked(chunks: Buffer[], trailer = '', extension: (chunk: Buffer) => string = () => ''): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    parts.push(Buffer.from(`${chunk.length.toString(16)}${extension(chunk)}\r\n`), chunk);
    if (chunk.length > 0) parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`${trailer}\r\n`));
  return Buffer.concat(parts);
}
