// Waiting for Glacier jobs: DescribeJob for every job, again after a wait that grows each round,
// until all have finished; or one look when the caller may not wait (gl-fetch-results --no-wait,
// for make and cron), where an unfinished job is JobNotReadyError (exit status 75).

import { setTimeout as sleep } from 'node:timers/promises';
import type { GlacierClient, GlacierJobDescription } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { describeAwsError } from '../aws/errors.js';
import { withRetries } from '../aws/retry.js';
import { EXIT, PipesError } from '../errors.js';
import { orderedMap } from './ordered-map.js';

const { DescribeJobCommand } = glacierSdk();

/** What names a job to Glacier. */
export interface JobRef {
  vault: string;
  jobId: string;
}

export interface WaitOptions {
  /** false: look once; any job still in progress ends the wait with JobNotReadyError. Default true. */
  wait?: boolean;
  /** The first wait between looks, in ms (default 30 s). Each later wait is half as long again, up to maxIntervalMs. */
  pollIntervalMs?: number;
  /** The longest wait between looks (default 15 min, or pollIntervalMs if that is longer). */
  maxIntervalMs?: number;
  /** Stop waiting after this many ms in all (JobNotReadyError). Default: no limit. */
  timeoutMs?: number;
  /** DescribeJob calls in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called before each wait: how many jobs are unfinished, and how long the wait is. */
  onWait?: (unfinished: number, total: number, waitMs: number) => void;
}

/** Jobs that have not finished when the caller could wait no longer. Exit status 75: come back later. */
export class JobNotReadyError extends PipesError {
  constructor(
    /** Indexes (into the jobs given) of the unfinished jobs, with what Glacier last said of each. */
    readonly unfinished: { index: number; description: GlacierJobDescription }[],
    reason: string,
  ) {
    super('JOB_NOT_READY', `${unfinished.length} job(s) not finished ${reason}`, { exitCode: EXIT.notReady });
    this.name = 'JobNotReadyError';
  }
}

/** DescribeJob failed for good (no such job, no access, ...) for the job at `index`. */
export class DescribeJobError extends PipesError {
  constructor(
    readonly index: number,
    job: JobRef,
    cause: unknown,
  ) {
    super('DESCRIBE_JOB', `job ${job.jobId} in vault ${job.vault}: ${describeAwsError(cause)}`, { cause });
    this.name = 'DescribeJobError';
  }
}

export const DEFAULT_POLL_INTERVAL_MS = 30_000;
const DEFAULT_MAX_INTERVAL_MS = 15 * 60_000;

/** DescribeJob, retried with backoff on throttling, 5xx and dropped connections. */
export function describeJob(glacier: GlacierClient, job: JobRef, signal?: AbortSignal): Promise<GlacierJobDescription> {
  return withRetries(() => glacier.send(new DescribeJobCommand({ accountId: '-', vaultName: job.vault, jobId: job.jobId }), { abortSignal: signal }), { signal });
}

/** The waits between looks: the poll interval, then half as long again each time, up to the maximum. */
export function* pollIntervals(pollIntervalMs: number, maxIntervalMs: number): Generator<number> {
  for (let wait = pollIntervalMs; ; wait = Math.min(maxIntervalMs, wait * 1.5)) yield Math.round(wait);
}

/**
 * Resolves with the final description of every job (Completed: Succeeded or Failed), in the order
 * given. Jobs are looked at together each round, so many jobs cost one wait, not one each.
 */
export async function waitForJobs(glacier: GlacierClient, jobs: readonly JobRef[], options: WaitOptions = {}): Promise<GlacierJobDescription[]> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const intervals = pollIntervals(pollIntervalMs, Math.max(pollIntervalMs, options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS));
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const descriptions: (GlacierJobDescription | undefined)[] = jobs.map(() => undefined);
  let unfinished = jobs.map((_, index) => index);
  for (;;) {
    const looked = orderedMap(unfinished, options.concurrency ?? 8, (index) =>
      describeJob(glacier, jobs[index], options.signal).catch((err) => {
        throw options.signal?.aborted ? err : new DescribeJobError(index, jobs[index], err);
      }),
    );
    let i = 0;
    for await (const description of looked) descriptions[unfinished[i++]] = description;
    unfinished = unfinished.filter((index) => !descriptions[index]!.Completed);
    if (unfinished.length === 0) return descriptions as GlacierJobDescription[];
    const notReady = (reason: string) => new JobNotReadyError(unfinished.map((index) => ({ index, description: descriptions[index]! })), reason);
    if (options.wait === false) throw notReady('yet');
    const waitMs = Math.min(intervals.next().value as number, deadline - Date.now());
    if (waitMs <= 0) throw notReady('within the time allowed');
    options.onWait?.(unfinished.length, jobs.length, waitMs);
    await sleep(waitMs, undefined, { signal: options.signal });
  }
}
