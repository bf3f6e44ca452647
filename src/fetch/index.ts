// Fetching the output of finished Glacier jobs (gl-fetch-results as a library). One JobFetcher
// per job action; see job-fetcher.ts for how another action is added.
export { fetcherFor, GLACIER_ACTIONS, type FetchContext, type JobFetcher, type JobOutput, type OpenedJob } from './job-fetcher.js';
export { selectFetcher } from './select-fetcher.js';
export { archiveFetcher, retrievalFileName, retrievalPlan } from './archive-fetcher.js';
export { inventoryFetcher, jobOutputBytes } from './inventory-fetcher.js';
export { objectChunks, DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY, type ObjectChunksOptions } from './object-chunks.js';
export { parseManifest, readManifest } from './manifest.js';
export { csvToNdjson, fieldNames } from './ndjson.js';
export { deletePrefix } from './delete-prefix.js';
export { getText, isRetryableRead, readExactly, retried, s3Uri, TruncatedBodyError, type RequestOptions, type S3ObjectRef } from './s3-requests.js';
export { writeOut } from './write-out.js';
export { DamagedObjectError, objectCheck, ObjectVerifier, type ObjectCheck } from './object-check.js';
