// InitiateJob (§2.13): the flat job-parameters JSON (whatever the Content-Type), checked fully
// before a job exists; select jobs also write job.txt to S3 before the answer, as Glacier does.

import { describeJob, type JobRecord, type Tier } from './job-record.js';
import { findVault, isoNow, vaultArn, vaultPath, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { GlacierError, invalidParameter, missingParameter, notFound, serviceUnavailable } from './errors.js';
import { newJobId } from './ids.js';
import { decodeInventoryMarker } from './inventory.js';
import { JOB_TXT, jobOutputPath } from '../../jobs/output-location.js';
import { compileJobQuery, parseOutputLocation } from './select-parameters.js';
import type { ArchiveMeta, Vault } from './store.js';
import { checkDescription, MIB } from './validate.js';

type Json = Record<string, unknown>;

const TYPES = ['archive-retrieval', 'inventory-retrieval', 'select'] as const;
const TIERS: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];

export async function initiateJob(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const params = parseBody(call.body);
  const type = stringField(params, 'Type');
  if (type === undefined) throw missingParameter('Type');
  if (!(TYPES as readonly string[]).includes(type)) {
    throw invalidParameter(`Invalid job type: ${type}. The type must be archive-retrieval, inventory-retrieval or select.`);
  }
  const tierText = stringField(params, 'Tier');
  if (tierText !== undefined && !TIERS.includes(tierText as Tier)) {
    throw invalidParameter(`Invalid tier: ${tierText}. The tier must be Expedited, Standard or Bulk.`);
  }
  const tier = (tierText ?? 'Standard') as Tier;
  const jobId = newJobId();
  const job: JobRecord = {
    jobId,
    vaultArn: vaultArn(context, vault.name),
    action: 'ArchiveRetrieval',
    description: checkDescription(stringField(params, 'Description'), 'job description'),
    snsTopic: stringField(params, 'SNSTopic') ?? null,
    tier,
    creationDate: isoNow(),
    readyAt: Date.now() + context.jobs.delayMs(tier),
    statusCode: 'InProgress',
    statusMessage: 'Operation in progress.',
    completionDate: null,
    archiveId: null,
    archiveSize: null,
    archiveTreeHash: null,
    archiveDescription: null,
    retrieval: null,
    rangeTreeHash: null,
    inventory: null,
    inventoryNextMarker: null,
    inventorySize: null,
    select: null,
    output: null,
  };
  const headers: Record<string, string> = {};

  if (type === 'inventory-retrieval') {
    refuse(params, ['ArchiveId', 'RetrievalByteRange', 'SelectParameters', 'OutputLocation'], type);
    job.action = 'InventoryRetrieval';
    job.inventory = parseInventoryRequest(params);
    job.readyAt = Date.now() + context.jobs.delayMs('Standard');
  } else {
    const archive = findArchive(vault, params);
    job.archiveId = archive.archiveId;
    job.archiveSize = archive.size;
    job.archiveTreeHash = archive.treeHash;
    job.archiveDescription = archive.description;
    refuse(params, ['Format', 'InventoryRetrievalParameters'], type);
    if (type === 'archive-retrieval') {
      refuse(params, ['SelectParameters', 'OutputLocation'], type);
      job.retrieval = parseRetrievalRange(stringField(params, 'RetrievalByteRange'), archive.size);
    } else {
      refuse(params, ['RetrievalByteRange'], type);
      job.action = 'Select';
      compileJobQuery(params.SelectParameters);
      const target = parseOutputLocation(params.OutputLocation);
      if (!(await context.s3.bucketExists(target.bucket))) {
        throw invalidParameter(`The S3 bucket of the output location does not exist: ${target.bucket}`);
      }
      job.select = {
        parameters: params.SelectParameters as Json,
        outputLocation: params.OutputLocation as Json,
        bucket: target.bucket,
        outputPath: jobOutputPath(target.prefix, jobId),
      };
      headers['x-amz-job-output-path'] = job.select.outputPath;
      try {
        // Glacier proves it can write the output by writing job.txt before it answers.
        await context.s3.putObject(target.bucket, `${job.select.outputPath}${JOB_TXT}`, Buffer.from(JSON.stringify(describeJob(job))), 'application/json');
      } catch (err) {
        throw serviceUnavailable(`Could not write job.txt to s3://${target.bucket}/${job.select.outputPath}: ${(err as Error).message}`);
      }
    }
  }

  await context.store.locks.run(`vault:${vault.name}`, async () => {
    findVault(context, vault.name);
    await context.store.createJob(vault, job);
  });
  context.jobs.schedule(vault, job);
  return { status: 202, headers: { location: `${vaultPath(context, vault.name)}/jobs/${jobId}`, 'x-amz-job-id': jobId, ...headers } };
}

