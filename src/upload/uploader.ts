// The upload engine: reads upload events (readUploadStream) and stores each archive in the
// vault, in order, writing one ledger record per archive only after Glacier confirmed it.
//
//   putArchives(readUploadStream(input, { keepData: true }), { requests, concurrency, writeLedger, journal?, previous?, ... })
//
// * Bounded: a slot is taken before the next part's first record is read, and a part keeps its
//   slot (and, inline, its bytes) until Glacier acknowledged it, so at most `concurrency` parts
//   are read and not yet stored, and the input is read only when there is room (backpressure
//   reaches the producer). File parts stream from disk (the records of the next one or two are
//   read, and those parts hashed, a little ahead: no bytes are held for them).
// * Each archive: InitiateMultipartUpload at its `upload` record (the first parts are read and
//   hashed while it is answered), parts as they come (several at once), CompleteMultipartUpload
//   with the archive tree hash at its `end` record. An archive whose size is known and fits in
//   one part goes up with one UploadArchive at its `end` record.
// * Resume (`previous`, the journal of an interrupted run): archive n of the input is archive n of
//   the journal. An archive already completed is not sent again (its ledger record is written if
//   the journal does not say it was). An upload in progress is continued: ListParts says which
//   parts Glacier holds; a part with the same tree hash is skipped, a part whose bytes differ is an
//   error naming it, and nothing is ever overwritten.
// * Stopping: on `signal` (Ctrl-C) or the first failure, no new part is started and no failed
//   request is tried again; requests on the wire finish (and are journaled). The open multipart
//   upload is then kept (with a journal, or keepUpload) or aborted, and the error says which.

import { setMaxListeners } from 'node:events';
import { awsErrorCode } from '../aws/errors.js';
import { InputError, PipesError } from '../errors.js';
import { descriptionProblem } from '../records/limits.js';
import type { UploadEvent, UploadPartEvent } from '../records/upload-stream.js';
import { RECORD_VERSION, type ArchiveRecord, type UploadRecord } from '../records/types.js';
import type { Journal, JournaledArchive, JournalState } from './journal.js';
import type { PartSource } from './part-body.js';
import type { ListedPart, UploadRequests } from './requests.js';
import { Slots } from './slots.js';

export interface UploadObserver {
  /** An archive of the input begins. `resumed` when an earlier run got somewhere with it. */
  archiveStarted?(info: { archive: number; name: string; size: number | null; partSize: number; resumed: boolean }): void;
  /** Body bytes going out (negative when a failed attempt takes its bytes back). */
  bytesSent?(bytes: number): void;
  /** A part is in Glacier: sent and acknowledged, or found there already (`skipped`). */
  partStored?(info: { archive: number; index: number; size: number; skipped: boolean }): void;
  /** An archive is stored and its record written (`written` false when an earlier run had written it). */
  archiveStored?(record: ArchiveRecord, info: { written: boolean }): void;
  warning?(message: string): void;
}

export interface PutArchivesOptions {
  requests: UploadRequests;
  /** Parts read and not yet stored, at most (default 4). */
  concurrency?: number;
  /** Writes one ledger record; resolves once it is written out (rejects if it cannot be). */
  writeLedger: (record: ArchiveRecord) => Promise<void>;
  journal?: Journal;
  /** The run to continue (Journal.open's `previous`), for --resume. */
  previous?: JournalState;
  /** Keep the multipart upload when the run fails (always kept when there is a journal). */
  keepUpload?: boolean;
  /** The description to store an archive with (default: its upload record's). */
  description?: (upload: UploadRecord) => string;
  /** Stop: no new part, nothing retried; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Where input errors point (default stdin). */
  source?: string;
  observer?: UploadObserver;
}

export interface PutArchivesResult {
  /** Archives of the input, all stored now. */
  archives: number;
  /** Ledger records this run wrote. */
  written: number;
  partsSent: number;
  /** Parts Glacier already held from an earlier run. */
  partsSkipped: number;
}

