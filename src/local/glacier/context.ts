// What every Glacier operation handler gets: the store, the account and region it answers as,
// the request, and the shape of its reply.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { S3Backend } from '../s3/index.js';
import { notFound } from './errors.js';
import type { GlacierRoute } from './routes.js';
import type { GlacierStore, Vault } from './store.js';
import { isValidVaultName } from './validate.js';
import type { JobRunner } from './job-runner.js';

export interface GlacierContext {
  store: GlacierStore;
  accountId: string;
  region: string;
  jobs: JobRunner;
  s3: S3Backend;
}

export interface GlacierCall {
  route: GlacierRoute;
  req: IncomingMessage;
  /** Decoded query parameters (first value of each). */
  query: Record<string, string>;
  /** The whole request body, read before the call for every operation except the two uploads. */
  body: Buffer | undefined;
  /** Sends `100 Continue` when the client waits for it; call before reading an upload body. */
  acceptBody(): void;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** A streamed body of known length (GetJobOutput). */
  stream?: { length: number; open(): Readable };
}

export function vaultArn(context: GlacierContext, name: string): string {
  return `arn:aws:glacier:${context.region}:${context.accountId}:vaults/${name}`;
}

export function vaultPath(context: GlacierContext, name: string): string {
  return `/${context.accountId}/vaults/${name}`;
}

/** The vault named in the path, or the 404 Glacier answers (an invalid name is echoed raw, as observed). */
export function findVault(context: GlacierContext, name: string): Vault {
  const vault = context.store.vaults.get(name);
  if (vault && !vault.deleted) return vault;
  throw notFound(`Vault not found for ARN: ${isValidVaultName(name) ? vaultArn(context, name) : name}`);
}

export function header(call: GlacierCall, name: string): string | undefined {
  const value = call.req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function isoNow(): string {
  return new Date().toISOString();
}
