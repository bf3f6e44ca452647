// Runs a select job and writes Glacier Select's S3 layout under the job's output path (§7.2):
//   <path>job.txt                 written by InitiateJob
//   <path>results/part-NNNNN.csv  the output, split into objects of about RESULT_OBJECT_BYTES
//   <path>result_manifest.txt     on success: one s3://bucket/key per line, one per result object
//   <path>errors/error-NNNNN.txt  on failure: "<code>: <message>" lines
//   <path>error_manifest.txt      on failure: one s3://bucket/key per line, one per error object

import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { ERROR_MANIFEST, manifestLine, RESULT_MANIFEST } from '../../jobs/output-location.js';
import { compileSelect } from '../../select/index.js';
import type { S3Backend } from '../s3/index.js';
import { runSelect } from '../select-runner.js';
import type { SelectRequest } from './job-record.js';

/** A new results/ object is started once the current one holds this many bytes. */
export const RESULT_OBJECT_BYTES = 64 * 1024 * 1024;

export type SelectOutcome = { ok: true } | { ok: false; message: string };

const serial = (n: number) => String(n).padStart(5, '0');

/** Streams output into consecutive results/ objects, never splitting a chunk (chunks end on records). */
class ResultObjects {
  readonly keys: string[] = [];
  private current: { body: PassThrough; size: number; stored: Promise<void> } | undefined;

  constructor(
    private readonly s3: S3Backend,
    private readonly select: SelectRequest,
    private readonly objectBytes: number,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (!this.current) {
      const key = `${this.select.outputPath}results/part-${serial(this.keys.length)}.csv`;
      const body = new PassThrough();
      const stored = this.s3.putObject(this.select.bucket, key, body, 'text/csv');
      stored.catch(() => undefined); // awaited in finishObject or write; never left unhandled
      this.current = { body, size: 0, stored };
      this.keys.push(key);
    }
    const { body, stored } = this.current;
    if (!body.write(chunk)) await Promise.race([once(body, 'drain'), stored]);
    this.current.size += chunk.length;
    if (this.current.size >= this.objectBytes) await this.finishObject();
  }

  async finishObject(): Promise<void> {
    if (!this.current) return;
    const { body, stored } = this.current;
    this.current = undefined;
    body.end();
    await stored;
  }

  abandon(): void {
    this.current?.body.destroy();
    this.current = undefined;
  }
}

export interface SelectJobOptions {
  /** Start a new results/ object once the current one holds this many bytes (default RESULT_OBJECT_BYTES). */
  objectBytes?: number;
}

/**
 * Runs the job's query (compiled again from the SelectParameters InitiateJob accepted) over the
 * archive and writes the results, or the error, under the job's output path.
 */
export async function runSelectJob(s3: S3Backend, select: SelectRequest, archive: Readable, options: SelectJobOptions = {}): Promise<SelectOutcome> {
  const results = new ResultObjects(s3, select, options.objectBytes ?? RESULT_OBJECT_BYTES);
  const manifest = (keys: string[]) => Buffer.from(keys.map((key) => manifestLine(select.bucket, key)).join(''));
  try {
    for await (const chunk of runSelect(archive, compileSelect(select.parameters))) await results.write(chunk);
    await results.finishObject();
    await s3.putObject(select.bucket, `${select.outputPath}${RESULT_MANIFEST}`, manifest(results.keys), 'text/plain');
    return { ok: true };
  } catch (err) {
    results.abandon();
    archive.destroy();
    const code = (err as { code?: unknown }).code;
    const message = `${typeof code === 'string' ? code : 'InternalError'}: ${(err as Error).message}`;
    const errorKey = `${select.outputPath}errors/error-${serial(0)}.txt`;
    try {
      await s3.putObject(select.bucket, errorKey, Buffer.from(`${message}\n`), 'text/plain');
      await s3.putObject(select.bucket, `${select.outputPath}${ERROR_MANIFEST}`, manifest([errorKey]), 'text/plain');
    } catch (writeErr) {
      return { ok: false, message: `${message} (and the error objects could not be written: ${(writeErr as Error).message})` };
    }
    return { ok: false, message };
  }
}
