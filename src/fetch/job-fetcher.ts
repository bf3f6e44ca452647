// What gl-fetch-results does with a finished job depends on the job's action; each action is a
// JobFetcher module registered here: select jobs (result rows from S3, select-fetcher.ts),
// archive retrievals (bytes verified by tree hash, archive-fetcher.ts) and inventory retrievals
// (archive records, inventory-fetcher.ts).

import type { GlacierClient, GlacierJobDescription } from '@aws-sdk/client-glacier';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Writable } from 'node:stream';
import type { JobAction, JobRecord } from '../records/types.js';
import { archiveFetcher } from './archive-fetcher.js';
import { inventoryFetcher } from './inventory-fetcher.js';
import type { ObjectChunksOptions } from './object-chunks.js';
import { selectFetcher } from './select-fetcher.js';

/** Clients and settings every fetcher gets. `chunkSize`, `concurrency`, retries and `signal` apply to every read. */
export interface FetchContext extends ObjectChunksOptions {
  glacier: GlacierClient;
  s3: S3Client;
  /**
   * Archive retrievals: write the bytes to `file` (one job), or to a file per job in `dir`, instead
   * of the stream given to `write`; resumable, and renamed into place only once verified.
   */
  output?: { file?: string; dir?: string };
  /** Told of what is worth a line on stderr and is not a failure (a resumed download, a next inventory page). */
  onNotice?: (message: string) => void;
}

/** A finished job's output, checked and ready to write. */
export interface JobOutput {
  /** Writes the whole output to `out`, in order, at the pace `out` takes it. */
  write(out: Writable, format: string): Promise<void>;
  /** Removes what the job left behind (a select job's S3 objects); resolves with a few words on what went. */
  remove(): Promise<string>;
}

/** A job ready to write (with lines for stderr once it is written), or why it failed. */
export type OpenedJob = { ok: true; output: JobOutput; notes?: string[] } | { ok: false; report: string[] };

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

const FETCHERS: Record<JobAction, JobFetcher> = {
  select: selectFetcher,
  'archive-retrieval': archiveFetcher,
  'inventory-retrieval': inventoryFetcher,
};

export function fetcherFor(action: JobAction): JobFetcher {
  return FETCHERS[action];
}
