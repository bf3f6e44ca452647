// What every operation handler gets, and the checks they share.

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { notImplemented } from './errors.js';
import type { S3Store } from './store.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** Decoded from the raw path; empty for the service. */
  bucket: string;
  /** Decoded from the raw path; empty for a bucket. */
  key: string;
  store: S3Store;
  region: string;
}

export type Handler = (exchange: Exchange) => Promise<void>;

/** The one owner of everything in gl-local. */
export const OWNER = { id: createHash('sha256').update('gl-local').digest('hex'), displayName: 'gl-local' };

/** Refuses a request that asks, by header, for something gl-local cannot honour (never ignore it silently). */
export function refuseHeaders(headers: IncomingHttpHeaders, refused: readonly (string | RegExp)[]): void {
  for (const name of Object.keys(headers)) {
    if (refused.some((rule) => (typeof rule === 'string' ? rule === name : rule.test(name)))) {
      throw notImplemented(`the ${name} header`);
    }
  }
}

export function refuseParameters(query: URLSearchParams, refused: readonly string[]): void {
  for (const name of refused) if (query.has(name)) throw notImplemented(`the ${name} parameter`);
}

/** Accepts only the given values of a header (e.g. x-amz-acl: private). */
export function allowOnly(headers: IncomingHttpHeaders, name: string, allowed: readonly string[]): void {
  const value = headers[name];
  if (value !== undefined && !allowed.includes(String(value))) throw notImplemented(`${name}: ${String(value)}`);
}
