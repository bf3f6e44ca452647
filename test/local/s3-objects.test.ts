import t from 'tap';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { errorCode, failure, rawRequest, startS3Server, type S3TestServer } from './s3-server.js';

async function read(s3: S3Client, Key: string, Range?: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: 'data', Key, Range }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const crc32Base64 = (data: Buffer) => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data));
  return value.toString('base64');
};

async function setUp(t: { teardown(cleanUp: () => unknown): void }): Promise<S3TestServer> {
  const server = await startS3Server();
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'data' }));
  return server;
}

for (const checksums of ['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const) {
  t.test(`PutObject and GetObject round trips, requestChecksumCalculation ${checksums}`, async (t) => {
    const server = await setUp(t);
    const s3 = server.client({ requestChecksumCalculation: checksums, responseChecksumValidation: checksums });
    const small = randomBytes(1000);
    const big = randomBytes(2.5 * 1024 * 1024);
    const streamed = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(server.dataDir, '..', `upload-${checksums}.bin`);
    await writeFile(file, small);
    t.teardown(() => writeFile(file, ''));

    const bufferPut = await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'buffer', Body: small }));
    t.equal(bufferPut.ETag, `"${md5(small)}"`);
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'string', Body: 'héllo wörld' }));
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'big', Body: big }));
    const chunks = Array.from({ length: 7 }, (_, i) => streamed.subarray(i * 500_000, (i + 1) * 500_000));
    const streamPut = await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'stream', Body: Readable.from(chunks), ContentLength: streamed.length }));
    t.equal(streamPut.ETag, `"${md5(streamed)}"`);
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'file', Body: createReadStream(file) }));
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'empty', Body: Buffer.alloc(0) }));

    t.ok((await read(s3, 'buffer')).equals(small));
    t.equal((await read(s3, 'string')).toString('utf8'), 'héllo wörld');
    t.ok((await read(s3, 'big')).equals(big));
    t.ok((await read(s3, 'stream')).equals(streamed));
    t.ok((await read(s3, 'file')).equals(small));
    t.equal((await read(s3, 'empty')).length, 0);

    const puts = server.requests.filter((request) => request.method === 'PUT' && request.url.startsWith('/data/'));
    const sent = (key: string) => puts.find((request) => request.url.startsWith(`/data/${key}?`))!.headers;
    t.equal(sent('big').expect, '100-continue', 'the 2.5 MiB body waited for 100 Continue');
    if (checksums === 'WHEN_SUPPORTED') {
      t.equal(sent('buffer')['x-amz-checksum-crc32'], crc32Base64(small));
      t.equal(bufferPut.ChecksumCRC32, crc32Base64(small), 'the checksum comes back');
      t.equal(sent('stream')['content-encoding'], 'aws-chunked');
      t.equal(sent('stream')['x-amz-trailer'], 'x-amz-checksum-crc32');
      t.equal(sent('stream')['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      t.equal(streamPut.ChecksumCRC32, crc32Base64(streamed));
    } else {
      t.equal(sent('buffer')['x-amz-checksum-crc32'], undefined);
      t.equal(sent('stream')['content-encoding'], undefined);
      t.equal(bufferPut.ChecksumCRC32, undefined);
    }
    const checked = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'stream', ChecksumMode: 'ENABLED' }));
    t.equal(checked.ChecksumCRC32, crc32Base64(streamed), 'GetObject reports the CRC32 (and the SDK validates it)');
    await checked.Body!.transformToByteArray();
  });
}

