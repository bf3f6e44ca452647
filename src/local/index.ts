// gl-local as a library: start the local Glacier + S3 endpoint in-process.
export { startLocal, type LocalOptions, type LocalServer } from './server.js';
export type { RequestLogRecord } from './request-log.js';
export { parseFaultSpec, type FaultKind, type FaultRule } from './faults.js';
export { parseJobDelay, TIER_SECONDS, type JobDelay } from './job-delay.js';
