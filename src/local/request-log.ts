// One record per request gl-local answered (or dropped): what tests assert on, and what
// `gl-local --log` writes to stderr as NDJSON.

import type { FaultKind } from './faults.js';

export interface RequestLogRecord {
  /** When the request arrived (ISO 8601). */
  time: string;
  requestId: string;
  service: 'glacier' | 's3';
  /** The operation name (UploadMultipartPart, PutObject, ...), or "Unknown". */
  operation: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  vault: string | null;
  archiveId: string | null;
  uploadId: string | null;
  jobId: string | null;
  /** The request's Content-Range header (UploadMultipartPart). */
  contentRange: string | null;
  /** The request's Range header (GetJobOutput, GetObject). */
  range: string | null;
  /** The status sent; null when the connection was reset before a status line went out. */
  status: number | null;
  /** The error code gl-local answered with (Glacier errors and gl-local's own S3 auth/fault errors). */
  error: string | null;
  /** The fault injected into this request, if any. */
  fault: FaultKind | null;
  /** Latency added by fault rules, in milliseconds. */
  latencyMs: number;
  durationMs: number;
}
