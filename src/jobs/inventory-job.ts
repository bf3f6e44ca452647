// Starting inventory-retrieval jobs (glacier-api.md §2.13): one per vault, described by a `job`
// record that gl-fetch-results turns into the vault's archive records.

import type { GlacierClient, InventoryRetrievalJobInput } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { PipesError } from '../errors.js';
import { RECORD_VERSION, type JobRecord } from '../records/types.js';

const { InitiateJobCommand } = glacierSdk();

export interface InventoryJobSpec {
  /** Glacier's default is JSON. */
  format?: 'JSON' | 'CSV';
  /** Archives created at or after this time (ISO 8601, seconds). */
  startDate?: string;
  /** Archives created before this time. */
  endDate?: string;
  /** At most this many archives per page; the next page needs the marker DescribeJob reports. */
  limit?: number;
  /** Where this page starts: the marker of the previous page's job. */
  marker?: string;
  description?: string;
  snsTopic?: string;
}

/** Starts an inventory of `vault` and returns its `job` record. */
export async function initiateInventoryJob(glacier: GlacierClient, vault: string, spec: InventoryJobSpec = {}, signal?: AbortSignal): Promise<JobRecord> {
  const format = spec.format ?? 'JSON';
  const filters: InventoryRetrievalJobInput = {
    StartDate: spec.startDate,
    EndDate: spec.endDate,
    Limit: spec.limit === undefined ? undefined : String(spec.limit),
    Marker: spec.marker,
  };
  const filtered = Object.values(filters).some((value) => value !== undefined);
  const answer = await glacier.send(
    new InitiateJobCommand({
      accountId: '-',
      vaultName: vault,
      jobParameters: {
        Type: 'inventory-retrieval',
        Format: format,
        Description: spec.description,
        SNSTopic: spec.snsTopic,
        InventoryRetrievalParameters: filtered ? filters : undefined,
      },
    }),
    { abortSignal: signal },
  );
  if (!answer.jobId) throw new PipesError('NO_JOB_ID', `InitiateJob (inventory of vault ${vault}) answered without a job id`);
  return { type: 'job', v: RECORD_VERSION, vault, jobId: answer.jobId, action: 'inventory-retrieval', created: new Date().toISOString(), format };
}
