// Test helpers around gl-local: an in-process server per test, SDK v3 clients pointed at it,
// and the real `gl-local` command as a child process (for kill -9 and restart tests).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GlacierClient, type GlacierClientConfig } from '@aws-sdk/client-glacier';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { quietSdkVersionWarning, silentLogger } from '../../src/aws/clients.js';
import { startLocal, type LocalOptions, type LocalServer } from '../../src/local/index.js';
import { NodeSha256 } from '../../src/local/sha256-constructor.js';
import { parseQuery } from '../../src/local/sigv4.js';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const TEST_REGION = 'us-east-1';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binDir = join(repoRoot, 'bin');
const localCommand = join(repoRoot, 'dist', 'src', 'commands', 'gl-local.js');

/** Anything with tap's teardown (a tap Test). */
export interface TestLike {
  teardown(fn: () => unknown): void;
}

/** Starts gl-local in-process on 127.0.0.1 and an ephemeral port; closed when the test ends. */
export async function withLocal(t: TestLike, options: LocalOptions = {}): Promise<LocalServer> {
  const server = await startLocal(options);
  t.teardown(() => server.close());
  return server;
}

type Target = LocalServer | string;
const endpointOf = (target: Target) => (typeof target === 'string' ? target : target.url);

// Like the commands' clients: the SDK's console warnings would only be noise in test output.
function quietConfig(target: Target) {
  quietSdkVersionWarning();
  return { region: TEST_REGION, endpoint: endpointOf(target), credentials: TEST_CREDENTIALS, logger: silentLogger };
}

/** An SDK v3 Glacier client for gl-local: credentials test/test, region us-east-1, no console output. */
export function glacierClient(target: Target, config: Partial<GlacierClientConfig> = {}): GlacierClient {
  return new GlacierClient({ ...quietConfig(target), ...config });
}

/** An SDK v3 S3 client for gl-local: path-style, credentials test/test, region us-east-1, no console output. */
export function s3Client(target: Target, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({ ...quietConfig(target), forcePathStyle: true, ...config });
}

/** Environment for the AWS CLI, boto3 and boto 2 talking to gl-local (no config files read). */
export function awsEnv(target: Target): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_REGION: TEST_REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    GL_LOCAL_URL: endpointOf(target),
  };
}

export interface LocalProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/**
 * Runs the real `gl-local` command (the built dist/, so build first) and waits for the URL line.
 * A child still running when the test ends gets SIGTERM (so it removes a temporary data dir),
 * then SIGKILL if it has not stopped within 5 seconds.
 *
 * It runs dist/src/commands/gl-local.js with this Node, as the bin/gl-local script does, so that
 * the child is gl-local itself.
 */
export async function spawnLocal(t: TestLike, args: string[]): Promise<LocalProcess> {
  const child = spawn(process.execPath, [localCommand, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(resolve, 5000, false))]);
    if (!stopped) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([once(lines, 'line').then(([line]) => line as string), exited.then(() => undefined)]);
  if (first === undefined) throw new Error(`gl-local exited before listening: ${stderr}`);
  return { url: first, child, stderr: () => stderr, exited };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the wire (encoded; dot segments are sent as written). */
  path: string;
  /** Extra headers; null leaves a default one (x-amz-glacier-version) out. */
  headers?: Record<string, string | null>;
  body?: Buffer | string;
  /** The credential scope's service (default glacier); `region` likewise (default us-east-1). */
  service?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Send without an Authorization header. */
  unsigned?: boolean;
}

/** The headers of a request signed with SigV4 by the SDK's signer (host and version included). */
export async function signedHeaders(target: Target, request: RawRequest): Promise<Record<string, string>> {
  const endpoint = new URL(endpointOf(target));
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    host: endpoint.host,
    'x-amz-glacier-version': '2012-06-01',
    ...(body ? { 'content-length': String(body.length) } : {}),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  if (request.unsigned) return headers;
  // Not `new URL(path)`: it would resolve `a/../b` and `%2e%2e`, which S3 keys keep.
  const queryAt = request.path.indexOf('?');
  const path = queryAt < 0 ? request.path : request.path.slice(0, queryAt);
  const query = parseQuery(queryAt < 0 ? '' : request.path.slice(queryAt + 1));
  const signer = new SignatureV4({
    credentials: request.credentials ?? TEST_CREDENTIALS,
    region: request.region ?? TEST_REGION,
    service: request.service ?? 'glacier',
    sha256: NodeSha256,
    uriEscapePath: (request.service ?? 'glacier') !== 's3',
    // Like boto3: no x-amz-content-sha256 unless the caller sets one.
    applyChecksum: false,
  });
  const signed = await signer.sign({ method: request.method, protocol: 'http:', hostname: endpoint.hostname, port: Number(endpoint.port), path, query, headers, body });
  return signed.headers as Record<string, string>;
}

/**
 * One signed request sent with node:http, to look at exactly what gl-local puts on the wire
 * (headers, JSON keys with nulls, error bodies).
 */
export async function rawRequest(target: Target, request: RawRequest): Promise<RawResponse> {
  const headers = await signedHeaders(target, request);
  const { hostname, port } = new URL(endpointOf(target));
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ hostname, port, path: request.path, method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}

/** Bytes where byte i is i mod 251: every MiB differs, so a tree hash catches swapped chunks. */
export function mod251(length: number, offset = 0): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i + offset) % 251;
  return bytes;
}
