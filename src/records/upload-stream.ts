// Reads an upload stream (gl-chunk's output) and checks that it describes whole archives, for
// every stage that consumes one: gl-treehash --records now, gl-put-parts later.
//
//   readUploadStream(input, options) -> AsyncGenerator<UploadEvent>
//
// One event per record, in input order; pulling the next event is what reads more input, so a
// consumer that pulls one part at a time gets backpressure all the way up the pipe. (File parts
// are read a record or so ahead, one per hashing worker, so that they are hashed side by side.)
//
//   { kind: 'upload', record, line, raw }                 an archive begins
//   { kind: 'data',   record, bytes, upload, line, raw }   one inline leaf (bytes decoded)
//   { kind: 'part',   record, upload, treeHash, sha256, verified, data?, line, raw }
//   { kind: 'end',    record, upload, treeHash, line, raw } the archive is complete
//   { kind: 'other',  record, line, raw }                  any other record, left alone
//
// On a `part` event, `treeHash`/`sha256` are the part's hashes: computed from its bytes when
// `verified` is true (inline parts always; file parts when `hashFiles` is on, the default), or
// else copied from the record (possibly undefined). With `keepData: true`, an inline part's
// bytes arrive as `data`: one Buffer per leaf, in order, `record.size` bytes in all. A file part
// has `record.file` instead; its bytes are `record.start` .. `record.start + record.size - 1` of
// that file. On `end`, `treeHash` is the archive tree hash when every part's hash is known.
// A consumer done with `data` may call the event's `release()`: those leaf buffers then hold the
// bytes of later parts, instead of a new gigabyte of buffers (and its garbage) per gigabyte read.
//
// All hashing runs in worker threads (src/treehash/hash-pool.ts), so the consumer's thread stays
// free for its own I/O: file parts through hashFileRange, inline leaves through PartHasher.
// Buffers handed out (`bytes`, `data`) are the consumer's: never reused or changed afterwards,
// unless the consumer gives them back with `release()`. With keepData they are shared memory
// that the workers hash in place, so the consumer must not change them before their part event.
//
// Every rule of docs/records.md is checked, and a broken stream stops with an InputError
// `SOURCE:LINE: what is wrong`: no upload header first, parts out of order, a part not at
// index x partSize, a part larger than partSize or a short part that is not the last, inline
// data not contiguous or not covering its part, an `end` whose size or part count disagrees
// with the parts, a hash in a record that does not match the bytes, and a stream that stops
// before `end` (a truncated archive). Events before the error have already been handed out,
// so a consumer must treat nothing as done before it sees the archive's `end` event.
//
// In outline, an uploader:
//
//   for await (const event of readUploadStream(process.stdin, { keepData: true })) {
//     if (event.kind === 'upload') upload = await initiate(event.record.partSize, event.record.description);
//     if (event.kind === 'part') await sendPart(upload, event.record, event.treeHash!, event.sha256!, event.data ?? event.record.file!);
//     if (event.kind === 'end') await complete(upload, event.record.size, event.treeHash!);
//   }
//
// (With bounded concurrency, several workers pull from the same iterator; each `next()` call
// reads only as far as the next event, or for file parts a record or so further.)

import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { quietly, sharedHashPool, type HashPool } from '../treehash/hash-pool.js';
import { hashFileRange } from '../treehash/file-hash.js';
import { PartHasher } from '../treehash/part-hasher.js';
import { combineDigests, LEAF_SIZE } from '../treehash/tree-hash.js';
import { fileProblem } from './file-problem.js';
import { readRecords, type ReadRecordsOptions, type RecordLine } from './reader.js';
import type { DataRecord, DataRecordHead, EndRecord, PartRecord, RecordBase, UploadRecord } from './types.js';

export interface UploadStreamOptions extends Pick<ReadRecordsOptions, 'source' | 'maxLineBytes' | 'reuseLines'> {
  /** Hash file-referenced parts in worker threads and check the hashes they carry (default true). */
  hashFiles?: boolean;
  /** Hand each inline part's bytes over on its `part` event as `data` (default false). */
  keepData?: boolean;
  /** The worker pool that does the hashing (default: the process-wide pool). */
  pool?: HashPool;
  signal?: AbortSignal;
  /** Told of what is worth saying but not an error (a file that grew after it was chunked). */
  onWarning?: (message: string) => void;
}

interface EventBase {
  line: number;
  raw: Buffer;
}

export interface UploadHeaderEvent extends EventBase {
  kind: 'upload';
  record: UploadRecord;
}

