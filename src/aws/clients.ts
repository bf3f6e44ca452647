// SDK v3 clients configured the way the AWS CLI is: the SDK's own credential and region chain,
// plus --region, --profile and --endpoint-url. AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_GLACIER and
// AWS_ENDPOINT_URL_S3 are read by the SDK itself.

import { GlacierClient, type GlacierClientConfig } from '@aws-sdk/client-glacier';
import { S3Client } from '@aws-sdk/client-s3';
import { TreeHasher } from '../treehash/tree-hash.js';

export interface AwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

/** yargs options every command that talks to AWS accepts. */
export const awsFlags = {
  region: { type: 'string', describe: 'AWS region (default: the SDK chain: AWS_REGION, profile)' },
  profile: { type: 'string', describe: 'shared config/credentials profile (default: AWS_PROFILE)' },
  'endpoint-url': { type: 'string', describe: 'endpoint URL, e.g. the one gl-local prints' },
} as const;

export function awsSettings(argv: { region?: string; profile?: string; endpointUrl?: string }): AwsSettings {
  return { region: argv.region, profile: argv.profile, endpointUrl: argv.endpointUrl };
}

type BodyChecksumGenerator = NonNullable<GlacierClientConfig['bodyChecksumGenerator']>;

/**
 * Glacier wants the linear and tree hashes of every body. The SDK's default generator re-reads
 * file streams and refuses any other stream; ours uses hashes the caller already put on the
 * request (see withContentSha256) and hashes in-memory bodies itself.
 */
const precomputedOrInMemory: BodyChecksumGenerator = async (request) => {
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

export function createGlacierClient(settings: AwsSettings, options: { maxAttempts?: number } = {}): GlacierClient {
  return new GlacierClient({
    region: settings.region,
    profile: settings.profile,
    endpoint: settings.endpointUrl,
    maxAttempts: options.maxAttempts,
    bodyChecksumGenerator: precomputedOrInMemory,
  });
}

export function createS3Client(settings: AwsSettings, options: { maxAttempts?: number } = {}): S3Client {
  const endpointOverridden = Boolean(settings.endpointUrl || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  return new S3Client({
    region: settings.region,
    profile: settings.profile,
    endpoint: settings.endpointUrl,
    maxAttempts: options.maxAttempts,
    // Local endpoints (gl-local) serve path-style buckets only.
    forcePathStyle: endpointOverridden,
  });
}

/** What a command needs of any SDK command object to attach a request header before signing. */
interface HasMiddlewareStack {
  middlewareStack: {
    add(
      middleware: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: 'build'; priority: 'high'; name?: string },
    ): void;
  };
}

/**
 * Puts headers on one Glacier request before the Glacier middleware and the signer see it: the
 * linear SHA-256 (the API has no input member for it; the signer uses it as the payload hash) and,
 * for a stream body, its Content-Length.
 */
export function withUploadHeaders<C extends HasMiddlewareStack>(command: C, headers: { sha256: string; contentLength?: number }): C {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) {
        request.headers['x-amz-content-sha256'] = headers.sha256;
        if (headers.contentLength !== undefined) request.headers['content-length'] = String(headers.contentLength);
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'glacierPipesUploadHeaders' },
  );
  return command;
}
