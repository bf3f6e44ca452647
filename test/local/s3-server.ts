// The S3 endpoint the s3-* tests talk to, in one place: today a bare HTTP server around the S3
// backend; once gl-local's server lands, swap it in here and every S3 test runs through it.

import { S3Client, type S3ClientConfig, type S3ServiceException } from '@aws-sdk/client-s3';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openS3Backend, type S3Backend, type S3BackendOptions } from '../../src/local/s3/index.js';

export interface S3TestServer {
  endpoint: string;
  dataDir: string;
  backend: S3Backend;
  /** Method, raw URL and headers of every request received, in order. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** An SDK v3 client for this endpoint (path style, test/test, us-east-1). */
  client(config?: Partial<S3ClientConfig>): S3Client;
  close(): Promise<void>;
}

/** Starts an endpoint on 127.0.0.1, on a fresh data directory unless one is given. */
export async function startS3Server(options: Omit<S3BackendOptions, 'dataDir'> & { dataDir?: string } = {}): Promise<S3TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gl-s3-')));
  const backend = await openS3Backend({ ...options, dataDir });
  const requests: S3TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    void backend.handle(req, res, new URL(req.url!, 'http://127.0.0.1'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    dataDir,
    backend,
    requests,
    client(config = {}) {
      const client = new S3Client({
        endpoint,
        forcePathStyle: true,
        region: options.region ?? 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        ...config,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request exactly as written, for what the SDK would never send (wrong checksums, broken framing). */
export function rawRequest(
  endpoint: string,
  request: { method: string; path: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(`${endpoint}${request.path}`, { method: request.method, headers: request.headers, agent: false }, (res) => {
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

// Run directly (`node --import=@tapjs/typescript/import test/local/s3-server.ts DIR`), it serves DIR
// and prints its endpoint: how tests get a server they can kill -9.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startS3Server({ dataDir: process.argv[2] });
  process.stdout.write(`${server.endpoint}\n`);
}
