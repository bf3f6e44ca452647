// The upload journal: one NDJSON line per step of a run, each written and fsynced before the
// step counts as done, so that a crash or kill -9 at any moment leaves a file that says what
// Glacier was asked to do and what it acknowledged. `--resume` reads it back (readJournal) to
// continue the same uploads. docs/upload.md describes every step.
//
//   {"step":"start","v":1,"time":...,"vault":"photos","region":"eu-west-1","argv":[...],"pid":123}   a fresh run ("resume" for a resumed one)
//   {"step":"initiated","archive":0,"name":"a.tar","partSize":1048576,"description":"a.tar","uploadId":"..."}
//   {"step":"part","archive":0,"uploadId":"...","index":3,"range":"3145728-4194303","treeHash":"...","sha256":"..."}
//   {"step":"completing","archive":0,"uploadId":"...","size":5000000,"treeHash":"..."}
//   {"step":"sending","archive":1,"name":"b.tar","size":12,"treeHash":"..."}        an UploadArchive about to go out
//   {"step":"completed","archive":0,"uploadId":"...","record":{"type":"archive",...}}
//   {"step":"written","archive":0,"archiveId":"..."}                              the ledger line reached stdout
//   {"step":"stopped","reason":"interrupted by SIGINT"} / {"step":"done","archives":2}
//
// `archive` counts the archives of the input stream from 0. Every line also carries `time`.

import { open, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LockedError, takePidLock, type PidLock } from '../fs/pid-lock.js';
import { PipesError } from '../errors.js';
import type { ArchiveRecord } from '../records/types.js';

export const JOURNAL_VERSION = 1;

/** How every journal line begins (`step` is always the first field written). */
const STEP_PREFIX = '{"step":"';

export type JournalStep =
  | { step: 'start' | 'resume'; v: number; vault: string; region?: string; argv: string[]; pid: number }
  | { step: 'initiated'; archive: number; name: string; partSize: number; description: string; uploadId: string }
  | { step: 'part'; archive: number; uploadId: string; index: number; range: string; treeHash: string; sha256: string }
  | { step: 'completing'; archive: number; uploadId: string; size: number; treeHash: string }
  | { step: 'sending'; archive: number; name: string; size: number; treeHash: string }
  | { step: 'completed'; archive: number; uploadId: string | null; record: ArchiveRecord }
  | { step: 'written'; archive: number; archiveId: string }
  | { step: 'stopped'; reason: string }
  | { step: 'done'; archives: number };

/** What the journal knows of one archive of the run being continued. */
export interface JournaledArchive {
  archive: number;
  name: string | undefined;
  partSize: number | undefined;
  description: string | undefined;
  /** The multipart upload, once initiated. */
  uploadId: string | undefined;
  /** Parts acknowledged, by index (ListParts stays the source of truth). */
  parts: Map<number, { treeHash: string; sha256: string }>;
  /** A Complete was sent; its answer may not have arrived. */
  completing: { uploadId: string; size: number; treeHash: string } | undefined;
  /** An UploadArchive was sent; its answer may not have arrived. */
  sending: { size: number; treeHash: string } | undefined;
  /** Glacier confirmed the archive: the ledger record. */
  completed: ArchiveRecord | undefined;
  /** The ledger record reached stdout. */
  written: boolean;
}

/** The run a journal holds: every step since its last fresh `start`. */
export interface JournalState {
  /** Whether the file holds any run at all. */
  empty: boolean;
  /** When the run began (its `start` line). */
  started: string | undefined;
  vault: string | undefined;
  /** The vault's region (journals written before it was recorded have none). */
  region: string | undefined;
  /** True when its last run ended with `done`. */
  finished: boolean;
  archives: JournaledArchive[];
}