export interface UploadDataEvent extends EventBase {
  kind: 'data';
  /** The record without its base64 `data` field. */
  record: DataRecordHead;
  bytes: Buffer;
  upload: UploadRecord;
}

export interface UploadPartEvent extends EventBase {
  kind: 'part';
  record: PartRecord;
  upload: UploadRecord;
  treeHash: string | undefined;
  sha256: string | undefined;
  /** True when treeHash and sha256 were computed from the bytes (and any in the record matched). */
  verified: boolean;
  /** With keepData, an inline part's bytes: one Buffer per leaf. */
  data?: Buffer[];
  /** With data: gives its buffers back for later parts' bytes; call it once nothing reads `data` any more. */
  release?: () => void;
}

export interface UploadEndEvent extends EventBase {
  kind: 'end';
  record: EndRecord;
  upload: UploadRecord;
  /** The archive tree hash, when every part's tree hash is known (and the record's, if any, matched). */
  treeHash: string | undefined;
}

export interface OtherRecordEvent extends EventBase {
  kind: 'other';
  record: RecordBase;
}

export type UploadEvent = UploadHeaderEvent | UploadDataEvent | UploadPartEvent | UploadEndEvent | OtherRecordEvent;

/** The inline bytes of the part being received. */
/** Makes the InputError for the current line. */
type Problem = (reason: string) => InputError;

interface InlinePart {
  part: number;
  received: number;
  lastLeafShort: boolean;
  hasher: PartHasher;
  data: Buffer[] | undefined;
}

interface OpenArchive {
  upload: UploadRecord;
  line: number;
  nextPart: number;
  received: number;
  /** Size of the previous part when it was shorter than partSize: it must have been the last. */
  shortPart: number | undefined;
  /** Part tree hashes in order; undefined once a part's hash is unknown. */
  partDigests: Buffer[] | undefined;
  inline: InlinePart | undefined;
}

/**
 * Leaf buffers for kept inline data: given back by the consumer (release), taken for the next
 * leaves. They are shared memory, so the hashing workers read each leaf where it was decoded:
 * no copy, and no ring of copies beside the leaves that the part holds anyway.
 */
class LeafPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.from(new SharedArrayBuffer(LEAF_SIZE));
  }

  give(leaves: Buffer[]): void {
    for (const leaf of leaves) if (leaf.buffer.byteLength === LEAF_SIZE) this.free.push(Buffer.from(leaf.buffer));
  }
}

export async function* readUploadStream(input: Readable | AsyncIterable<Buffer | Uint8Array | string>, options: UploadStreamOptions = {}): AsyncGenerator<UploadEvent> {
  const source = options.source ?? 'stdin';
  const hashFiles = options.hashFiles ?? true;
  const leaves = options.keepData ? new LeafPool() : undefined;
  let archive: OpenArchive | undefined;
  let lastLine = 0;
  // File parts whose hashing has begun, in order: the next one is hashed while the consumer is
  // busy with this one, so that every worker has a part (one part is one worker's job). Only
  // records are read ahead, never bytes; any other record, the end of the input and an error
  // wait until these are handed out (an error in one of them is the earlier error).
  const hashing: Promise<UploadPartEvent>[] = [];
  const lookahead = hashFiles ? (options.pool ?? sharedHashPool()).size : 1;
  // The first part hashed ahead. If it failed, the parts after it are dropped: its error is the
  // stream's, and theirs (often caused by it) must not replace it.
  async function nextHashed(): Promise<UploadPartEvent> {
    try {
      return await hashing.shift()!;
    } catch (err) {
      hashing.length = 0;
      throw err;
    }
  }
  async function* handOut(): AsyncGenerator<UploadPartEvent> {
    while (hashing.length > 0) yield await nextHashed();
  }

  try {
    try {
      for await (const item of readRecords(input, { source, maxLineBytes: options.maxLineBytes, reuseLines: options.reuseLines, dataBuffer: leaves && (() => leaves.take()) })) {
        options.signal?.throwIfAborted();
        lastLine = item.line;
        const problem: Problem = (reason) => new InputError(source, item.line, reason);
        const { record } = item;
        const filePart = record.type === 'part' && (record as PartRecord).file !== undefined;
        if (!filePart) yield* handOut();
        switch (record.type) {
          case 'upload': {
            if (archive) throw problem(`upload record inside archive "${archive.upload.name}" (begun at line ${archive.line}, no end record yet)`);
            const upload = record as UploadRecord;
            archive = { upload, line: item.line, nextPart: 0, received: 0, shortPart: undefined, partDigests: [], inline: undefined };
            yield { kind: 'upload', record: upload, line: item.line, raw: item.raw };
            break;
          }
          case 'data': {
            if (!archive) throw problem('data record before any upload record');
            await acceptData(archive, item, problem, options.keepData ?? false, options.pool);
            yield { kind: 'data', record: record as DataRecordHead, bytes: item.bytes!, upload: archive.upload, line: item.line, raw: item.raw };
            break;
          }
          case 'part': {
            if (!archive) throw problem('part record before any upload record');
            // A line read ahead outlives its reused buffer: a part held back keeps a copy.
            const line = filePart && options.reuseLines ? { ...item, raw: Buffer.from(item.raw) } : item;
            const event = acceptPart(archive, line, problem, { hashFiles, pool: options.pool, signal: options.signal, leaves, onWarning: options.onWarning && ((reason) => options.onWarning!(`${source}:${line.line}: ${reason}`)) });
            if (!filePart) {
              yield await event;
              break;
            }
            hashing.push(quietly(event));
            if (hashing.length >= lookahead) yield await nextHashed();
            break;
          }
          case 'end': {
            if (!archive) throw problem('end record before any upload record');
            yield acceptEnd(archive, item, problem);
            archive = undefined;
            break;
          }
          default:
            yield { kind: 'other', record, line: item.line, raw: item.raw };
        }
      }
    } catch (err) {
      if (!options.signal?.aborted) yield* handOut();
      throw err;
    }
    yield* handOut();
    if (archive) {
      throw new InputError(
        source,
        lastLine || undefined,
        `the stream ended inside archive "${archive.upload.name}" (begun at line ${archive.line}) after ${archive.nextPart} part(s) and no end record: truncated archive`,
        'TRUNCATED',
      );
    }
  } finally {
    // Stopped inside an inline part (an error, or the consumer let go): free its running hash.
    archive?.inline?.hasher.abandon();
  }
}

