// An archive retrieval written to a file that never claims to be complete before it is: the bytes
// go to `FILE.gl-partial`, in order, and a journal `FILE.gl-journal` records what they are (one
// header line: vault, archive, range, expected tree hash, piece size) and, after each piece is
// written, that piece's tree hash (verified against Glacier's when it was downloaded). Only when
// the whole range's tree hash matches is the partial file synced and renamed to FILE and the
// journal removed.
//
// Resuming (after kill -9, Ctrl-C, a network failure that outlasted the retries): when the
// journal describes the same archive and range, every piece it lists is hashed again from the
// partial file and compared with the journal, in order. The pieces that match are kept (their
// digests feed the whole-range check), the file is cut after the last of them and the journal
// rewritten to match; download resumes at the next piece. Re-hashing runs at local disk and
// SHA-256 speed and catches a partial file that was changed, cut short or lost by a crash after
// the journal line was written. No fsync is needed per piece: whatever a crash loses is found
// by the re-hash.

import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { PipesError } from '../errors.js';
import { hashFileRange } from '../treehash/file-hash.js';
import type { DigestFolder } from '../treehash/tree-hash.js';
import { rangeLength, type ByteRange } from './ranges.js';

/** What the bytes of a retrieval file are; a journal for anything else is not resumed. */
export interface RetrievalIdentity {
  vault: string;
  archiveId: string;
  range: ByteRange;
  /** The tree hash the whole range must have. */
  treeHash: string;
}

interface JournalHeader extends RetrievalIdentity {
  type: 'retrieval-journal';
  v: 1;
  jobId: string;
  chunkSize: number;
}

export const PARTIAL_SUFFIX = '.gl-partial';
export const JOURNAL_SUFFIX = '.gl-journal';

export function partialPath(path: string): string {
  return `${path}${PARTIAL_SUFFIX}`;
}

export function journalPath(path: string): string {
  return `${path}${JOURNAL_SUFFIX}`;
}

function sameIdentity(a: RetrievalIdentity, b: RetrievalIdentity): boolean {
  return a.vault === b.vault && a.archiveId === b.archiveId && a.range.start === b.range.start && a.range.end === b.range.end && a.treeHash === b.treeHash;
}

function journalLine(value: object): string {
  return `${JSON.stringify(value)}\n`;
}

/** The journal's lines, parsed; a torn last line (a crash mid-write) ends the list. */
async function* journalLines(path: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    yield value as Record<string, unknown>;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

export interface ResumeReport {
  /** Pieces kept from an earlier run (0 when starting afresh). */
  kept: number;
  /** Pieces of an earlier run that failed the re-hash, or were written but not journaled, and will be downloaded again. */
  dropped: number;
}

export class PartialFile {
  private constructor(
    readonly path: string,
    readonly chunkSize: number,
    private readonly file: FileHandle,
    private readonly journal: FileHandle,
    /** Pieces already in place (kept from an earlier run). */
    readonly resumeFrom: number,
    readonly report: ResumeReport,
  ) {}

  /**
   * Opens FILE.gl-partial for the retrieval, resuming it when FILE.gl-journal describes the same
   * archive and range: the kept pieces' digests are pushed to `folder`, in order. A journal for a
   * different archive or range is an error (it is not ours to throw away). The piece size of an
   * earlier run wins over `chunkSize`, since its pieces are what the journal lists.
   */
  static async open(path: string, identity: RetrievalIdentity & { jobId: string }, chunkSize: number, folder: DigestFolder, signal?: AbortSignal): Promise<PartialFile> {
    const partial = partialPath(path);
    const journal = journalPath(path);
    let header: JournalHeader = { type: 'retrieval-journal', v: 1, ...identity, chunkSize };
    let kept = 0;
    let dropped = 0;
    if ((await exists(partial)) && (await exists(journal))) {
      const lines = journalLines(journal);
      const first = (await lines.next()).value as JournalHeader | undefined;
      if (first?.type === 'retrieval-journal' && !sameIdentity(first, identity)) {
        await lines.return(undefined);
        throw new PipesError(
          'PARTIAL_MISMATCH',
          `${partial} holds part of archive ${first.archiveId} bytes ${first.range?.start}-${first.range?.end} of vault ${first.vault}, not of this retrieval; ` +
            `remove it and ${journal}, or write elsewhere`,
        );
      }
      if (first?.type === 'retrieval-journal' && Number.isSafeInteger(first.chunkSize) && first.chunkSize > 0) {
        header = { ...header, chunkSize: first.chunkSize };
        // Rewritten as the pieces are checked, so it never lists one the file does not hold.
        const rewritten = `${journal}.new`;
        const out = await open(rewritten, 'w');
        try {
          await out.write(journalLine(header));
          const length = rangeLength(identity.range);
          const size = (await stat(partial)).size;
          for await (const line of lines) {
            signal?.throwIfAborted();
            const offset = kept * header.chunkSize;
            const pieceLength = Math.min(header.chunkSize, length - offset);
            if (line.chunk !== kept || typeof line.treeHash !== 'string' || pieceLength <= 0 || offset + pieceLength > size) break;
            const { treeHash } = await hashFileRange(partial, offset, pieceLength, { linear: false, signal });
            if (treeHash !== line.treeHash) break;
            folder.push(Buffer.from(treeHash, 'hex'));
            await out.write(journalLine(line));
            kept++;
          }
          dropped = Math.ceil(Math.max(0, size - kept * header.chunkSize) / header.chunkSize);
        } finally {
          await lines.return(undefined);
          await out.close();
        }
        await truncate(partial, kept * header.chunkSize);
        await rename(rewritten, journal);
      }
    }
    if (kept === 0) {
      // Afresh: an empty partial file and a journal holding the header alone.
      await writeFile(partial, '');
      await writeFile(journal, journalLine(header));
    }
    const file = await open(partial, 'r+');
    const journalHandle = await open(journal, 'a');
    return new PartialFile(path, header.chunkSize, file, journalHandle, kept, { kept, dropped });
  }

  /** Writes piece `index` (verified) at its place and records it in the journal. */
  async write(index: number, bytes: Buffer, digest: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.file.write(bytes, done, bytes.length - done, index * this.chunkSize + done);
      done += bytesWritten;
    }
    await this.journal.write(journalLine({ chunk: index, treeHash: digest.toString('hex') }));
  }

  /** Every byte is in and the whole range matched: sync, rename to the real name, drop the journal. */
  async complete(): Promise<void> {
    await this.file.datasync();
    await this.close();
    await rename(partialPath(this.path), this.path);
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    await rm(journalPath(this.path), { force: true });
  }

  /**
   * The whole range did not match although each piece did (possible only for a piece Glacier sent
   * no checksum for): nothing here can be trusted or resumed, so both files go.
   */
  async discard(): Promise<void> {
    await this.close();
    await Promise.all([rm(partialPath(this.path), { force: true }), rm(journalPath(this.path), { force: true })]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.file.close(), this.journal.close()]);
  }
}
