// S3 state on disk, and its in-memory index.
//
//   <dataDir>/buckets/<bucket>/bucket.json            the bucket exists once this directory is in place
//   <dataDir>/buckets/<bucket>/objects/<sha256(key)>.json   one object's record: key, blob, size, digests, headers
//   <dataDir>/buckets/<bucket>/blobs/<uuid>           the object's bytes, never modified once in place
//   <dataDir>/tmp/                                    uploads and records being written; emptied on open
//
// Keys never become paths (a key is hashed into the record's name), so no key can escape the data
// directory. A write lands as: body to tmp, fsync, rename into blobs/, fsync the directory; then
// the record to tmp, fsync, rename into objects/, fsync. The record's rename is the commit: a crash
// before it leaves only an unreferenced blob, which the next open removes.

import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BodyDigest, ChecksumAlgorithm } from './body.js';
import { S3Error, noSuchBucket, noSuchKey, preconditionFailed } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import { insertKey, removeKey } from './list.js';
import { compareUtf8, isValidBucketName } from './names.js';

export interface ObjectRecord {
  key: string;
  /** File name of the bytes under blobs/. */
  blob: string;
  size: number;
  /** MD5 of the bytes, hex, unquoted. */
  etag: string;
  /** ISO 8601 with milliseconds. */
  lastModified: string;
  contentType: string;
  /** Representation headers given at upload: cache-control, content-disposition, content-encoding, content-language, expires. */
  headers: Record<string, string>;
  /** User metadata (x-amz-meta-*), names without the prefix. */
  metadata: Record<string, string>;
  /** Base64 checksums: always CRC32, plus the client's algorithm when it sent one. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The algorithm the client verified the upload with, if any. */
  checksumAlgorithm?: ChecksumAlgorithm;
}

/** What the writer supplies once the body is in and verified. */
export type ObjectFields = Omit<ObjectRecord, 'key' | 'blob' | 'lastModified' | 'size' | 'etag'>;

/** Conditional write headers (If-None-Match: *, If-Match: etag). */
export interface WriteCondition {
  ifNoneMatch?: string;
  ifMatch?: string;
}

interface BucketState {
  name: string;
  created: string;
  dir: string;
  /** Keys in UTF-8 byte order. */
  keys: string[];
  objects: Map<string, ObjectRecord>;
  /** Uploads under way; a bucket with any is not deleted. */
  pendingWrites: number;
}

export class S3Store {
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new KeyedLock();
  private readonly bucketsDir: string;
  private readonly tmpDir: string;

  private constructor(dataDir: string) {
    this.bucketsDir = join(dataDir, 'buckets');
    this.tmpDir = join(dataDir, 'tmp');
  }

  /** Opens (or creates) the state under dataDir, removing what interrupted writes left behind. */
  static async open(dataDir: string): Promise<S3Store> {
    const store = new S3Store(dataDir);
    await rm(store.tmpDir, { recursive: true, force: true });
    await mkdir(store.tmpDir, { recursive: true });
    await mkdir(store.bucketsDir, { recursive: true });
    for (const name of await readdir(store.bucketsDir)) {
      store.buckets.set(name, await store.loadBucket(name));
    }
    return store;
  }