t.test('metadata, content type and representation headers survive the round trip', async (t) => {
  const server = await setUp(t);
  const s3 = server.client();
  await s3.send(
    new PutObjectCommand({
      Bucket: 'data',
      Key: 'report.csv',
      Body: 'a,b\n',
      ContentType: 'text/csv',
      CacheControl: 'no-cache',
      ContentDisposition: 'attachment; filename="r.csv"',
      ContentEncoding: 'identity',
      ContentLanguage: 'en',
      Metadata: { 'job-id': 'J1', origin: 'gl-select' },
    }),
  );
  for (const answer of [
    await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'report.csv' })),
    await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'report.csv' })),
  ]) {
    t.equal(answer.ContentType, 'text/csv');
    t.equal(answer.ContentLength, 4);
    t.equal(answer.ETag, `"${md5('a,b\n')}"`);
    t.equal(answer.CacheControl, 'no-cache');
    t.equal(answer.ContentDisposition, 'attachment; filename="r.csv"');
    t.equal(answer.ContentEncoding, 'identity');
    t.equal(answer.ContentLanguage, 'en');
    t.equal(answer.AcceptRanges, 'bytes');
    t.same(answer.Metadata, { 'job-id': 'J1', origin: 'gl-select' });
    t.ok(answer.LastModified instanceof Date && Math.abs(answer.LastModified.getTime() - Date.now()) < 60_000);
  }
  const overridden = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'report.csv', ResponseContentType: 'text/plain' }));
  t.equal(overridden.ContentType, 'text/plain');
  await overridden.Body!.transformToString();

  const raw = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/untyped', body: 'x' });
  t.equal(raw.status, 200);
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'untyped' }))).ContentType, 'binary/octet-stream', "S3's default type");
  const tooMuch = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/meta', headers: { 'x-amz-meta-big': 'x'.repeat(2100) }, body: 'x' });
  t.equal(errorCode(tooMuch.body), 'MetadataTooLarge');
});

t.test('ranges: a-b, a-, -n, clamped, unsatisfiable, ignored', async (t) => {
  const server = await setUp(t);
  const s3 = server.client();
  const data = Buffer.from('0123456789');
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'digits', Body: data }));
  const cases: [string, string, string][] = [
    ['bytes=2-5', '2345', 'bytes 2-5/10'],
    ['bytes=7-', '789', 'bytes 7-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=8-100', '89', 'bytes 8-9/10'],
    ['bytes=-50', '0123456789', 'bytes 0-9/10'],
    ['bytes=0-0', '0', 'bytes 0-0/10'],
  ];
  for (const [Range, body, contentRange] of cases) {
    const answer = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range }));
    t.equal(answer.$metadata.httpStatusCode, 206, Range);
    t.equal(answer.ContentRange, contentRange, Range);
    t.equal(answer.ContentLength, body.length, Range);
    t.equal(await answer.Body!.transformToString(), body, Range);
  }
  for (const Range of ['bytes=10-', 'bytes=10-20', 'bytes=-0']) {
    const refused = await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range })));
    t.equal(refused.name, 'InvalidRange', Range);
    t.equal(refused.$metadata.httpStatusCode, 416, Range);
  }
  const raw = await rawRequest(server.endpoint, { method: 'GET', path: '/data/digits', headers: { range: 'bytes=20-' } });
  t.match(raw.body, /<RangeRequested>bytes=20-<\/RangeRequested><ActualObjectSize>10<\/ActualObjectSize>/);
  for (const range of ['bytes=5-2', 'bytes=0-1,4-5', 'items=0-1']) {
    const whole = await rawRequest(server.endpoint, { method: 'GET', path: '/data/digits', headers: { range } });
    t.equal(whole.status, 200, `${range} is ignored`);
    t.equal(whole.body, '0123456789');
  }
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=1-2' }));
  t.equal(head.ContentLength, 2);
  t.equal(head.ContentRange, 'bytes 1-2/10');
});

