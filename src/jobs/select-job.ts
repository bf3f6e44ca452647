// Starting Glacier Select jobs: everything Glacier would refuse is checked before the first
// InitiateJob (the SQL with the project's engine, the 512-byte output location, the description),
// then one job per archive, each described by a `job` record (docs/records.md).

import type { GlacierClient, JobParameters } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { PipesError } from '../errors.js';
import { descriptionProblem } from '../records/limits.js';
import { RECORD_VERSION, type JobRecord } from '../records/types.js';
import { compileSelect, selectParameters, type CompiledSelect, type CsvInputSerialization, type CsvOutputSerialization } from '../select/index.js';
import { jobOutputPath, outputLocationProblem } from './output-location.js';

const { InitiateJobCommand } = glacierSdk();

export type Tier = 'Expedited' | 'Standard' | 'Bulk';
export const TIERS: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];
export const STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA'] as const;
export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'aws-exec-read',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;
export const ENCRYPTION_TYPES = ['AES256', 'aws:kms'] as const;

/** Where and how the results are written (InitiateJob's OutputLocation.S3). */
export interface SelectOutputLocation {
  bucket: string;
  /** May be empty: the results then go to `s3://BUCKET/JOBID/`. */
  prefix: string;
  storageClass?: (typeof STORAGE_CLASSES)[number];
  encryption?: { type: (typeof ENCRYPTION_TYPES)[number]; kmsKeyId?: string; kmsContext?: string };
  cannedAcl?: (typeof CANNED_ACLS)[number];
  tagging?: Record<string, string>;
  userMetadata?: Record<string, string>;
}

export interface SelectJobSpec {
  expression: string;
  /** InputSerialization.csv / OutputSerialization.csv members, as the API spells them. */
  input?: CsvInputSerialization;
  output?: CsvOutputSerialization;
  location: SelectOutputLocation;
  /** Default Standard (Glacier's default). */
  tier?: Tier;
  description?: string;
  snsTopic?: string;
}

/** A select job checked and ready to start on any number of archives. */
export interface PreparedSelectJob {
  /** The compiled query: its warnings, output column names, and a stream to run it locally. */
  query: CompiledSelect;
  /** InitiateJob's parameters without the ArchiveId. */
  parameters: JobParameters;
  tier: Tier;
  location: SelectOutputLocation;
}

/** Refusals of a select job before it exists; `SelectError`s from the engine come through as they are. */
export class SelectJobError extends PipesError {
  constructor(message: string) {
    super('SELECT_JOB', message);
    this.name = 'SelectJobError';
  }
}

/**
 * Checks the job the way Glacier would (throwing SelectError for the SQL and its CSV members,
 * SelectJobError for the rest) and builds InitiateJob's parameters.
 */
export function prepareSelectJob(spec: SelectJobSpec): PreparedSelectJob {
  const select = selectParameters(spec.expression, spec.input, spec.output);
  const query = compileSelect(select);
  const { location } = spec;
  const problem = outputLocationProblem(location.bucket, location.prefix);
  if (problem) throw new SelectJobError(`output location: ${problem}`);
  if (location.encryption?.kmsKeyId !== undefined && location.encryption.type !== 'aws:kms') {
    throw new SelectJobError('a KMS key id needs the encryption type aws:kms');
  }
  if (spec.description !== undefined) {
    const descriptionIssue = descriptionProblem(spec.description);
    if (descriptionIssue) throw new SelectJobError(`job description: ${descriptionIssue}`);
  }
  const tier = spec.tier ?? 'Standard';
  const s3 = {
    BucketName: location.bucket,
    Prefix: location.prefix,
    StorageClass: location.storageClass,
    CannedACL: location.cannedAcl,
    Tagging: location.tagging,
    UserMetadata: location.userMetadata,
    Encryption: location.encryption && {
      EncryptionType: location.encryption.type,
      KMSKeyId: location.encryption.kmsKeyId,
      KMSContext: location.encryption.kmsContext,
    },
  };
  const parameters = {
    Type: 'select',
    Tier: tier,
    Description: spec.description,
    SNSTopic: spec.snsTopic,
    SelectParameters: select,
    OutputLocation: { S3: s3 },
  } as JobParameters;
  return { query, parameters, tier, location };
}

export interface StartedFrom {
  vault: string;
  archiveId: string;
  /** Fields to carry onto the job record (a ledger record's own tags, say). */
  extra?: Record<string, unknown>;
}

/** Starts the job on one archive and returns its `job` record. */
export async function initiateSelectJob(glacier: GlacierClient, job: PreparedSelectJob, from: StartedFrom, signal?: AbortSignal): Promise<JobRecord> {
  const answer = await glacier.send(
    new InitiateJobCommand({ accountId: '-', vaultName: from.vault, jobParameters: { ...job.parameters, ArchiveId: from.archiveId } }),
    { abortSignal: signal },
  );
  const jobId = answer.jobId;
  if (!jobId) throw new PipesError('NO_JOB_ID', `InitiateJob on archive ${from.archiveId} answered without a job id`);
  const columns = job.query.columnNames();
  return {
    ...from.extra,
    type: 'job',
    v: RECORD_VERSION,
    vault: from.vault,
    jobId,
    action: 'select',
    archiveId: from.archiveId,
    tier: job.tier,
    created: new Date().toISOString(),
    output: { bucket: job.location.bucket, prefix: job.location.prefix, path: answer.jobOutputPath ?? jobOutputPath(job.location.prefix, jobId) },
    ...(columns ? { columns } : {}),
  };
}