  private async loadBucket(name: string): Promise<BucketState> {
    const dir = join(this.bucketsDir, name);
    const fail: (why: string) => never = (why) => {
      throw new Error(`S3 state in ${dir} is damaged: ${why}`);
    };
    if (!isValidBucketName(name)) fail('not a valid bucket name');
    const info = await readJson(join(dir, 'bucket.json'));
    if (typeof info?.created !== 'string') fail('bucket.json has no creation date');
    const state: BucketState = { name, created: info.created, dir, keys: [], objects: new Map(), pendingWrites: 0 };
    const blobs = new Set(await readdir(join(dir, 'blobs')));
    const referenced = new Set<string>();
    for (const file of await readdir(join(dir, 'objects'))) {
      const record = (await readJson(join(dir, 'objects', file))) as ObjectRecord | undefined;
      if (typeof record?.key !== 'string' || file !== recordFileName(record.key)) {
        fail(`objects/${file} is not the record of the key it names`);
      }
      if (!blobs.has(record.blob)) fail(`the bytes of ${JSON.stringify(record.key)} (blobs/${record.blob}) are missing`);
      referenced.add(record.blob);
      state.objects.set(record.key, record);
      state.keys.push(record.key);
    }
    state.keys.sort(compareUtf8);
    for (const blob of blobs) if (!referenced.has(blob)) await unlink(join(dir, 'blobs', blob));
    return state;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** Throws NoSuchBucket unless the bucket exists. */
  requireBucket(name: string): void {
    this.bucket(name);
  }

  /** Buckets by name, with their creation dates. */
  listBuckets(): { name: string; created: string }[] {
    return [...this.buckets.values()].map(({ name, created }) => ({ name, created })).sort((a, b) => compareUtf8(a.name, b.name));
  }

  /** Creates the bucket; false when it already existed. The name must be valid. */
  createBucket(name: string): Promise<boolean> {
    return this.locks.run(`bucket\0${name}`, async () => {
      if (this.buckets.has(name)) return false;
      const staging = join(this.tmpDir, randomUUID());
      await mkdir(join(staging, 'objects'), { recursive: true });
      await mkdir(join(staging, 'blobs'));
      const created = new Date().toISOString();
      await writeDurably(join(staging, 'bucket.json'), JSON.stringify({ name, created }));
      await syncDirectory(staging);
      const dir = join(this.bucketsDir, name);
      await rename(staging, dir);
      await syncDirectory(this.bucketsDir);
      this.buckets.set(name, { name, created, dir, keys: [], objects: new Map(), pendingWrites: 0 });
      return true;
    });
  }

  /** Deletes an empty bucket. */
  deleteBucket(name: string): Promise<void> {
    return this.locks.run(`bucket\0${name}`, async () => {
      const state = this.bucket(name);
      if (state.keys.length > 0 || state.pendingWrites > 0) {
        throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: name });
      }
      this.buckets.delete(name);
      const doomed = join(this.tmpDir, `deleted-${randomUUID()}`);
      await rename(state.dir, doomed);
      await syncDirectory(this.bucketsDir);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  /** A bucket's keys in UTF-8 byte order; do not modify. */
  keys(bucket: string): readonly string[] {
    return this.bucket(bucket).keys;
  }

  getObject(bucket: string, key: string): ObjectRecord | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  /** Opens an object's bytes together with the record they belong to. */
  async openObject(bucket: string, key: string): Promise<{ record: ObjectRecord; file: FileHandle }> {
    for (;;) {
      const state = this.bucket(bucket);
      const record = state.objects.get(key);
      if (!record) throw noSuchKey(key);
      try {
        return { record, file: await open(join(state.dir, 'blobs', record.blob), 'r') };
      } catch (error) {
        // Replaced or deleted between the lookup and the open: look again.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || state.objects.get(key) === record) throw error;
      }
    }
  }

  /**
   * Streams body through digest into a new blob and, once `describe` accepts it (it throws to
   * refuse, e.g. on a checksum mismatch), makes it the object's current version.
   */
  async writeObject(
    bucket: string,
    key: string,
    body: Readable,
    digest: BodyDigest,
    describe: () => ObjectFields,
    condition: WriteCondition = {},
  ): Promise<ObjectRecord> {
    const state = this.bucket(bucket);
    state.pendingWrites++;
    const blob = randomUUID();
    const staged = join(this.tmpDir, blob);
    const placed = join(state.dir, 'blobs', blob);
    let committed = false;
    try {
      await pipeline(body, digest, createWriteStream(staged, { flags: 'wx', flush: true }));
      const fields = describe();
      await rename(staged, placed);
      await syncDirectory(join(state.dir, 'blobs'));
      return await this.locks.run(`object\0${bucket}\0${key}`, async () => {
        const current = state.objects.get(key);
        checkCondition(condition, current, key);
        const record: ObjectRecord = {
          key,
          blob,
          size: digest.size,
          etag: digest.digest('MD5').toString('hex'),
          lastModified: new Date().toISOString(),
          ...fields,
        };
        await this.writeRecord(state, record);
        committed = true;
        state.objects.set(key, record);
        insertKey(state.keys, key);
        if (current) await unlink(join(state.dir, 'blobs', current.blob)).catch(ignoreMissing);
        return record;
      });
    } finally {
      state.pendingWrites--;
      if (!committed) {
        await rm(staged, { force: true });
        await rm(placed, { force: true });
      }
    }
  }

  /** Removes the object if it exists. */
  deleteObject(bucket: string, key: string): Promise<void> {
    const state = this.bucket(bucket);
    return this.locks.run(`object\0${bucket}\0${key}`, async () => {
      const current = state.objects.get(key);
      if (!current) return;
      await unlink(join(state.dir, 'objects', recordFileName(key)));
      await syncDirectory(join(state.dir, 'objects'));
      state.objects.delete(key);
      removeKey(state.keys, key);
      await unlink(join(state.dir, 'blobs', current.blob)).catch(ignoreMissing);
    });
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }

  private async writeRecord(state: BucketState, record: ObjectRecord): Promise<void> {
    const staged = join(this.tmpDir, `${record.blob}.json`);
    await writeDurably(staged, JSON.stringify(record));
    await rename(staged, join(state.dir, 'objects', recordFileName(record.key)));
    await syncDirectory(join(state.dir, 'objects'));
  }
}

function checkCondition(condition: WriteCondition, current: ObjectRecord | undefined, key: string): void {
  if (condition.ifNoneMatch !== undefined && current) throw preconditionFailed('If-None-Match');
  if (condition.ifMatch !== undefined) {
    if (!current) throw noSuchKey(key);
    if (!etagMatches(condition.ifMatch, current.etag)) throw preconditionFailed('If-Match');
  }
}

/** Whether an If-Match / If-None-Match list (`*`, or quoted or bare ETags) names this ETag. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === etag;
  });
}

function recordFileName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex')}.json`;
}

async function readJson(path: string): Promise<any> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`S3 state file ${path} is unreadable: ${(error as Error).message}`);
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
