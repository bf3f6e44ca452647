// Glacier jobs as a library: starting select, retrieval and inventory jobs, waiting for jobs, where select output lives.
export { CANNED_ACLS, ENCRYPTION_TYPES, initiateSelectJob, prepareSelectJob, SelectJobError, STORAGE_CLASSES, TIERS } from './select-job.js';
export type { PreparedSelectJob, SelectJobSpec, SelectOutputLocation, StartedFrom, Tier } from './select-job.js';
export { DEFAULT_POLL_INTERVAL_MS, describeJob, DescribeJobError, JobNotReadyError, pollIntervals, waitForJobs, type JobRef, type WaitOptions } from './wait.js';
export { ERROR_MANIFEST, JOB_TXT, jobOutputPath, manifestLine, MAX_OUTPUT_LOCATION_BYTES, outputLocationProblem, RESULT_MANIFEST } from './output-location.js';
export { jobLabel } from './job-label.js';
export { orderedMap } from './ordered-map.js';
export { initiateInventoryJob, type InventoryJobSpec } from './inventory-job.js';
export { initiateRetrievalJob, RetrievalRangeError, type RetrievalJobSpec } from './retrieval-job.js';
export { ARCHIVE_FIELDS, userFields } from './user-fields.js';
