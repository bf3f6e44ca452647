// The errors gl-local itself answers before a request reaches a service (authentication and
// injected faults), in each service's own shape: Glacier's JSON, S3's XML.

import type { ServerResponse } from 'node:http';
import type { AuthFailure } from './sigv4.js';
import type { FaultKind } from './faults.js';

export type Service = 'glacier' | 's3';

export interface ServiceError {
  status: number;
  code: string;
  message: string;
}

const GLACIER_AUTH: Record<AuthFailure['reason'], [number, string]> = {
  missing: [400, 'MissingAuthenticationTokenException'],
  malformed: [403, 'InvalidSignatureException'],
  'unknown-key': [400, 'UnrecognizedClientException'],
  mismatch: [403, 'InvalidSignatureException'],
  expired: [403, 'InvalidSignatureException'],
};

const S3_AUTH: Record<AuthFailure['reason'], [number, string]> = {
  missing: [403, 'AccessDenied'],
  malformed: [400, 'AuthorizationHeaderMalformed'],
  'unknown-key': [403, 'InvalidAccessKeyId'],
  mismatch: [403, 'SignatureDoesNotMatch'],
  expired: [403, 'RequestTimeTooSkewed'],
};

const AUTH_MESSAGES: Partial<Record<AuthFailure['reason'], Record<Service, string>>> = {
  missing: { glacier: 'Missing Authentication Token', s3: 'Access Denied' },
  'unknown-key': {
    glacier: 'The security token included in the request is invalid.',
    s3: 'The AWS Access Key Id you provided does not exist in our records.',
  },
};

export function authError(service: Service, failure: AuthFailure): ServiceError {
  const [status, code] = (service === 'glacier' ? GLACIER_AUTH : S3_AUTH)[failure.reason];
  return { status, code, message: AUTH_MESSAGES[failure.reason]?.[service] ?? failure.message };
}

type ErrorFault = Exclude<FaultKind, 'reset' | 'corrupt'>;

const FAULTS: Record<Service, Record<ErrorFault, ServiceError>> = {
  glacier: {
    '500': { status: 500, code: 'ServiceUnavailableException', message: 'Service is unavailable. Try again later. (injected fault)' },
    throttle: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded (injected fault)' },
    timeout: { status: 408, code: 'RequestTimeoutException', message: 'Request timed out (injected fault)' },
    limit: { status: 400, code: 'LimitExceededException', message: 'Request limit exceeded (injected fault)' },
    policy: { status: 400, code: 'PolicyEnforcedException', message: 'InitiateJob request denied by current data retrieval policy. (injected fault)' },
    // 400 as the SDK's model has it; the developer guide says 503 (docs/gl-local.md).
    capacity: { status: 400, code: 'InsufficientCapacityException', message: 'There is insufficient capacity to process this expedited request. (injected fault)' },
  },
  s3: {
    '500': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again. (injected fault)' },
    throttle: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate. (injected fault)' },
    timeout: {
      status: 400,
      code: 'RequestTimeout',
      message: 'Your socket connection to the server was not read from or written to within the timeout period. (injected fault)',
    },
    // S3 has no such errors; each maps to the nearest it has.
    limit: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate. (injected fault)' },
    policy: { status: 403, code: 'AccessDenied', message: 'Access Denied (injected fault)' },
    capacity: { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request. (injected fault)' },
  },
};

export function isErrorFault(fault: FaultKind | undefined): fault is ErrorFault {
  return fault !== undefined && fault in FAULTS.glacier;
}

export function faultError(service: Service, fault: ErrorFault): ServiceError {
  return FAULTS[service][fault];
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Writes the error as the service would: JSON {code,message,type} for Glacier, an <Error> document for S3. */
export function writeServiceError(res: ServerResponse, service: Service, error: ServiceError, requestId: string): void {
  let body: string;
  if (service === 'glacier') {
    body = JSON.stringify({ code: error.code, message: error.message, type: error.status >= 500 ? 'Server' : 'Client' });
    res.setHeader('content-type', 'application/json');
  } else {
    body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    res.setHeader('content-type', 'application/xml');
    res.setHeader('x-amz-request-id', requestId);
  }
  res.statusCode = error.status;
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