/** A run that stopped. The message says what went wrong and what became of the open upload. */
export class UploadStopped extends PipesError {
  constructor(
    readonly reason: unknown,
    /** The multipart upload left in Glacier for a resume, if any. */
    readonly keptUpload: { archive: number; name: string; uploadId: string; partsStored: number } | undefined,
    note: string | undefined,
  ) {
    const base = reason instanceof Error ? reason.message : String(reason);
    super(reason instanceof PipesError ? reason.code : 'FAILED', note ? `${base}; ${note}` : base, {
      cause: reason,
      exitCode: reason instanceof PipesError ? reason.exitCode : undefined,
    });
    this.name = 'UploadStopped';
  }
}

/** A ledger record Glacier confirmed but that could not be written; it is in the message. */
export class LedgerNotWritten extends PipesError {
  constructor(
    readonly record: ArchiveRecord,
    cause: unknown,
    journaled: boolean,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('LEDGER_NOT_WRITTEN', `archive "${record.name}" is stored, but its ledger record could not be written (${why})${journaled ? '; the journal keeps it and --resume writes it' : ''}: ${JSON.stringify(record)}`, { cause });
    this.name = 'LedgerNotWritten';
  }
}

type Mode =
  /** Multipart: parts go up as they come. */
  | 'multipart'
  /** Known size, one part: one UploadArchive at the end. */
  | 'single'
  /** Stored by an earlier run: only check the input is the same. */
  | 'stored'
  /** An earlier run sent Complete and Glacier no longer lists the upload: complete again. */
  | 'recomplete';

interface OpenArchive {
  ordinal: number;
  upload: UploadRecord;
  line: number;
  description: string;
  mode: Mode;
  previous: JournaledArchive | undefined;
  uploadId: string | undefined;
  /** The InitiateMultipartUpload under way (it sets uploadId): parts, the end and a stop wait for it. */
  initiating: Promise<void> | undefined;
  /** Resumed uploads: the parts Glacier holds that the input has not reached yet, by first byte. */
  held: Map<number, ListedPart>;
  tasks: Set<Promise<void>>;
  /** Single-request archives: the part, held until the end record. */
  single: { source: PartSource; treeHash: string; sha256: string; release: (() => void) | undefined } | undefined;
  /** Parts the multipart upload holds. */
  partsStored: number;
  /** What CompleteMultipartUpload was sent with, once it was: its outcome is unknown until answered. */
  completing: { size: number; treeHash: string } | undefined;
}

export async function putArchives(events: AsyncIterable<UploadEvent>, options: PutArchivesOptions): Promise<PutArchivesResult> {
  return new ArchiveUploader(options).run(events);
}

class ArchiveUploader {
  private readonly requests: UploadRequests;
  private readonly slots: Slots;
  private readonly failed = new AbortController();
  /** Aborted on Ctrl-C or the first failure: nothing new starts. */
  private readonly halt: AbortSignal;
  private readonly source: string;
  private failure: unknown;
  private current: OpenArchive | undefined;
  private readonly result: PutArchivesResult = { archives: 0, written: 0, partsSent: 0, partsSkipped: 0 };
  private warnedOther = false;
  private readonly onBytes: ((bytes: number) => void) | undefined;

  constructor(private readonly options: PutArchivesOptions) {
    this.requests = options.requests;
    this.onBytes = options.observer?.bytesSent?.bind(options.observer);
    const concurrency = options.concurrency ?? 4;
    this.slots = new Slots(concurrency);
    this.halt = options.signal ? AbortSignal.any([options.signal, this.failed.signal]) : this.failed.signal;
    // Every part in flight may wait on it at once (the throttle gate, a backoff), and so may the
    // reader and one more request: that many listeners are the design, not a leak to warn about.
    setMaxListeners(concurrency + 2, this.halt);
    this.source = options.source ?? 'stdin';
  }

  async run(events: AsyncIterable<UploadEvent>): Promise<PutArchivesResult> {
    const iterator = events[Symbol.asyncIterator]();
    // The slot of the part being read, taken before its first record is: input is read only when
    // there is room. The part keeps it until Glacier has it.
    let slot: (() => void) | undefined;
    try {
      for (;;) {
        slot ??= await this.slots.acquire(this.halt);
        const next = await untilAborted(iterator.next(), this.halt);
        if (next.done) break;
        const event = next.value;
        switch (event.kind) {
          case 'data':
            // Its bytes arrive again, with the part's others, on the part event (keepData).
            break;
          case 'part':
            this.onPart(event, slot);
            slot = undefined;
            break;
          case 'upload':
            this.current = await this.startArchive(event.record, event.line);
            break;
          case 'end':
            await this.finishArchive(event.record.size, event.treeHash!, event.line);
            this.current = undefined;
            break;
          default:
            if (this.warnedOther) break;
            this.warnedOther = true;
            this.options.observer?.warning?.(`${this.source}:${event.line}: skipping "${event.record.type}" records: gl-put-parts reads upload records only`);
        }
      }
      slot?.();
      await this.finishUnreachedArchives();
      return this.result;
    } catch (err) {
      void iterator.return?.(undefined)?.catch(() => {});
      throw await this.stop(err);
    }
  }

