// SDK v3 clients configured the way the AWS CLI is: the SDK's own credential and region chain,
// plus --region, --profile and --endpoint-url. AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_GLACIER and
// AWS_ENDPOINT_URL_S3 are read by the SDK itself.

import type { GlacierClient, GlacierClientConfig } from '@aws-sdk/client-glacier';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BuildMiddleware, MiddlewareStack } from '@smithy/types';
import { glacierSdk, s3Sdk } from '../require-commonjs.js';
import { TreeHasher } from '../treehash/tree-hash.js';

export interface AwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

/** yargs options every command that talks to AWS accepts. */
export const awsFlags = {
  region: { type: 'string', requiresArg: true, describe: 'AWS region (default: the SDK chain: AWS_REGION, profile)' },
  profile: { type: 'string', requiresArg: true, describe: 'shared config/credentials profile (default: AWS_PROFILE)' },
  'endpoint-url': { type: 'string', requiresArg: true, describe: 'endpoint URL, e.g. the one gl-local prints' },
} as const;

export function awsSettings(argv: { region?: string; profile?: string; endpointUrl?: string }): AwsSettings {
  return { region: argv.region, profile: argv.profile, endpointUrl: argv.endpointUrl };
}

type BodyChecksumGenerator = NonNullable<GlacierClientConfig['bodyChecksumGenerator']>;

/**
 * Glacier wants the linear and tree hashes of every body. The SDK's default generator re-reads
 * file streams and refuses any other stream; ours uses hashes the caller already put on the
 * request (see withUploadHeaders) and hashes in-memory bodies itself. Exported for callers
 * that build their own GlacierClient.
 */
export const glacierBodyChecksums: BodyChecksumGenerator = async (request) => {
  const contentSha256 = request.headers['x-amz-content-sha256'];
  const treeHash = request.headers['x-amz-sha256-tree-hash'];
  if (contentSha256 && treeHash) return [contentSha256, treeHash];
  const body: unknown = request.body;
  const bytes =
    typeof body === 'string' ? Buffer.from(body) : ArrayBuffer.isView(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined;
  if (!bytes) throw new Error('a streamed Glacier body needs its SHA-256 and tree hash computed before sending');
  const digest = new TreeHasher().update(bytes).digest();
  return [digest.sha256, digest.treeHash];
};

export interface ClientOptions {
  /** SDK attempts per request (the SDK default is 3; never retried for stream bodies). */
  maxAttempts?: number;
  /** Give up connecting after this long (default 30 s). */
  connectionTimeoutMs?: number;
  /** Drop a connection on which nothing moved for this long (default 5 min): a hung request fails and can be retried. */
  idleTimeoutMs?: number;
}

function requestHandler(options: ClientOptions) {
  return { connectionTimeout: options.connectionTimeoutMs ?? 30_000, socketTimeout: options.idleTimeoutMs ?? 300_000 };
}

/**
 * The SDK warns on stderr, once per process, that its releases from 2027 on need Node 22. That
 * is advice for whoever picks the SDK version (this package pins it), not for the user of a
 * command, and it would break "one clear line on stderr".
 */
export function quietSdkVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/**
 * The SDK logs nothing through a logger it is given, but with none it prints some warnings on the
 * console itself ("An error was encountered in a non-retryable streaming request."): on stderr
 * next to the command's own one-line error. Our callers report every failure themselves.
 */
export const silentLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function createGlacierClient(settings: AwsSettings, options: ClientOptions = {}): GlacierClient {
  quietSdkVersionWarning();
  const { GlacierClient } = glacierSdk();
  return new GlacierClient({
    region: settings.region,
    profile: settings.profile,
    endpoint: settings.endpointUrl,
    maxAttempts: options.maxAttempts,
    bodyChecksumGenerator: glacierBodyChecksums,
    logger: silentLogger,
    requestHandler: requestHandler(options),
  });
}

export function createS3Client(settings: AwsSettings, options: ClientOptions = {}): S3Client {
  quietSdkVersionWarning();
  // Loaded here, on first use: commands that only talk to Glacier need not pay for it.
  const { S3Client } = s3Sdk();
  const endpointOverridden = Boolean(settings.endpointUrl || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  return new S3Client({
    region: settings.region,
    profile: settings.profile,
    endpoint: settings.endpointUrl,
    maxAttempts: options.maxAttempts,
    // Local endpoints (gl-local) serve path-style buckets only.
    forcePathStyle: endpointOverridden,
    logger: silentLogger,
    requestHandler: requestHandler(options),
  });
}

/**
 * Puts headers on one Glacier request before the Glacier middleware and the signer see it: the
 * linear SHA-256 (the API has no input member for it; the signer uses it as the payload hash) and,
 * for a stream body, its Content-Length.
 */
export function withUploadHeaders<Input extends object, Output extends object>(
  command: { middlewareStack: MiddlewareStack<Input, Output> },
  headers: { sha256: string; contentLength?: number },
): void {
  const middleware: BuildMiddleware<Input, Output> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers) {
      request.headers['x-amz-content-sha256'] = headers.sha256;
      if (headers.contentLength !== undefined) request.headers['content-length'] = String(headers.contentLength);
    }
    return next(args);
  };
  command.middlewareStack.add(middleware, { step: 'build', priority: 'high', name: 'glacierPipesUploadHeaders' });
}
