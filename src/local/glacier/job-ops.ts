// DescribeJob and ListJobs (§2.14, §2.15). A job whose delay has passed is finished before it is shown.

import { findVault, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { invalidParameter, notFound } from './errors.js';
import { describeJob, type JobRecord } from './job-record.js';
import type { Vault } from './store.js';
import { parseLimit } from './validate.js';

export function findJob(vault: Vault, jobId: string): JobRecord {
  const job = vault.jobs.get(jobId);
  if (!job) throw notFound(`The job ID was not found: ${jobId}`);
  return job;
}

export async function describeJobOp(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const job = findJob(vault, call.route.jobId!);
  await context.jobs.settle(vault, job);
  return { status: 200, json: describeJob(job) };
}

export async function listJobs(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const limit = parseLimit(call.query.limit, 50);
  const { completed, statuscode, marker } = call.query;
  if (completed !== undefined && completed !== 'true' && completed !== 'false') {
    throw invalidParameter(`The completed value is not valid: ${completed}`);
  }
  if (statuscode !== undefined && !['InProgress', 'Succeeded', 'Failed'].includes(statuscode)) {
    throw invalidParameter(`The job status code is not valid: ${statuscode}`);
  }
  const all = [...vault.jobs.values()];
  await Promise.all(all.map((job) => context.jobs.settle(vault, job)));
  let start = 0;
  if (marker !== undefined && marker !== '') {
    // The marker is the job ID of the first job of the next page.
    start = all.findIndex((job) => job.jobId === marker);
    if (start < 0) throw invalidParameter(`Invalid marker: ${marker}`);
  }
  const matching = all.slice(start).filter(
    (job) =>
      (completed === undefined || (job.statusCode !== 'InProgress') === (completed === 'true')) &&
      (statuscode === undefined || job.statusCode === statuscode),
  );
  const next = matching[limit];
  return { status: 200, json: { JobList: matching.slice(0, limit).map(describeJob), Marker: next ? next.jobId : null } };
}
