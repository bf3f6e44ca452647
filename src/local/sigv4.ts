// SigV4 verification: the server rebuilds the canonical request from what arrived and lets the
// SDK's own signer compute the signature the client should have sent. The region and service
// come from the request's own credential scope (boto2 signs 127.0.0.1 as region "0", service "127").

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { signatureV4Sdk } from '../require-commonjs.js';
import { NodeSha256 } from './sha256-constructor.js';

const { SignatureV4 } = signatureV4Sdk();

export interface Authorization {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type AuthFailureReason = 'missing' | 'malformed' | 'unknown-key' | 'mismatch' | 'expired';

export class AuthFailure {
  constructor(
    readonly reason: AuthFailureReason,
    readonly message: string,
  ) {}
}

/** The request as it arrived, before any decoding of path or query. */
export interface SignedRequest {
  method: string;
  /** Path exactly as on the request line, still percent-encoded, without the query. */
  rawPath: string;
  /** Query string without the `?`, still encoded. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /**
   * The service that answers the request (default: the one in the credential scope). S3's
   * canonical URI is the path exactly as sent: S3 resolves no dot segments (`a/../b` is a key) and
   * encodes nothing again. Every other service signs the path with `.` and `..` segments resolved
   * and each segment encoded once more.
   */
  service?: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;_.-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

/** Reads the Authorization header. Undefined when the request carries none. */
export function parseAuthorization(headers: IncomingHttpHeaders): Authorization | AuthFailure | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = AUTH_PATTERN.exec(header);
  if (!match) return new AuthFailure('malformed', `Authorization header is not a valid AWS4-HMAC-SHA256 header: ${header.split(/\s/)[0]}`);
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match;
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.toLowerCase().split(';'), signature: signature.toLowerCase() };
}

const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Checks the signature. `body` is needed only when the request has no x-amz-content-sha256
 * header: then the signer hashes it, as the client's signer did.
 */
export async function verifySignature(
  request: SignedRequest,
  auth: Authorization,
  secretFor: (accessKeyId: string) => string | undefined,
  body: Buffer | undefined,
  now = new Date(),
): Promise<AuthFailure | undefined> {
  const secretAccessKey = secretFor(auth.accessKeyId);
  if (secretAccessKey === undefined) return new AuthFailure('unknown-key', `unknown access key ${auth.accessKeyId}`);

  const amzDate = headerValue(request.headers['x-amz-date']);
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    return new AuthFailure('malformed', 'the request has no valid X-Amz-Date header (YYYYMMDDTHHMMSSZ)');
  }
  if (amzDate.slice(0, 8) !== auth.scopeDate) {
    return new AuthFailure('mismatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}'`);
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return new AuthFailure('expired', `Signature expired: ${amzDate} is now earlier or later than ${basicIso(now)} by more than 15 min.`);
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers[name]);
    if (value === undefined) return new AuthFailure('mismatch', `signed header ${name} is not in the request`);
    headers[name] = value;
  }
  const unsignable = new Set<string>();
  const contentSha256 = headerValue(request.headers['x-amz-content-sha256']);
  if (contentSha256 !== undefined && headers['x-amz-content-sha256'] === undefined) {
    // The signer takes the payload hash from this header even when it is not signed.
    headers['x-amz-content-sha256'] = contentSha256;
    unsignable.add('x-amz-content-sha256');
  }

  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    uriEscapePath: (request.service ?? auth.service) !== 's3',
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: request.rawPath,
      query: parseQuery(request.rawQuery),
      headers,
      body: contentSha256 === undefined ? (body ?? Buffer.alloc(0)) : undefined,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders), unsignableHeaders: unsignable },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (expected.length !== auth.signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    return new AuthFailure('mismatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return undefined;
}

/** Decoded query parameters as the signer wants them; a key without `=` has the value "". */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function basicIso(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
