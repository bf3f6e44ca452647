// The output of an inventory-retrieval job: one `archive` record per archive, the ledger rebuilt
// from Glacier. The inventory (JSON or CSV) is streamed through an incremental parser, so memory
// stays flat whatever the number of archives; a download cut short is picked up where it broke
// off (GetJobOutput with a Range from that byte). Glacier gives no checksum for inventories: the
// parser's checks of every entry are what stands between a damaged body and the records.

import type { GlacierClient, GlacierJobDescription } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import type { Writable } from 'node:stream';
import { csvInventoryEntries } from '../inventory/csv-inventory.js';
import { inventoryArchiveRecord, type InventoryEntry } from '../inventory/inventory-entry.js';
import { jsonInventoryEntries } from '../inventory/json-inventory.js';
import { jobLabel } from '../jobs/job-label.js';
import type { JobRecord } from '../records/types.js';
import type { FetchContext, JobFetcher, OpenedJob } from './job-fetcher.js';
import { isRetryableRead, retried, TruncatedBodyError, type RequestOptions } from './s3-requests.js';
import { writeOut } from './write-out.js';

const { GetJobOutputCommand } = glacierSdk();

const BATCH_BYTES = 64 * 1024;

export const inventoryFetcher: JobFetcher = {
  action: 'inventory-retrieval',
  formats: ['ndjson'],
  open: openInventoryJob,
};

/**
 * A job's output bytes as they arrive. A failure in the middle of the body (a dropped connection,
 * a body cut short) asks again from the first byte not yet received, up to `attempts` times in all.
 */
export async function* jobOutputBytes(glacier: GlacierClient, job: { vault: string; jobId: string }, size: number | undefined, options: RequestOptions = {}): AsyncGenerator<Buffer> {
  const attempts = options.attempts ?? 8;
  let received = 0;
  for (let failures = 0; ; ) {
    const range = size === undefined ? (received > 0 ? `bytes=${received}-` : undefined) : size > 0 ? `bytes=${received}-${size - 1}` : undefined;
    const what = `GetJobOutput${range ? ` ${range}` : ''} of job ${job.jobId}`;
    const answer = await retried(what, (signal) => glacier.send(new GetJobOutputCommand({ accountId: '-', vaultName: job.vault, jobId: job.jobId, range }), { abortSignal: signal }), options);
    try {
      for await (const chunk of answer.body as AsyncIterable<Uint8Array>) {
        received += chunk.length;
        yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
      if (size !== undefined && received < size) throw new TruncatedBodyError(`${what}: the body ended after ${received} of ${size} bytes`);
      return;
    } catch (err) {
      if (++failures >= attempts || !isRetryableRead(err) || options.signal?.aborted) throw err;
      options.onRetry?.(what, err, failures);
    }
  }
}

/** The inventory's format: Glacier's word (DescribeJob) over the record's; JSON is Glacier's default. */
function inventoryFormat(job: JobRecord, description: GlacierJobDescription): 'JSON' | 'CSV' {
  const format = description.InventoryRetrievalParameters?.Format ?? job.format ?? 'JSON';
  return format.toUpperCase() === 'CSV' ? 'CSV' : 'JSON';
}

async function openInventoryJob(context: FetchContext, job: JobRecord, description: GlacierJobDescription): Promise<OpenedJob> {
  if (description.StatusCode !== 'Succeeded') {
    return { ok: false, report: [`${jobLabel(job)} failed (${`${description.StatusCode}: ${description.StatusMessage ?? ''}`.trim()})`] };
  }
  const format = inventoryFormat(job, description);
  const marker = description.InventoryRetrievalParameters?.Marker;
  const limit = description.InventoryRetrievalParameters?.Limit;
  const notes = marker
    ? [`${jobLabel(job)} is one page of the inventory; for the next page: gl-inventory --vault ${job.vault} --format ${format.toLowerCase()}${limit ? ` --limit ${limit}` : ''} --marker ${marker}`]
    : [];
  return {
    ok: true,
    notes,
    output: {
      async write(out: Writable) {
        const bytes = jobOutputBytes(context.glacier, job, description.InventorySizeInBytes ?? undefined, context);
        const entries: AsyncIterable<InventoryEntry> = format === 'CSV' ? csvInventoryEntries(bytes) : jsonInventoryEntries(bytes);
        let batch = '';
        for await (const entry of entries) {
          batch += `${JSON.stringify(inventoryArchiveRecord(job.vault, entry))}\n`;
          if (batch.length >= BATCH_BYTES) {
            await writeOut(out, batch);
            batch = '';
          }
        }
        if (batch !== '') await writeOut(out, batch);
      },
      async remove() {
        return 'nothing to delete (Glacier keeps a job output for at least 24 hours)';
      },
    },
  };
}
