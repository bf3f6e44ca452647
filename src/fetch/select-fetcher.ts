// The output of a Glacier Select job: result_manifest.txt lists the result objects, whose bytes
// in manifest order are the query's CSV output. A job is successful only when it Succeeded, its
// result manifest exists and there is no error_manifest.txt (glacier-api.md §7.2); otherwise its
// error manifest and the error objects it lists say why.

import type { GlacierJobDescription } from '@aws-sdk/client-glacier';
import type { Writable } from 'node:stream';
import { jobLabel } from '../jobs/job-label.js';
import { ERROR_MANIFEST, RESULT_MANIFEST } from '../jobs/output-location.js';
import type { JobRecord } from '../records/types.js';
import { compileSelect, DEFAULT_CSV_OUTPUT, resolveSelectParameters, resultParseOptions, type CsvOutput } from '../select/index.js';
import { deletePrefix } from './delete-prefix.js';
import type { FetchContext, JobFetcher, OpenedJob } from './job-fetcher.js';
import { readManifest } from './manifest.js';
import { csvToNdjson } from './ndjson.js';
import { objectChunks } from './object-chunks.js';
import { getText, s3Uri, type S3ObjectRef } from './s3-requests.js';
import { writeOut } from './write-out.js';

/** At most this much of each error object is shown. */
const ERROR_TEXT_BYTES = 64 * 1024;

export const selectFetcher: JobFetcher = {
  action: 'select',
  formats: ['csv', 'ndjson'],
  open: openSelectJob,
};

/** Where the job's output is: Glacier's word (DescribeJob) over the record's. */
function outputFolder(job: JobRecord, description: GlacierJobDescription): { bucket: string; path: string } {
  const bucket = description.OutputLocation?.S3?.BucketName ?? job.output?.bucket;
  const path = description.JobOutputPath ?? job.output?.path;
  if (!bucket || !path) throw new Error(`${jobLabel(job)}: neither Glacier nor the record says where its output is`);
  return { bucket, path: path.endsWith('/') ? path : `${path}/` };
}

async function openSelectJob(context: FetchContext, job: JobRecord, description: GlacierJobDescription): Promise<OpenedJob> {
  const { bucket, path } = outputFolder(job, description);
  const errorManifest = { bucket, key: `${path}${ERROR_MANIFEST}` };
  const resultManifest = { bucket, key: `${path}${RESULT_MANIFEST}` };
  const errors = await readManifest(context.s3, errorManifest, context);
  if (description.StatusCode !== 'Succeeded' || errors !== undefined) {
    return { ok: false, report: await failureReport(context, job, description, errorManifest, errors) };
  }
  const results = await readManifest(context.s3, resultManifest, context);
  if (results === undefined) {
    return { ok: false, report: [`${jobLabel(job)} succeeded, but ${s3Uri(resultManifest)} does not exist: its results are gone or were never written`] };
  }
  const { output, columns } = queryShape(job, description);
  return {
    ok: true,
    output: {
      async write(out: Writable, format: string) {
        const chunks = objectChunks(context.s3, results, context);
        if (format !== 'ndjson') {
          // Written out before the next chunk is asked for, as objectChunks requires.
          for await (const chunk of chunks) await writeOut(out, chunk);
          return;
        }
        for await (const lines of csvToNdjson(copies(chunks), resultParseOptions(output), columns)) await writeOut(out, lines);
      },
      async remove() {
        const count = await deletePrefix(context.s3, bucket, path, context);
        return `deleted ${count} object(s) under s3://${bucket}/${path}`;
      },
    },
  };
}

/**
 * The output serialization the job wrote with, and its column names: from the job record when
 * gl-select knew them, else from the query Glacier echoes back (`_1`, `_2`, … when unknown).
 */
function queryShape(job: JobRecord, description: GlacierJobDescription): { output: CsvOutput; columns: string[] | undefined } {
  const parameters = description.SelectParameters;
  let output: CsvOutput = DEFAULT_CSV_OUTPUT;
  let columns = job.columns;
  if (parameters) {
    try {
      output = resolveSelectParameters(parameters).output;
      columns ??= compileSelect(parameters).columnNames();
    } catch {
      // A query Glacier took but this engine does not: the defaults and positional names still read the rows.
    }
  }
  return { output, columns };
}

async function failureReport(
  context: FetchContext,
  job: JobRecord,
  description: GlacierJobDescription,
  manifest: S3ObjectRef,
  errors: S3ObjectRef[] | undefined,
): Promise<string[]> {
  const status = description.StatusCode === 'Succeeded' ? `Succeeded, but ${s3Uri(manifest)} exists` : `${description.StatusCode}: ${description.StatusMessage ?? ''}`.trim();
  const lines = [`${jobLabel(job)} failed (${status})`];
  if (errors === undefined) {
    lines.push(`${s3Uri(manifest)} does not exist`);
    return lines;
  }
  lines.push(`${s3Uri(manifest)} lists ${errors.length} error object(s)`);
  for (const ref of errors) {
    const text = await getText(context.s3, ref, context);
    if (text === undefined) {
      lines.push(`${s3Uri(ref)}: (missing)`);
      continue;
    }
    const shown = text.length > ERROR_TEXT_BYTES ? `${text.slice(0, ERROR_TEXT_BYTES)}\n... (${text.length - ERROR_TEXT_BYTES} more characters)` : text;
    for (const line of shown.split('\n')) if (line !== '') lines.push(`${s3Uri(ref)}: ${line}`);
  }
  return lines;
}

/** The parser reads ahead and keeps pieces of what it read, so it gets chunks of its own. */
async function* copies(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}