  /** The first failure of a part sent in the background: stop everything. */
  private fail(err: unknown): void {
    this.failure ??= err;
    this.failed.abort(err);
  }

  private async startArchive(upload: UploadRecord, line: number): Promise<OpenArchive> {
    const ordinal = this.result.archives++;
    const description = this.options.description ? this.options.description(upload) : upload.description;
    const problem = descriptionProblem(description);
    if (problem) throw new InputError(this.source, line, `archive "${upload.name}": ${problem}`);
    const previous = this.options.previous?.archives[ordinal];
    const archive: OpenArchive = {
      ordinal,
      upload,
      line,
      description,
      mode: 'multipart',
      previous,
      uploadId: undefined,
      initiating: undefined,
      held: new Map(),
      tasks: new Set(),
      single: undefined,
      partsStored: 0,
      completing: undefined,
    };
    this.current = archive;
    if (previous) this.checkSameArchive(archive, previous);

    if (previous?.completed) archive.mode = 'stored';
    else if (previous?.uploadId) await this.resumeUpload(archive, previous.uploadId);
    if (previous?.sending && archive.mode === 'multipart' && !archive.uploadId) {
      this.options.observer?.warning?.(
        `archive "${upload.name}": the earlier run's UploadArchive got no answer, so the vault may hold that archive without a ledger record ` +
          `(tree hash ${previous.sending.treeHash}, ${previous.sending.size} bytes); storing it again`,
      );
    }
    if (archive.mode === 'multipart' && !archive.uploadId) {
      if (upload.size !== null && upload.size <= upload.partSize) archive.mode = 'single';
      else {
        // Not waited for here: the round trip (and the client's first-request setup) overlaps
        // with reading and hashing the first parts, which are sent once it is done.
        archive.initiating = this.initiate(archive);
        archive.initiating.catch((err: unknown) => this.fail(err));
      }
    }
    this.options.observer?.archiveStarted?.({ archive: ordinal, name: upload.name, size: upload.size, partSize: upload.partSize, resumed: previous !== undefined });
    return archive;
  }

  private async initiate(archive: OpenArchive): Promise<void> {
    const { upload, ordinal, description } = archive;
    archive.uploadId = await this.requests.initiate(upload.partSize, description, `archive "${upload.name}"`, { signal: this.halt });
    await this.options.journal?.append({ step: 'initiated', archive: ordinal, name: upload.name, partSize: upload.partSize, description, uploadId: archive.uploadId });
  }

  /** Archive n of the input must be archive n of the journal. */
  private checkSameArchive(archive: OpenArchive, previous: JournaledArchive): void {
    const { upload } = archive;
    const theirs = previous.completed ?? previous;
    const mismatch = (what: string, ours: unknown, earlier: unknown) =>
      new InputError(
        this.source,
        archive.line,
        `archive ${archive.ordinal} of the input has ${what} ${JSON.stringify(ours)}, but the journal's archive ${archive.ordinal} has ${JSON.stringify(earlier)}: is this the same pipeline?`,
        'INPUT_CHANGED',
      );
    if (theirs.name !== undefined && theirs.name !== upload.name) throw mismatch('name', upload.name, theirs.name);
    if (previous.partSize !== undefined && previous.partSize !== upload.partSize) throw mismatch('part size', upload.partSize, previous.partSize);
    if (theirs.description !== undefined && theirs.description !== archive.description) throw mismatch('description', archive.description, theirs.description);
  }

