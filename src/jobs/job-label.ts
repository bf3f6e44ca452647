// How messages name a job.

import type { JobRecord } from '../records/types.js';

/** `select job ID in vault V`. */
export function jobLabel(job: Pick<JobRecord, 'action' | 'jobId' | 'vault'>): string {
  return `${job.action} job ${job.jobId} in vault ${job.vault}`;
}
