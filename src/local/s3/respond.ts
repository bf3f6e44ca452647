// Writing responses: XML documents and S3's error shape.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { S3Error, internalError } from './errors.js';
import { XML_DECLARATION, element } from './xml.js';

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Sets S3's request identifiers, which every response carries. */
export function identify(res: ServerResponse, requestId: string): void {
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', randomBytes(24).toString('base64'));
}

export function sendXml(res: ServerResponse, status: number, document: string, headers: OutgoingHttpHeaders = {}): void {
  const body = XML_DECLARATION + document;
  res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}

/**
 * Answers with the error as S3 writes it (no body for HEAD). A response already under way can only
 * be cut off, which the client sees as a truncated body.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, resource: string, requestId: string): S3Error {
  const s3Error = error instanceof S3Error ? error : internalError(error);
  if (res.headersSent) {
    res.destroy();
    return s3Error;
  }
  if (!req.complete) {
    // Read what is left of the body so that the client, still sending, gets to see this answer.
    req.unpipe();
    req.resume();
  }
  if (req.method === 'HEAD') {
    sendEmpty(res, s3Error.status);
    return s3Error;
  }
  const details = Object.entries(s3Error.details)
    .map(([name, value]) => element(name, value))
    .join('');
  const fields = element('Code', s3Error.code) + element('Message', s3Error.message) + details;
  sendXml(res, s3Error.status, `<Error>${fields}${element('Resource', resource)}${element('RequestId', requestId)}</Error>`);
  return s3Error;
}
