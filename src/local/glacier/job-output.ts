// GetJobOutput (§2.16): the staged bytes of an archive retrieval or an inventory, whole or a
// `Range: bytes=` slice of them, with x-amz-sha256-tree-hash exactly when both the retrieval
// range and the downloaded range are tree-hash aligned in archive offsets (§4.4).

import { isTreeHashAligned } from '../../treehash/tree-hash.js';
import { findVault, header, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { invalidParameter } from './errors.js';
import { findJob } from './job-ops.js';
import { retrievalAligned } from './job-record.js';
import { readSegments, treeHashOfSegments } from './segments.js';

export async function getJobOutput(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const job = findJob(vault, call.route.jobId!);
  await context.jobs.settle(vault, job);
  if (job.statusCode === 'Succeeded' && job.action === 'Select') {
    throw invalidParameter(`Job ${job.jobId} is a select job; its output is in S3 under s3://${job.select!.bucket}/${job.select!.outputPath}`);
  }
  if (job.statusCode !== 'Succeeded' || !job.output) throw invalidParameter(`The job is not currently available for download: ${job.jobId}`);

  const archiveJob = job.action === 'ArchiveRetrieval';
  const base = archiveJob ? job.retrieval!.start : 0;
  const total = archiveJob ? job.retrieval!.end - job.retrieval!.start + 1 : job.inventorySize!;
  const rangeHeader = header(call, 'range');
  const { first, last } = rangeHeader === undefined ? { first: 0, last: total - 1 } : parseRange(rangeHeader, total);
  const outputDir = context.store.jobOutputDir(vault, job.jobId);
  const segments = job.output;

  const headers: Record<string, string> = {
    'content-type': archiveJob ? 'application/octet-stream' : job.inventory!.format === 'CSV' ? 'text/csv' : 'application/json',
    'accept-ranges': 'bytes',
  };
  if (rangeHeader !== undefined) headers['content-range'] = `bytes ${first}-${last}/${total}`;
  if (archiveJob) {
    if (retrievalAligned(job) && isTreeHashAligned(base + first, base + last, job.archiveSize!)) {
      headers['x-amz-sha256-tree-hash'] =
        first === 0 && last === total - 1 ? job.rangeTreeHash! : await treeHashOfSegments(outputDir, segments, base + first, base + last);
    }
    if (job.archiveDescription !== null) headers['x-amz-archive-description'] = job.archiveDescription;
  }
  return {
    status: rangeHeader === undefined ? 200 : 206,
    headers,
    stream: { length: last - first + 1, open: () => readSegments(outputDir, segments, base + first, base + last) },
  };
}

/**
 * `bytes=FIRST-LAST` (documented), also `bytes=FIRST-` and `bytes=-SUFFIX`. LAST past the end is
 * clamped: boto2 asks for whole 4 MiB chunks even at the end of an archive.
 */
function parseRange(text: string, total: number): { first: number; last: number } {
  const match = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (match && (match[1] !== '' || match[2] !== '')) {
    if (match[1] === '') {
      const suffix = Number(match[2]);
      if (suffix > 0) return { first: Math.max(0, total - suffix), last: total - 1 };
    } else {
      const first = Number(match[1]);
      const last = match[2] === '' ? total - 1 : Math.min(Number(match[2]), total - 1);
      if (first <= last && Number(match[2] || first) >= first) return { first, last };
    }
  }
  throw invalidParameter(`Invalid range: ${text}. The output has ${total} bytes; use bytes=FIRST-LAST.`);
}
