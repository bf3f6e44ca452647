// One clear line for whatever the SDK or the network threw, and which failures are worth a retry.

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'LimitExceededException',
  'RequestTimeoutException',
  'ServiceUnavailableException',
  'RequestTimeout',
  'SlowDown',
  'InternalError',
  'TimeoutError',
]);

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : { message: String(err) };
}

export function httpStatus(err: unknown): number | undefined {
  return shape(err).$metadata?.httpStatusCode;
}

/** The AWS error code (`ResourceNotFoundException`, `NoSuchKey`, ...) when there is one. */
export function awsErrorCode(err: unknown): string | undefined {
  const e = shape(err);
  return e.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}

export function isNetworkError(err: unknown): boolean {
  const e = shape(err);
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  return /socket hang up|ECONNRESET|EPIPE|premature close|aborted/i.test(e.message ?? '') && httpStatus(err) === undefined;
}

export function isThrottling(err: unknown): boolean {
  const name = shape(err).name;
  return name === 'ThrottlingException' || name === 'LimitExceededException' || name === 'SlowDown';
}

/** 5xx, 408, throttling and dropped connections are worth another attempt; the rest is final. */
export function isRetryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined && (status >= 500 || status === 408)) return true;
  if (RETRYABLE_NAMES.has(shape(err).name ?? '')) return true;
  return isNetworkError(err);
}

/** `ResourceNotFoundException (HTTP 404): Vault not found for ARN: ...`, or a plain sentence for local failures. */
export function describeAwsError(err: unknown): string {
  const e = shape(err);
  const message = (e.message ?? '').trim();
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or configure ~/.aws/credentials';
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION (or a region in ~/.aws/config)';
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) {
    const text = message && message !== 'UnknownError' ? message : 'no message';
    return `${e.name ?? 'Error'} (HTTP ${status}): ${text}`;
  }
  if (e.code && NETWORK_CODES.has(e.code)) return `network error: ${e.code}${message && !message.includes(e.code) ? ` (${message})` : ''}`;
  return message || String(err);
}