  /** Continues the earlier run's multipart upload: ListParts says what Glacier holds. */
  private async resumeUpload(archive: OpenArchive, uploadId: string): Promise<void> {
    const { upload } = archive;
    let listed;
    try {
      listed = await this.requests.listParts(uploadId, `archive "${upload.name}" (upload ID ${uploadId})`, { signal: this.halt });
    } catch (err) {
      if (awsErrorCode((err as Error).cause) !== 'ResourceNotFoundException') throw err;
      if (archive.previous?.completing?.uploadId === uploadId) {
        archive.mode = 'recomplete';
        archive.uploadId = uploadId;
        return;
      }
      this.options.observer?.warning?.(`archive "${upload.name}": upload ID ${uploadId} is gone from Glacier (aborted, or expired after 24 hours without activity); starting a new upload`);
      return;
    }
    if (listed.partSize !== upload.partSize) {
      throw new InputError(this.source, archive.line, `archive "${upload.name}": upload ID ${uploadId} has part size ${listed.partSize}, the input ${upload.partSize}`, 'INPUT_CHANGED');
    }
    if (listed.description !== archive.description) {
      throw new InputError(this.source, archive.line, `archive "${upload.name}": upload ID ${uploadId} was begun with description ${JSON.stringify(listed.description)}, this run's is ${JSON.stringify(archive.description)}`, 'INPUT_CHANGED');
    }
    archive.uploadId = uploadId;
    archive.partsStored = listed.parts.length;
    for (const part of listed.parts) archive.held.set(part.first, part);
  }

  /** `release` gives the part's slot back: once Glacier has the part, or at once when nothing is sent. */
  private onPart(event: UploadPartEvent, release: () => void): void {
    const archive = this.current!;
    const part = event.record;
    const last = part.start + part.size - 1;
    const what = `part ${part.index} (bytes ${part.start}-${last}) of "${archive.upload.name}"`;
    if (part.file === undefined && !event.data) throw new PipesError('NO_DATA', 'putArchives needs readUploadStream(..., { keepData: true }) for inline parts');
    const source: PartSource =
      part.file === undefined ? { kind: 'memory', buffers: event.data!, size: part.size } : { kind: 'file', path: part.file, start: part.start, size: part.size };
    const hashes = { treeHash: event.treeHash!, sha256: event.sha256! };

    if (archive.mode === 'single') {
      // Held until the end record proves the input whole; its slot is free for reading that.
      archive.single = { source, ...hashes, release: event.release };
      release();
      return;
    }
    if (archive.mode !== 'multipart') {
      event.release?.();
      release();
      return;
    }
    const held = archive.held.get(part.start);
    if (held) {
      archive.held.delete(part.start);
      event.release?.();
      release();
      if (held.last !== last || held.treeHash !== hashes.treeHash) {
        throw new InputError(
          this.source,
          event.line,
          `${what} differs from what the interrupted run stored in upload ID ${archive.uploadId}: Glacier holds bytes ${held.first}-${held.last} with tree hash ${held.treeHash}, ` +
            `the input has tree hash ${hashes.treeHash}; the input is not the same as before, and nothing was overwritten`,
          'INPUT_CHANGED',
        );
      }
      this.result.partsSkipped++;
      this.options.observer?.partStored?.({ archive: archive.ordinal, index: part.index, size: part.size, skipped: true });
      return;
    }
    const task = (async () => {
      try {
        await archive.initiating;
        const uploadId = archive.uploadId!;
        await this.requests.uploadPart(uploadId, part.start, source, hashes, what, { signal: this.halt, onBytes: this.onBytes });
        // Glacier has read every byte: the leaves can hold a later part.
        event.release?.();
        await this.options.journal?.append({ step: 'part', archive: archive.ordinal, uploadId, index: part.index, range: `${part.start}-${last}`, ...hashes });
        archive.partsStored++;
        this.result.partsSent++;
        this.options.observer?.partStored?.({ archive: archive.ordinal, index: part.index, size: part.size, skipped: false });
      } catch (err) {
        this.fail(err);
      } finally {
        release();
      }
    })();
    archive.tasks.add(task);
    void task.then(() => archive.tasks.delete(task));
  }