function parseBody(body: Buffer | undefined): Json {
  if (!body || body.length === 0) throw missingParameter('Type');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new GlacierError(400, 'SerializationException', `The job parameters are not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GlacierError(400, 'SerializationException', 'The job parameters must be a JSON object.');
  }
  return parsed as Json;
}

/** A string member; JSON null counts as absent (the DG's own examples send nulls). */
function stringField(params: Json, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Invalid ${key}: it must be a string.`);
  return value;
}

function refuse(params: Json, keys: string[], type: string): void {
  for (const key of keys) {
    if (params[key] !== undefined && params[key] !== null) throw invalidParameter(`Invalid ${key}: it does not apply to ${type} jobs.`);
  }
}

function findArchive(vault: Vault, params: Json): ArchiveMeta {
  const archiveId = stringField(params, 'ArchiveId');
  if (archiveId === undefined) throw missingParameter('ArchiveId');
  const archive = vault.archives.get(archiveId);
  if (!archive) throw notFound(`The archive ID was not found: ${archiveId}`);
  return archive;
}

/**
 * RetrievalByteRange "START-END": megabyte aligned (START a multiple of 1 MiB, END+1 a multiple
 * of 1 MiB or END the archive's last byte). Omitted: the whole archive.
 */
function parseRetrievalRange(text: string | undefined, size: number): { start: number; end: number } {
  if (text === undefined) return { start: 0, end: size - 1 };
  const match = /^(\d+)-(\d+)$/.exec(text);
  const start = match ? Number(match[1]) : NaN;
  const end = match ? Number(match[2]) : NaN;
  const why = !match
    ? 'it must be START-END'
    : end < start
      ? 'END is before START'
      : end >= size
        ? `the archive has ${size} bytes`
        : start % MIB !== 0 || ((end + 1) % MIB !== 0 && end !== size - 1)
          ? 'it must be megabyte aligned: START a multiple of 1048576, END+1 a multiple of 1048576 or END the last byte of the archive'
          : undefined;
  if (why) throw invalidParameter(`Invalid RetrievalByteRange: ${text}; ${why}.`);
  return { start, end };
}

function parseInventoryRequest(params: Json): NonNullable<JobRecord['inventory']> {
  const format = stringField(params, 'Format') ?? 'JSON';
  if (format !== 'JSON' && format !== 'CSV') throw invalidParameter(`Invalid Format: ${format}. The format must be CSV or JSON.`);
  const raw = params.InventoryRetrievalParameters;
  if (raw === undefined || raw === null) return { format, startDate: null, endDate: null, limit: null, marker: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameter('Invalid InventoryRetrievalParameters: it must be a JSON object.');
  const inventory = raw as Json;
  const date = (key: string): string | null => {
    const value = stringField(inventory, key);
    if (value === undefined) return null;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
      throw invalidParameter(`Invalid InventoryRetrievalParameters.${key}: ${value}. Use ISO 8601, for example 2013-03-20T17:03:43Z.`);
    }
    return value;
  };
  const startDate = date('StartDate');
  const endDate = date('EndDate');
  if (startDate && endDate && Date.parse(startDate) >= Date.parse(endDate)) {
    throw invalidParameter(`Invalid InventoryRetrievalParameters: StartDate ${startDate} is not before EndDate ${endDate}.`);
  }
  const limitValue = inventory.Limit;
  let limit: string | null = null;
  if (limitValue !== undefined && limitValue !== null) {
    limit = String(limitValue);
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw invalidParameter(`Invalid InventoryRetrievalParameters.Limit: ${limit}. It must be an integer of 1 or more.`);
  }
  const marker = stringField(inventory, 'Marker') ?? null;
  if (marker !== null && decodeInventoryMarker(marker) === undefined) throw invalidParameter(`Invalid InventoryRetrievalParameters.Marker: ${marker}`);
  return { format, startDate, endDate, limit, marker };
}
