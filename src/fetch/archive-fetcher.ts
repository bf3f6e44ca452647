// The output of an archive-retrieval job: the archive's bytes (or the range retrieved), downloaded
// in tree-hash-aligned pieces, each checked against Glacier's x-amz-sha256-tree-hash, and the
// whole range checked against the tree hash it must have: the ledger's (the job record's
// treeHash) and Glacier's (DescribeJob's ArchiveSHA256TreeHash) for a whole archive, which must
// agree; DescribeJob's SHA256TreeHash for a range.
//
// To stdout, pieces go out as they are verified; a whole-range mismatch at the end is exit 1.
// To a file (FetchContext.output), nothing appears under the file's name until every byte is in
// and the whole range matched; an interrupted download resumes (retrieve/partial-file.ts).

import type { GlacierJobDescription } from '@aws-sdk/client-glacier';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { PipesError } from '../errors.js';
import { jobLabel } from '../jobs/job-label.js';
import type { JobRecord } from '../records/types.js';
import { PartialFile } from '../retrieve/partial-file.js';
import { chunkCount, formatRange, isAlignedChunkSize, rangeLength, type ByteRange } from '../retrieve/ranges.js';
import { verifiedPieces, type RetrievalSource } from '../retrieve/verified-pieces.js';
import { hashFileRange } from '../treehash/file-hash.js';
import { DigestFolder, isTreeHashAligned } from '../treehash/tree-hash.js';
import { DEFAULT_CHUNK_SIZE } from './object-chunks.js';
import type { FetchContext, JobFetcher, OpenedJob } from './job-fetcher.js';
import { writeOut } from './write-out.js';

export const archiveFetcher: JobFetcher = {
  action: 'archive-retrieval',
  formats: ['bytes'],
  open: openArchiveJob,
};

/** The file a job's bytes go to in an output directory: the archive id, and the range when it is not the whole archive. */
export function retrievalFileName(archiveId: string, range: ByteRange, archiveSize: number): string {
  return range.start === 0 && range.end === archiveSize - 1 ? archiveId : `${archiveId}.${formatRange(range)}`;
}

/** What the record and Glacier say of the retrieval, checked against each other: the plan, or why not. */
export function retrievalPlan(job: JobRecord, description: GlacierJobDescription): { ok: true; range: ByteRange; archiveSize: number; treeHash: string } | { ok: false; problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem });
  const archiveSize = description.ArchiveSizeInBytes ?? job.size;
  if (archiveSize === undefined) return fail('neither Glacier nor the record says how large the archive is');
  if (job.size !== undefined && job.size !== archiveSize) return fail(`the record says the archive is ${job.size} bytes, Glacier says ${archiveSize}: the record does not describe this archive`);
  const archiveHash = description.ArchiveSHA256TreeHash?.toLowerCase();
  if (job.treeHash !== undefined && archiveHash !== undefined && job.treeHash !== archiveHash) {
    return fail(`the record (the ledger) says the archive's tree hash is ${job.treeHash}, Glacier says ${archiveHash}: the ledger does not describe this archive`);
  }
  const described = description.RetrievalByteRange ? /^(\d+)-(\d+)$/.exec(description.RetrievalByteRange) : null;
  const range = described ? { start: Number(described[1]), end: Number(described[2]) } : (job.range ?? { start: 0, end: archiveSize - 1 });
  if (job.range && (job.range.start !== range.start || job.range.end !== range.end)) {
    return fail(`the record asks for bytes ${formatRange(job.range)}, Glacier retrieved ${formatRange(range)}`);
  }
  if (range.end >= archiveSize) return fail(`the range ${formatRange(range)} lies past the end of the archive (${archiveSize} bytes)`);
  const whole = range.start === 0 && range.end === archiveSize - 1;
  if (!isTreeHashAligned(range.start, range.end, archiveSize)) {
    return fail(`bytes ${formatRange(range)} are not tree-hash aligned, so Glacier gives no checksum for them and they cannot be verified; retrieve an aligned range (gl-retrieve checks for you)`);
  }
  const treeHash = whole ? (job.treeHash ?? archiveHash) : description.SHA256TreeHash?.toLowerCase();
  if (treeHash === undefined) return fail(`neither Glacier nor the record gives the tree hash of bytes ${formatRange(range)}, so they cannot be verified`);
  return { ok: true, range, archiveSize, treeHash };
}