  private async finishArchive(size: number, treeHash: string, line: number): Promise<void> {
    const archive = this.current!;
    const { upload, ordinal } = archive;
    await archive.initiating;
    await Promise.all(archive.tasks);
    this.halt.throwIfAborted();
    const journal = this.options.journal;
    const what = `archive "${upload.name}"`;

    if (archive.mode === 'stored') {
      const record = archive.previous!.completed!;
      if (record.treeHash !== treeHash || record.size !== size) {
        throw new InputError(
          this.source,
          line,
          `${what} was stored by the earlier run (archive ID ${record.archiveId}, ${record.size} bytes, tree hash ${record.treeHash}), ` +
            `but the input now is ${size} bytes with tree hash ${treeHash}: the input is not the same as before`,
          'INPUT_CHANGED',
        );
      }
      if (archive.previous!.written) this.options.observer?.archiveStored?.(record, { written: false });
      else await this.writeRecord(ordinal, record);
      return;
    }

    if (archive.held.size > 0) {
      const extra = [...archive.held.values()][0];
      throw new InputError(
        this.source,
        line,
        `${what} ends at byte ${size}, but upload ID ${archive.uploadId} holds bytes ${extra.first}-${extra.last} from the interrupted run: the input is not the same as before`,
        'INPUT_CHANGED',
      );
    }

    let stored;
    if (archive.mode === 'single') {
      const { source, release, ...hashes } = archive.single!;
      archive.single = undefined;
      await journal?.append({ step: 'sending', archive: ordinal, name: upload.name, size, treeHash });
      stored = await this.requests.uploadArchive(archive.description, source, hashes, what, { signal: this.halt, onBytes: this.onBytes });
      release?.();
      this.result.partsSent++;
      this.options.observer?.partStored?.({ archive: ordinal, index: 0, size, skipped: false });
    } else {
      const uploadId = archive.uploadId!;
      const completing = archive.previous?.completing;
      if (archive.mode === 'recomplete' && (completing!.treeHash !== treeHash || completing!.size !== size)) {
        throw new InputError(
          this.source,
          line,
          `${what}: the earlier run completed upload ID ${uploadId} as ${completing!.size} bytes with tree hash ${completing!.treeHash}, but the input now is ${size} bytes with tree hash ${treeHash}`,
          'INPUT_CHANGED',
        );
      }
      if (archive.mode !== 'recomplete') await journal?.append({ step: 'completing', archive: ordinal, uploadId, size, treeHash });
      archive.completing = { size, treeHash };
      try {
        stored = await this.requests.complete(uploadId, size, treeHash, `${what} (upload ID ${uploadId})`, { signal: this.halt });
      } catch (err) {
        if (archive.mode === 'recomplete' && awsErrorCode((err as Error).cause) === 'ResourceNotFoundException') {
          throw new PipesError(
            'UNKNOWN_OUTCOME',
            `${what}: the earlier run completed upload ID ${uploadId} but was stopped before Glacier's answer reached the journal, and Glacier no longer knows the upload: ` +
              `the vault probably holds the archive (${size} bytes, tree hash ${treeHash}); check an inventory before storing it again`,
          );
        }
        throw err;
      }
    }
    // The archive exists now: the multipart upload is closed, whatever follows.
    const uploadId = archive.uploadId ?? null;
    archive.uploadId = undefined;
    if (stored.checksum !== undefined && stored.checksum !== treeHash) {
      throw new PipesError(
        'CHECKSUM_MISMATCH',
        `${what}: Glacier stored archive ID ${stored.archiveId} with tree hash ${stored.checksum}, but the input's is ${treeHash}; no ledger record written`,
      );
    }
    const record = ledgerRecord(this.requests.vault, upload, archive.description, stored.archiveId, treeHash, size);
    // No ledger line the journal does not know of: a resume would write it a second time.
    await journal?.append({ step: 'completed', archive: ordinal, uploadId, record }).catch((err: unknown) => {
      throw new LedgerNotWritten(record, err, false);
    });
    await this.writeRecord(ordinal, record);
  }

  private async writeRecord(ordinal: number, record: ArchiveRecord): Promise<void> {
    try {
      await this.options.writeLedger(record);
    } catch (err) {
      throw new LedgerNotWritten(record, err, this.options.journal !== undefined);
    }
    await this.options.journal?.append({ step: 'written', archive: ordinal, archiveId: record.archiveId }).catch((err: Error) => {
      throw new PipesError(
        'JOURNAL',
        `${err.message}; the ledger record of archive "${record.name}" was written, but the journal could not say so: a --resume writes it again (archive ID ${record.archiveId})`,
        { cause: err },
      );
    });
    this.result.written++;
    this.options.observer?.archiveStored?.(record, { written: true });
  }

