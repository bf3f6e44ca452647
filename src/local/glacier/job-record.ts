// A job as gl-local keeps it on disk (job.json), and as DescribeJob and ListJobs show it (§2.14).

import { isTreeHashAligned } from '../../treehash/tree-hash.js';
import type { Segment } from './store.js';

export type Tier = 'Expedited' | 'Standard' | 'Bulk';
export type JobAction = 'ArchiveRetrieval' | 'InventoryRetrieval' | 'Select';
export type JobStatus = 'InProgress' | 'Succeeded' | 'Failed';

export interface InventoryRequest {
  format: 'JSON' | 'CSV';
  startDate: string | null;
  endDate: string | null;
  limit: string | null;
  /** Where this page starts (from the previous job's DescribeJob). */
  marker: string | null;
}

export interface SelectRequest {
  /**
   * SelectParameters and OutputLocation as the client sent them (echoed by DescribeJob). The query
   * is compiled from these again when the job runs, so a job survives a restart.
   */
  parameters: Record<string, unknown>;
  outputLocation: Record<string, unknown>;
  bucket: string;
  /** `<prefix>/<jobId>/`: x-amz-job-output-path and JobOutputPath. */
  outputPath: string;
}

export interface JobRecord {
  jobId: string;
  vaultArn: string;
  action: JobAction;
  description: string | null;
  snsTopic: string | null;
  tier: Tier;
  creationDate: string;
  /** Epoch milliseconds from which the job may finish (the job delay). */
  readyAt: number;
  statusCode: JobStatus;
  statusMessage: string;
  completionDate: string | null;
  archiveId: string | null;
  archiveSize: number | null;
  archiveTreeHash: string | null;
  /** Sent back as x-amz-archive-description by GetJobOutput. */
  archiveDescription: string | null;
  /** Inclusive byte range of an archive retrieval. */
  retrieval: { start: number; end: number } | null;
  /** Tree hash of the retrieved range, when it is tree-hash aligned and the job has succeeded. */
  rangeTreeHash: string | null;
  inventory: InventoryRequest | null;
  /** Continuation marker for the next inventory page, null on the last page. */
  inventoryNextMarker: string | null;
  inventorySize: number | null;
  select: SelectRequest | null;
  /** The staged output (files under the job's output/ directory), once the job has succeeded. */
  output: Segment[] | null;
}

/** The GlacierJobDescription JSON: every key present, null where it does not apply (boto2 reads them all). */
export function describeJob(job: JobRecord): Record<string, unknown> {
  const completed = job.statusCode !== 'InProgress';
  return {
    Action: job.action,
    ArchiveId: job.archiveId,
    ArchiveSHA256TreeHash: job.archiveTreeHash,
    ArchiveSizeInBytes: job.archiveSize,
    Completed: completed,
    CompletionDate: job.completionDate,
    CreationDate: job.creationDate,
    InventoryRetrievalParameters: job.inventory && {
      Format: job.inventory.format,
      StartDate: job.inventory.startDate,
      EndDate: job.inventory.endDate,
      Limit: job.inventory.limit,
      Marker: job.inventoryNextMarker,
    },
    InventorySizeInBytes: job.inventorySize,
    JobDescription: job.description,
    JobId: job.jobId,
    JobOutputPath: job.select?.outputPath ?? null,
    OutputLocation: job.select?.outputLocation ?? null,
    RetrievalByteRange: job.retrieval && `${job.retrieval.start}-${job.retrieval.end}`,
    SelectParameters: job.select?.parameters ?? null,
    SHA256TreeHash: job.rangeTreeHash,
    SNSTopic: job.snsTopic,
    StatusCode: job.statusCode,
    StatusMessage: job.statusMessage,
    Tier: job.tier,
    VaultARN: job.vaultArn,
  };
}

/** Whether DescribeJob and GetJobOutput can give a tree hash for this retrieval (§4.4). */
export function retrievalAligned(job: JobRecord): boolean {
  return job.retrieval !== null && job.archiveSize !== null && isTreeHashAligned(job.retrieval.start, job.retrieval.end, job.archiveSize);
}