/** Rebuilds the state of the last run from a journal's text. `source` names the file in errors. */
export function readJournal(text: string, source: string): JournalState {
  const state: JournalState = { empty: true, started: undefined, vault: undefined, region: undefined, finished: false, archives: [] };
  const lines = text.split('\n');
  // Anything after the last newline is a line cut short by a crash: it never counted, and
  // Journal.open cuts it off. Only the start of a step (or the zeros a power cut can leave) can
  // be that: other text means this is not a journal, and it must not be cut.
  const torn = lines.pop()!.replace(/\0+$/, '');
  if (!STEP_PREFIX.startsWith(torn) && !torn.startsWith(STEP_PREFIX)) {
    throw new PipesError('BAD_JOURNAL', `${source}:${lines.length + 1}: not a JSON line; is this a gl-put-parts journal?`);
  }
  const archive = (n: number): JournaledArchive => {
    state.archives[n] ??= {
      archive: n,
      name: undefined,
      partSize: undefined,
      description: undefined,
      uploadId: undefined,
      parts: new Map(),
      completing: undefined,
      sending: undefined,
      completed: undefined,
      written: false,
    };
    return state.archives[n];
  };
  lines.forEach((text, at) => {
    if (text.trim() === '') return;
    const bad = (why: string) => new PipesError('BAD_JOURNAL', `${source}:${at + 1}: ${why}; is this a gl-put-parts journal?`);
    let step: JournalStep & { archive?: unknown };
    try {
      step = JSON.parse(text) as JournalStep;
    } catch {
      throw bad('not a JSON line');
    }
    if (typeof step !== 'object' || step === null || typeof step.step !== 'string') throw bad('no "step"');
    if ('archive' in step && (!Number.isSafeInteger(step.archive) || (step.archive as number) < 0)) throw bad('"archive" is not an archive number');
    state.empty = false;
    switch (step.step) {
      case 'start':
        if (step.v > JOURNAL_VERSION) throw bad(`journal version ${step.v} is newer than this gl-put-parts understands (${JOURNAL_VERSION})`);
        state.started = (step as { time?: string }).time;
        state.vault = step.vault;
        state.region = step.region;
        state.archives = [];
        state.finished = false;
        break;
      case 'resume':
        state.finished = false;
        break;
      case 'initiated':
        Object.assign(archive(step.archive), { name: step.name, partSize: step.partSize, description: step.description, uploadId: step.uploadId, parts: new Map(), completing: undefined });
        break;
      case 'part': {
        const entry = archive(step.archive);
        if (entry.uploadId === step.uploadId) entry.parts.set(step.index, { treeHash: step.treeHash, sha256: step.sha256 });
        break;
      }
      case 'completing':
        archive(step.archive).completing = { uploadId: step.uploadId, size: step.size, treeHash: step.treeHash };
        break;
      case 'sending':
        Object.assign(archive(step.archive), { name: step.name, sending: { size: step.size, treeHash: step.treeHash } });
        break;
      case 'completed':
        Object.assign(archive(step.archive), { completed: step.record, sending: undefined, completing: undefined });
        break;
      case 'written':
        archive(step.archive).written = true;
        break;
      case 'done':
        state.finished = true;
        break;
      case 'stopped':
        break;
      default:
        throw bad(`unknown step "${(step as { step: string }).step}"`);
    }
  });
  return state;
}

/** Appends steps to a journal file, each fsynced before append() resolves. */
export class Journal {
  private tail: Promise<void> = Promise.resolve();
  /** The first step that failed: every later one fails with it (the file ends at the step before). */
  private failure: PipesError | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly lock: PidLock,
    /** Bytes of whole steps in the file. */
    private size: number,
  ) {}

  /**
   * Opens (or creates) the journal at `path` and returns it with the run it already holds. A
   * last line cut short by a crash is cut off first. One run at a time: `PATH.lock` holds the
   * writer's pid until close() (two runs of one cron job must not interleave their steps).
   */
  static async open(path: string): Promise<{ journal: Journal; previous: JournalState }> {
    // Checked before the lock is taken: a FIFO would block the read below, a device never ends.
    const stats = await stat(path).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw journalError(path, err);
    });
    if (stats && !stats.isFile()) throw new PipesError('JOURNAL', `journal ${path}: not a regular file`);
    const lock = await takePidLock(`${path}.lock`).catch((err: unknown) => {
      if (err instanceof LockedError) {
        throw new PipesError('JOURNAL_IN_USE', `journal ${path} is in use by another gl-put-parts (pid ${err.owner}); wait for it to end, or if no such process runs, remove ${err.path}`);
      }
      throw journalError(path, err);
    });
    try {
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw journalError(path, err);
      }
      const previous = readJournal(text, path);
      const whole = text.lastIndexOf('\n') + 1;
      if (whole < Buffer.byteLength(text)) await truncate(path, Buffer.byteLength(text.slice(0, whole))).catch((err: unknown) => {
        throw journalError(path, err);
      });
      const handle = await open(path, 'a').catch((err: unknown) => {
        throw journalError(path, err);
      });
      // A new file must survive a crash too: its directory entry is flushed once.
      if (text === '') await syncDirectory(dirname(path));
      return { journal: new Journal(path, handle, lock, (await handle.stat()).size), previous };
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Writes one step and flushes it to disk. Steps are written in the order append() was called. */
  append(step: JournalStep): Promise<void> {
    // `step` first: readJournal knows a torn last line by how a step begins.
    const { step: name, ...fields } = step;
    const line = Buffer.from(`${JSON.stringify({ step: name, ...fields, time: new Date().toISOString() })}\n`);
    const written = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      try {
        // A write can be short (a full disk, a file size limit) and say so only by its count.
        for (let at = 0; at < line.length; ) {
          const { bytesWritten } = await this.handle.write(line, at, line.length - at);
          if (bytesWritten === 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
          at += bytesWritten;
        }
        await this.handle.datasync();
        this.size += line.length;
      } catch (err) {
        this.failure = journalError(this.path, err);
        // The step did not count: none of it may stay behind for a later step to follow.
        await this.handle.truncate(this.size).catch(() => {});
        throw this.failure;
      }
    });
    this.tail = written.catch(() => {});
    return written;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
    await this.lock.release();
  }

  /** For a process about to exit at once: gives up the lock without waiting for anything. */
  releaseLockNow(): void {
    this.lock.releaseNow();
  }
}

function journalError(path: string, err: unknown): PipesError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code === 'ENOSPC' ? 'no space left on the device' : code === 'EFBIG' ? 'file too large' : (err as Error).message;
  return new PipesError('JOURNAL', `journal ${path}: ${why}`, { cause: err });
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the journal's own lines are still synced.
  } finally {
    await handle.close();
  }
}