t.test('conditional reads and writes', async (t) => {
  const server = await setUp(t);
  const s3 = server.client();
  const put = await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: 'v1' }));
  const etag = put.ETag!;
  t.equal((await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', IfMatch: etag }))).$metadata.httpStatusCode, 200);
  t.equal((await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', IfMatch: '"0000"' })))).$metadata.httpStatusCode, 412);
  t.equal((await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', IfNoneMatch: etag })))).$metadata.httpStatusCode, 304);
  const future = new Date(Date.now() + 3600_000);
  t.equal((await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', IfModifiedSince: future })))).$metadata.httpStatusCode, 304);
  const past = new Date(Date.now() - 3600_000);
  t.equal((await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', IfUnmodifiedSince: past })))).$metadata.httpStatusCode, 412);

  const exists = await failure(s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: 'v2', IfNoneMatch: '*' })));
  t.equal(exists.name, 'PreconditionFailed');
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'fresh', Body: 'new', IfNoneMatch: '*' }));
  t.equal((await failure(s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: 'v2', IfMatch: '"0000"' })))).name, 'PreconditionFailed');
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: 'v2', IfMatch: etag }));
  t.equal((await read(s3, 'c')).toString(), 'v2');
});

t.test('keys: slashes, dot segments, spaces, percent signs, non-ASCII, 1,024 bytes', async (t) => {
  const server = await setUp(t);
  const s3 = server.client();
  const keys = ['a/../b', '../../etc/passwd', './x', 'dir/', 'with space', '100%', 'plus+sign', 'ünïcødé/😀', 'q?x=1#frag', 'é'.repeat(512), '/leading'];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'data', Key, Body: `body of ${Key}` }));
  for (const Key of keys) t.equal((await read(s3, Key)).toString(), `body of ${Key}`, Key);
  t.equal((await read(s3, 'a/../b')).toString(), 'body of a/../b', 'a/../b is not b');
  const tooLong = await failure(s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'x'.repeat(1025), Body: 'x' })));
  t.equal(tooLong.name, 'KeyTooLongError');
  const badEscape = await rawRequest(server.endpoint, { method: 'GET', path: '/data/%E0%A4' });
  t.equal(errorCode(badEscape.body), 'InvalidURI');

  const missing = await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'nope' })));
  t.equal(missing.name, 'NoSuchKey');
  t.equal(missing.$metadata.httpStatusCode, 404);
  const head = await rawRequest(server.endpoint, { method: 'HEAD', path: '/data/nope' });
  t.equal(head.status, 404);
  t.equal(head.body, '', 'HEAD errors have no body');
  t.ok(head.headers['x-amz-request-id']);
  const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'nope' }));
  t.equal(deleted.$metadata.httpStatusCode, 204, 'deleting what is absent is fine');
  await s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'a/../b' }));
  t.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'a/../b' })))).$metadata.httpStatusCode, 404);
  t.equal((await read(s3, '../../etc/passwd')).toString(), 'body of ../../etc/passwd');
});

t.test('putObject and bucketExists for select jobs share the same storage', async (t) => {
  const server = await setUp(t);
  const s3 = server.client();
  await server.backend.putObject('data', 'out/J1/job.txt', Buffer.from('{"JobId":"J1"}'), 'application/json');
  await server.backend.putObject('data', 'out/J1/results/part-0.csv', Readable.from(['a,1\n', 'b,2\n']));
  const job = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'out/J1/job.txt', ChecksumMode: 'ENABLED' }));
  t.equal(job.ContentType, 'application/json');
  t.equal(await job.Body!.transformToString(), '{"JobId":"J1"}');
  t.equal((await read(s3, 'out/J1/results/part-0.csv')).toString(), 'a,1\nb,2\n');
  t.equal(await server.backend.bucketExists('data'), true);
  t.equal(await server.backend.bucketExists('nope'), false);
  t.equal(await server.backend.bucketExists('Not Valid'), false);
  await t.rejects(server.backend.putObject('nope', 'k', Buffer.from('x')), { code: 'NoSuchBucket' });
  await t.rejects(server.backend.putObject('data', '', Buffer.from('x')), { code: 'InvalidArgument' });
  await t.rejects(server.backend.putObject('data', 'k'.repeat(1025), Buffer.from('x')), { code: 'KeyTooLongError' });
});
