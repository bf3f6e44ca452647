// Reading result objects in order with concurrent ranged GETs, against gl-local's S3 over HTTP.

import t from 'tap';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LocalOptions } from '../../src/local/index.js';
import { objectChunks } from '../../src/fetch/object-chunks.js';
import type { S3ObjectRef } from '../../src/fetch/s3-requests.js';
import { seededBytes } from '../helpers/data.js';
import { s3Client, withLocal, type TestLike } from '../helpers/local.js';

const KiB = 1024;
const SIZES = [0, 1, 64 * KiB, 64 * KiB + 1, 300 * KiB, 5];

async function setup(t: TestLike, options: LocalOptions = {}) {
  const server = await withLocal(t, options);
  const s3 = s3Client(server, { maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
  const objects: S3ObjectRef[] = [];
  const bodies: Buffer[] = [];
  for (const [i, size] of SIZES.entries()) {
    const key = `job/results/part-${i}.csv`;
    const body = seededBytes(size, i + 1);
    await s3.send(new PutObjectCommand({ Bucket: 'results', Key: key, Body: body }));
    objects.push({ bucket: 'results', key });
    bodies.push(body);
  }
  return { server, s3, objects, expected: Buffer.concat(bodies) };
}

/** Copies each chunk as it comes: objectChunks reuses its buffers. */
async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

t.test('objects come out whole and in order: small ones in one GET, large ones in ranges', async (t) => {
  const { server, s3, objects, expected } = await setup(t);
  const got = await collect(objectChunks(s3, objects, { chunkSize: 64 * KiB, concurrency: 3 }));
  t.ok(got.equals(expected), `${got.length} bytes, in manifest order`);
  const gets = server.requests.filter((r) => r.operation === 'GetObject');
  const ranges = (i: number) => gets.filter((r) => r.path.includes(`part-${i}.csv`)).map((r) => r.range);
  t.same(ranges(0), [], 'an empty object needs no GET');
  t.same(ranges(2), [null], 'an object of exactly one chunk: one whole GET');
  t.same(ranges(3), ['bytes=0-65535', 'bytes=65536-65536']);
  t.equal(ranges(4).length, 5, '300 KiB in five 64 KiB ranges');
  t.equal(server.requests.filter((r) => r.operation === 'HeadObject').length, SIZES.length, 'one HEAD per object');
});

t.test('failed GETs are retried for the same range: nothing lost, nothing twice', async (t) => {
  const { server, s3, objects, expected } = await setup(t, { faults: 'GetObject:reset@0.3x6,GetObject:500@0.3x6,GetObject:throttle@0.3x3,HeadObject:500@0.3x3', faultSeed: 3 });
  const retries: string[] = [];
  const got = await collect(objectChunks(s3, objects, { chunkSize: 64 * KiB, concurrency: 4, onRetry: (what) => retries.push(what) }));
  t.ok(got.equals(expected), 'exactly the bytes of the objects');
  const faults = server.requests.filter((r) => r.fault !== null);
  t.ok(faults.length >= 6, `${faults.length} faults injected`);
  t.equal(retries.length, faults.length, 'each one retried');
});

t.test('a damaged one-GET object is fetched again; a damaged range fails its object before its last range', async (t) => {
  const whole = await setup(t, { faults: 'GetObject:corrupt@0.5x4', faultSeed: 5 });
  const retries: string[] = [];
  const got = await collect(objectChunks(whole.s3, whole.objects, { chunkSize: 1024 * KiB, onRetry: (what) => retries.push(what) }));
  t.ok(got.equals(whole.expected), 'exact after retries');
  t.equal(retries.length, whole.server.requests.filter((r) => r.fault === 'corrupt').length, 'every damaged body was caught and fetched again');
  t.ok(retries.length > 0);

  const ranged = await setup(t, { faults: 'GetObject:corruptx1' });
  const handedOut: Buffer[] = [];
  const chunks = objectChunks(ranged.s3, [ranged.objects[4]], { chunkSize: 64 * KiB, concurrency: 1 });
  await t.rejects(
    (async () => {
      for await (const chunk of chunks) handedOut.push(chunk);
    })(),
    { name: 'DamagedObjectError', message: /job\/results\/part-4.csv: the bytes read do not match the object's CRC32/ },
  );
  t.equal(handedOut.length, 4, 'the last of the five ranges is held back');
});

t.test('an object replaced while it is read is an error, never a mix of two versions', async (t) => {
  const { s3, objects } = await setup(t);
  const chunks = objectChunks(s3, [objects[4]], { chunkSize: 64 * KiB, concurrency: 1 });
  await chunks.next();
  await s3.send(new PutObjectCommand({ Bucket: 'results', Key: objects[4].key, Body: seededBytes(300 * KiB, 99) }));
  await t.rejects(collect(chunks), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
});

t.test('a consumer that stops taking stops the GETs: at most `concurrency` wait', async (t) => {
  const { server, s3 } = await setup(t);
  const big = Array.from({ length: 4 }, () => ({ bucket: 'results', key: 'job/results/part-4.csv' }));
  const chunks = objectChunks(s3 as S3Client, big, { chunkSize: 16 * KiB, concurrency: 2 });
  await chunks.next();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const gets = server.requests.filter((r) => r.operation === 'GetObject').length;
  t.ok(gets <= 3, `${gets} GETs made for a consumer that took one chunk of 76`);
  await chunks.return(undefined);
});