async function acceptData(archive: OpenArchive, item: RecordLine, problem: Problem, keepData: boolean, pool: HashPool | undefined): Promise<void> {
  const { part, offset } = item.record as DataRecord;
  const bytes = item.bytes!;
  const { partSize } = archive.upload;
  if (archive.shortPart !== undefined) throw problem(`data for part ${part} after part ${archive.nextPart - 1}, which was short (${archive.shortPart} bytes) and so the last`);
  if (part !== archive.nextPart) {
    throw problem(part < archive.nextPart ? `data for part ${part}, which is already complete` : `data for part ${part} while part ${archive.nextPart} is the next part`);
  }
  const partStart = part * partSize;
  let inline = archive.inline;
  if (!inline) {
    if (offset !== partStart) throw problem(`data for part ${part} begins at byte ${offset}; part ${part} begins at byte ${partStart}`);
    inline = { part, received: 0, lastLeafShort: false, hasher: new PartHasher(pool), data: keepData ? [] : undefined };
    archive.inline = inline;
  } else {
    const expected = partStart + inline.received;
    if (offset !== expected) throw problem(`data at byte ${offset} in part ${part}; the part's bytes so far end at byte ${expected} (gap or overlap)`);
    if (inline.lastLeafShort) throw problem(`data after a short leaf in part ${part}; only the archive's last leaf may be shorter than 1 MiB`);
  }
  if (inline.received + bytes.length > partSize) throw problem(`data for part ${part} runs past the part size (${partSize} bytes)`);
  inline.received += bytes.length;
  inline.lastLeafShort = bytes.length < LEAF_SIZE;
  inline.data?.push(bytes);
  await inline.hasher.add(bytes);
}

