// Starting archive-retrieval jobs (glacier-api.md §2.13): one per ledger record, whole or a
// byte range, each described by a `job` record that carries what gl-fetch-results needs to
// verify the bytes: the range, and the ledger's tree hash and size of the archive.

import type { GlacierClient } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { PipesError } from '../errors.js';
import { RECORD_VERSION, type ArchiveRecord, type JobRecord } from '../records/types.js';
import { formatRange, retrievalRange } from '../retrieve/ranges.js';
import type { Tier } from './select-job.js';
import { userFields } from './user-fields.js';

const { InitiateJobCommand } = glacierSdk();

export interface RetrievalJobSpec {
  /** Default Standard (Glacier's default). */
  tier?: Tier;
  /** `START-END` inclusive, END absent for the end of the archive; default the whole archive. */
  range?: { start: number; end: number | undefined };
  description?: string;
  snsTopic?: string;
}

/** A retrieval Glacier would refuse, or whose bytes could not be verified, found before any request. */
export class RetrievalRangeError extends PipesError {
  constructor(message: string) {
    super('BAD_RANGE', message);
    this.name = 'RetrievalRangeError';
  }
}

/** Starts the retrieval of one archive of the ledger and returns its `job` record. */
export async function initiateRetrievalJob(glacier: GlacierClient, archive: ArchiveRecord, spec: RetrievalJobSpec = {}, signal?: AbortSignal): Promise<JobRecord> {
  const planned = retrievalRange(spec.range ?? { start: 0, end: undefined }, archive.size);
  if ('problem' in planned) throw new RetrievalRangeError(`archive ${archive.archiveId} (${archive.size} bytes): ${planned.problem}`);
  const { range } = planned;
  const whole = range.start === 0 && range.end === archive.size - 1;
  const tier = spec.tier ?? 'Standard';
  const answer = await glacier.send(
    new InitiateJobCommand({
      accountId: '-',
      vaultName: archive.vault,
      jobParameters: {
        Type: 'archive-retrieval',
        ArchiveId: archive.archiveId,
        Tier: tier,
        Description: spec.description,
        SNSTopic: spec.snsTopic,
        RetrievalByteRange: whole ? undefined : formatRange(range),
      },
    }),
    { abortSignal: signal },
  );
  if (!answer.jobId) throw new PipesError('NO_JOB_ID', `InitiateJob on archive ${archive.archiveId} answered without a job id`);
  return {
    ...userFields(archive),
    type: 'job',
    v: RECORD_VERSION,
    vault: archive.vault,
    jobId: answer.jobId,
    action: 'archive-retrieval',
    archiveId: archive.archiveId,
    tier,
    created: new Date().toISOString(),
    range,
    treeHash: archive.treeHash,
    size: archive.size,
    name: archive.name,
  };
}
