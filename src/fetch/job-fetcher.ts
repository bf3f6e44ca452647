// What gl-fetch-results does with a finished job depends on the job's action; each action is a
// JobFetcher module registered here. Select jobs are built (select-fetcher.ts); archive-retrieval
// (bytes verified by tree hash per range) and inventory-retrieval (archive records) are to come
// as modules of their own beside it. Until then asking for them is a clear error, never a pretence.

import type { GlacierClient, GlacierJobDescription } from '@aws-sdk/client-glacier';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Writable } from 'node:stream';
import { PipesError } from '../errors.js';
import type { JobAction, JobRecord } from '../records/types.js';
import type { ObjectChunksOptions } from './object-chunks.js';
import { selectFetcher } from './select-fetcher.js';

/** Clients and settings every fetcher gets. `chunkSize`, `concurrency`, retries and `signal` apply to every read. */
export interface FetchContext extends ObjectChunksOptions {
  glacier: GlacierClient;
  s3: S3Client;
}

/** A finished job's output, checked and ready to write. */
export interface JobOutput {
  /** Writes the whole output to `out`, in order, at the pace `out` takes it. */
  write(out: Writable, format: string): Promise<void>;
  /** Removes what the job left behind (a select job's S3 objects); resolves with a few words on what went. */
  remove(): Promise<string>;
}

export type OpenedJob = { ok: true; output: JobOutput } | { ok: false; report: string[] };

export interface JobFetcher {
  readonly action: JobAction;
  /** The --format values it can write; the first is the default. */
  readonly formats: readonly string[];
  /**
   * Looks at a job that has completed (`description.Completed`): its output, ready to write, or
   * why it failed as lines for stderr (a select job's error manifest and error objects).
   */
  open(context: FetchContext, job: JobRecord, description: GlacierJobDescription): Promise<OpenedJob>;
}

/** DescribeJob's Action for each record action. */
export const GLACIER_ACTIONS: Record<JobAction, string> = {
  select: 'Select',
  'archive-retrieval': 'ArchiveRetrieval',
  'inventory-retrieval': 'InventoryRetrieval',
};

const FETCHERS: Partial<Record<JobAction, JobFetcher>> = {
  select: selectFetcher,
};

/** A capability that is planned but not built: said plainly, exit status 1. */
export class NotBuiltError extends PipesError {
  constructor(message: string) {
    super('NOT_BUILT', message);
    this.name = 'NotBuiltError';
  }
}

/** The fetcher for a job action; NotBuiltError for the actions whose fetching is not built yet. */
export function fetcherFor(action: JobAction): JobFetcher {
  const fetcher = FETCHERS[action];
  if (!fetcher) {
    const built = Object.keys(FETCHERS).join(', ');
    throw new NotBuiltError(`fetching the output of ${action} jobs is not built yet (only ${built} jobs can be fetched)`);
  }
  return fetcher;
}