async function acceptPart(
  archive: OpenArchive,
  item: RecordLine,
  problem: Problem,
  options: { hashFiles: boolean; pool?: HashPool; signal?: AbortSignal; leaves?: LeafPool; onWarning?: (reason: string) => void },
): Promise<UploadPartEvent> {
  const record = item.record as PartRecord;
  const { index, start, size } = record;
  const { partSize } = archive.upload;
  if (index !== archive.nextPart) throw problem(archive.nextPart === 0 ? `part ${index} comes first; an archive's parts begin at 0` : `part ${index} follows part ${archive.nextPart - 1}`);
  if (archive.shortPart !== undefined) {
    throw problem(`part ${index} follows part ${index - 1} of ${archive.shortPart} bytes; only the last part may be smaller than the part size ${partSize}`);
  }
  if (size > partSize) throw problem(`part ${index} is ${size} bytes, more than the upload's part size ${partSize} (the part size cannot change within an archive)`);
  if (start !== index * partSize) throw problem(`part ${index} begins at byte ${start}; with part size ${partSize} it must begin at byte ${index * partSize}`);
  const declared = archive.upload.size;
  if (declared !== null && start + size > declared) throw problem(`part ${index} ends at byte ${start + size}, past the archive size ${declared} in the upload record`);

  const inline = archive.inline;
  if (record.file === undefined) {
    if (!inline) throw problem(`inline part ${index} (no "file") has no data records before it`);
    if (inline.received !== size) throw problem(`part ${index} is ${size} bytes but its data records carry ${inline.received}`);
    archive.inline = undefined;
  } else if (inline) throw problem(`part ${index} names a file, but data records for it came before it`);
  // The archive moves on before this part's hash is known: the next record is checked against
  // it while the hash is computed. The part's digest takes its place in order once known.
  archive.nextPart++;
  archive.received += size;
  archive.shortPart = size < partSize ? size : undefined;
  const digests = archive.partDigests;
  const place = digests ? digests.push(Buffer.alloc(0)) - 1 : -1;

  let treeHash = record.treeHash;
  let sha256 = record.sha256;
  let verified = false;
  let data: Buffer[] | undefined;
  if (inline) {
    const hashes = await inline.hasher.digest();
    ({ treeHash, sha256 } = checkHashes(record, hashes.treeHash, hashes.sha256, problem));
    verified = true;
    data = inline.data;
  } else if (options.hashFiles) {
    const hashes = await hashFileRange(record.file!, start, size, { pool: options.pool, signal: options.signal }).catch((err: unknown) => {
      throw options.signal?.aborted ? err : problem(`part ${index}: ${fileProblem(err, record.file!)}`);
    });
    ({ treeHash, sha256 } = checkHashes(record, hashes.treeHash, hashes.sha256!, problem));
    verified = true;
    // The archive is what was chunked; a file written to since (a log, a dump still running)
    // has more, which the user may not expect to be left out.
    if (declared !== null && start + size === declared && options.onWarning) {
      const now = await stat(record.file!).then((stats) => stats.size, () => undefined);
      if (now !== undefined && now > declared) {
        options.onWarning(`part ${index}: ${record.file} is ${now} bytes now; its archive holds the first ${declared}, as chunked (the file grew since)`);
      }
    }
  }
  if (digests && treeHash) digests[place] = Buffer.from(treeHash, 'hex');
  else archive.partDigests = undefined;
  const release = data && options.leaves ? once(() => options.leaves!.give(data!)) : undefined;
  return { kind: 'part', record, upload: archive.upload, treeHash, sha256, verified, data, release, line: item.line, raw: item.raw };
}

function acceptEnd(archive: OpenArchive, item: RecordLine, problem: Problem): UploadEndEvent {
  const record = item.record as EndRecord;
  if (archive.inline) throw problem(`end record, but part ${archive.inline.part}'s data records have no part record`);
  if (record.parts !== archive.nextPart) throw problem(`end record says ${record.parts} part(s), but ${archive.nextPart} came`);
  if (record.size !== archive.received) throw problem(`end record says ${record.size} bytes, but the parts hold ${archive.received}`);
  const declared = archive.upload.size;
  if (declared !== null && declared !== archive.received) throw problem(`the archive is ${archive.received} bytes, but its upload record said ${declared}`);
  let treeHash = archive.partDigests ? combineDigests(archive.partDigests).toString('hex') : undefined;
  if (record.treeHash !== undefined && treeHash !== undefined && record.treeHash !== treeHash) {
    throw problem(`end record's treeHash ${record.treeHash} does not match the archive's parts (${treeHash})`);
  }
  treeHash ??= record.treeHash;
  return { kind: 'end', record, upload: archive.upload, treeHash, line: item.line, raw: item.raw };
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) action();
    done = true;
  };
}

function checkHashes(record: PartRecord, treeHash: string, sha256: string, problem: Problem): { treeHash: string; sha256: string } {
  if (record.treeHash !== undefined && record.treeHash !== treeHash) throw problem(`part ${record.index}: treeHash ${record.treeHash} in the record does not match its bytes (${treeHash})`);
  if (record.sha256 !== undefined && record.sha256 !== sha256) throw problem(`part ${record.index}: sha256 ${record.sha256} in the record does not match its bytes (${sha256})`);
  return { treeHash, sha256 };
}