async function openArchiveJob(context: FetchContext, job: JobRecord, description: GlacierJobDescription): Promise<OpenedJob> {
  if (description.StatusCode !== 'Succeeded') {
    return { ok: false, report: [`${jobLabel(job)} failed (${`${description.StatusCode}: ${description.StatusMessage ?? ''}`.trim()})`] };
  }
  const plan = retrievalPlan(job, description);
  if (!plan.ok) return { ok: false, report: [`${jobLabel(job)}: ${plan.problem}`] };
  const chunkSize = context.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!isAlignedChunkSize(chunkSize)) throw new PipesError('BAD_CHUNK_SIZE', `archive retrievals are read in pieces of a power of two of whole MiB (1MiB, 2MiB, ... 16MiB); ${chunkSize} bytes is not one`);
  const archiveId = job.archiveId ?? description.ArchiveId ?? '';
  const source: RetrievalSource = { vault: job.vault, jobId: job.jobId, range: plan.range, archiveSize: plan.archiveSize, chunkSize };
  const identity = { vault: job.vault, archiveId, range: plan.range, treeHash: plan.treeHash, jobId: job.jobId };
  const file = context.output?.file ?? (context.output?.dir === undefined ? undefined : join(context.output.dir, retrievalFileName(archiveId, plan.range, plan.archiveSize)));
  const mismatch = (computed: string) =>
    new PipesError('CHECKSUM_MISMATCH', `${jobLabel(job)}: bytes ${formatRange(plan.range)} hash to ${computed}, but their tree hash must be ${plan.treeHash}`);

  return {
    ok: true,
    output: {
      async write(out: Writable) {
        if (file === undefined) {
          const folder = new DigestFolder();
          for await (const piece of verifiedPieces(context.glacier, source, 0, context)) {
            await writeOut(out, piece.bytes);
            folder.push(piece.digest);
          }
          const computed = folder.digest().toString('hex');
          if (computed !== plan.treeHash) throw mismatch(computed);
          return;
        }
        if (await alreadyComplete(file, rangeLength(plan.range), plan.treeHash)) {
          context.onNotice?.(`${file} is already complete (its tree hash is ${plan.treeHash}); nothing downloaded`);
          return;
        }
        const folder = new DigestFolder();
        const partial = await PartialFile.open(file, identity, chunkSize, folder, context.signal);
        try {
          const { kept, dropped } = partial.report;
          if (kept > 0 || dropped > 0) {
            const pieces = chunkCount(rangeLength(plan.range), partial.chunkSize);
            context.onNotice?.(`${file}: resuming; ${kept} of ${pieces} piece(s) already there and verified${dropped > 0 ? `, ${dropped} written but unverified piece(s) downloaded again` : ''}`);
          }
          for await (const piece of verifiedPieces(context.glacier, { ...source, chunkSize: partial.chunkSize }, partial.resumeFrom, context)) {
            await partial.write(piece.index, piece.bytes, piece.digest);
            folder.push(piece.digest);
          }
          const computed = folder.digest().toString('hex');
          if (computed !== plan.treeHash) {
            await partial.discard();
            throw mismatch(computed);
          }
          await partial.complete();
        } finally {
          await partial.close();
        }
      },
      async remove() {
        return 'nothing to delete (Glacier keeps a job output for at least 24 hours)';
      },
    },
  };
}

/** A file already there with exactly the bytes wanted: a run that finished before need not run again. */
async function alreadyComplete(file: string, length: number, treeHash: string): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined);
  if (!stats?.isFile() || stats.size !== length) return false;
  return (await hashFileRange(file, 0, length, { linear: false })).treeHash === treeHash;
}