  /**
   * A resumed run whose input ended before some archive the journal knows of. An archive stored
   * without its ledger line gets it now: the vault holds it, whatever the input has become. One
   * begun and not finished means this is not the run's input: an error, and the run stays open.
   */
  private async finishUnreachedArchives(): Promise<void> {
    for (const earlier of this.options.previous?.archives.slice(this.result.archives) ?? []) {
      if (!earlier || (earlier.completed && earlier.written)) continue;
      if (earlier.completed) {
        this.options.observer?.warning?.(
          `the journal's archive ${earlier.archive} ("${earlier.completed.name}") is not in this input; its ledger record, which the earlier run could not write, is written now`,
        );
        await this.writeRecord(earlier.archive, earlier.completed);
        continue;
      }
      if (earlier.uploadId || earlier.sending) {
        const what = earlier.uploadId ? `upload ID ${earlier.uploadId} is kept` : 'its UploadArchive got no answer';
        throw new InputError(this.source, undefined, `the input ended before the journal's archive ${earlier.archive} ("${earlier.name}"), which the earlier run began (${what})`, 'INPUT_CHANGED');
      }
    }
  }

  /** Lets every request under way finish, keeps or aborts the open upload, and says so. */
  private async stop(err: unknown): Promise<UploadStopped> {
    // A stored archive whose record could not be written matters more than why it could not
    // (a closed stdout also aborts the signal); otherwise an interruption explains the rest.
    const interrupted = this.options.signal?.aborted === true;
    const reason = err instanceof LedgerNotWritten ? err : interrupted ? this.options.signal!.reason : (this.failure ?? err);
    this.fail(reason);
    const archive = this.current;
    if (!archive) return new UploadStopped(reason, undefined, undefined);
    await archive.initiating?.catch(() => {});
    await Promise.all(archive.tasks);
    if (!archive.uploadId || archive.mode === 'recomplete') return new UploadStopped(reason, undefined, undefined);

    const name = archive.upload.name;
    const kept = { archive: archive.ordinal, name, uploadId: archive.uploadId, partsStored: archive.partsStored };
    const parts = `${archive.partsStored} part(s) stored`;
    if (this.options.journal) return new UploadStopped(reason, kept, `upload ID ${archive.uploadId} of "${name}" kept (${parts}; the journal ${this.options.journal.path} has it)`);
    // An upload an earlier run began is that run's: never thrown away here.
    if (this.options.keepUpload || archive.previous?.uploadId === archive.uploadId) {
      return new UploadStopped(reason, kept, `upload ID ${archive.uploadId} of "${name}" kept (${parts})`);
    }
    try {
      await this.requests.abort(archive.uploadId, `archive "${name}" (upload ID ${archive.uploadId})`);
      return new UploadStopped(reason, undefined, `the multipart upload of "${name}" was aborted`);
    } catch (abortError) {
      // The one way an upload we sent Complete for is gone: a Complete whose answer was lost.
      if (archive.completing && awsErrorCode((abortError as Error).cause) === 'ResourceNotFoundException') {
        const { size, treeHash } = archive.completing;
        return new UploadStopped(
          reason,
          undefined,
          `Glacier no longer knows upload ID ${archive.uploadId}, so a CompleteMultipartUpload went through: the vault probably holds "${name}" (${size} bytes, tree hash ${treeHash}) ` +
            'without a ledger record; check an inventory before storing it again',
        );
      }
      return new UploadStopped(reason, kept, `aborting upload ID ${archive.uploadId} of "${name}" failed too (${(abortError as Error).message})`);
    }
  }
}

function ledgerRecord(vault: string, upload: UploadRecord, description: string, archiveId: string, treeHash: string, size: number): ArchiveRecord {
  // Fields a user added to the upload record (tags) travel on to the ledger.
  const { type: _type, v: _v, name, description: _description, partSize: _partSize, size: _size, ...extra } = upload;
  return { ...extra, type: 'archive', v: RECORD_VERSION, vault, archiveId, treeHash, size, description, name, created: new Date().toISOString() };
}

/** The promise's result, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
