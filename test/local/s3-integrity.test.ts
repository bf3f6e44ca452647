// What the SDK never sends: wrong digests, wrong lengths, broken framing, bodies cut off. Each must be
// refused as S3 refuses it and leave nothing behind.

import t from 'tap';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { awsChunked, errorCode, rawRequest, signS3, startS3Server, type S3TestServer } from './s3-server.js';

const body = Buffer.from('the quick brown fox jumps over the lazy dog');
const crc = (data: Buffer) => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data));
  return value.toString('base64');
};
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');
const WRONG_CRC = crc(Buffer.from('something else'));

function chunkedHeaders(decodedLength: number, extra: Record<string, string> = {}) {
  return {
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decodedLength),
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-trailer': 'x-amz-checksum-crc32',
    'x-amz-sdk-checksum-algorithm': 'CRC32',
    ...extra,
  };
}

async function setUp(t: { teardown(cleanUp: () => unknown): void }): Promise<S3TestServer> {
  const server = await startS3Server();
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'data' }));
  return server;
}

/** Files under the bucket's blobs/ and the data directory's tmp/. */
async function leftovers(server: S3TestServer): Promise<{ blobs: string[]; tmp: string[] }> {
  return {
    blobs: await readdir(join(server.dataDir, 'buckets', 'data', 'blobs')),
    tmp: await readdir(join(server.dataDir, 'tmp')),
  };
}

async function stored(server: S3TestServer, key: string): Promise<string | undefined> {
  const answer = await rawRequest(server.endpoint, { method: 'GET', path: `/data/${key}` });
  return answer.status === 200 ? answer.body : undefined;
}

t.test('refused uploads: the right S3 error, and no object, blob or temp file left', async (t) => {
  const server = await setUp(t);
  const framed = (trailer: string) => awsChunked([body.subarray(0, 10), body.subarray(10)], trailer);
  const cases: { name: string; headers: Record<string, string>; payload: Buffer; status: number; code: string }[] = [
    { name: 'CRC32 header mismatch', headers: { 'x-amz-checksum-crc32': WRONG_CRC }, payload: body, status: 400, code: 'BadDigest' },
    { name: 'CRC32 header not base64 of 4 bytes', headers: { 'x-amz-checksum-crc32': 'abc' }, payload: body, status: 400, code: 'InvalidRequest' },
    { name: 'SHA256 checksum mismatch', headers: { 'x-amz-checksum-sha256': createHash('sha256').update('x').digest('base64') }, payload: body, status: 400, code: 'BadDigest' },
    { name: 'two checksum headers', headers: { 'x-amz-checksum-crc32': crc(body), 'x-amz-checksum-sha1': createHash('sha1').update(body).digest('base64') }, payload: body, status: 400, code: 'InvalidRequest' },
    { name: 'announced algorithm without a checksum', headers: { 'x-amz-sdk-checksum-algorithm': 'CRC32' }, payload: body, status: 400, code: 'InvalidRequest' },
    { name: 'CRC32C cannot be verified here', headers: { 'x-amz-checksum-crc32c': 'AAAAAA==' }, payload: body, status: 501, code: 'NotImplemented' },
    { name: 'x-amz-content-sha256 mismatch', headers: { 'x-amz-content-sha256': sha256(Buffer.from('other')) }, payload: body, status: 400, code: 'XAmzContentSHA256Mismatch' },
    { name: 'x-amz-content-sha256 nonsense', headers: { 'x-amz-content-sha256': 'not-a-hash' }, payload: body, status: 400, code: 'InvalidArgument' },
    { name: 'Content-MD5 mismatch', headers: { 'content-md5': md5(Buffer.from('other')) }, payload: body, status: 400, code: 'BadDigest' },
    { name: 'Content-MD5 malformed', headers: { 'content-md5': 'bm9wZQ==' }, payload: body, status: 400, code: 'InvalidDigest' },
    { name: 'trailer CRC32 mismatch', headers: chunkedHeaders(body.length), payload: framed(`x-amz-checksum-crc32:${WRONG_CRC}\r\n`), status: 400, code: 'BadDigest' },
    { name: 'declared trailer missing', headers: chunkedHeaders(body.length), payload: framed(''), status: 400, code: 'MalformedTrailerError' },
    {
      name: 'trailer of another algorithm',
      headers: chunkedHeaders(body.length),
      payload: framed(`x-amz-checksum-crc32:${crc(body)}\r\nx-amz-checksum-sha256:${createHash('sha256').update(body).digest('base64')}\r\n`),
      status: 400,
      code: 'MalformedTrailerError',
    },
    { name: 'trailer on a plain body', headers: { 'x-amz-trailer': 'x-amz-checksum-crc32' }, payload: body, status: 400, code: 'MalformedTrailerError' },
    { name: 'decoded length larger than the body', headers: chunkedHeaders(body.length + 5), payload: framed(`x-amz-checksum-crc32:${crc(body)}\r\n`), status: 400, code: 'IncompleteBody' },
    { name: 'decoded length smaller than the body', headers: chunkedHeaders(body.length - 5), payload: framed(`x-amz-checksum-crc32:${crc(body)}\r\n`), status: 400, code: 'InvalidRequest' },
    { name: 'no decoded length', headers: { ...chunkedHeaders(0), 'x-amz-decoded-content-length': '' }, payload: framed(''), status: 400, code: 'InvalidArgument' },
    { name: 'truncated framing', headers: chunkedHeaders(body.length), payload: framed('').subarray(0, 20), status: 400, code: 'IncompleteBody' },
    { name: 'aws-chunked without a streaming payload hash', headers: { 'content-encoding': 'aws-chunked' }, payload: framed(''), status: 400, code: 'InvalidRequest' },
    { name: 'server-side encryption asked for', headers: { 'x-amz-server-side-encryption': 'AES256' }, payload: body, status: 501, code: 'NotImplemented' },
  ];
  for (const { name, headers, payload, status, code } of cases) {
    const key = `refused-${cases.findIndex((c) => c.name === name)}`;
    const answer = await rawRequest(server.endpoint, { method: 'PUT', path: `/data/${key}`, headers, body: payload });
    t.equal(answer.status, status, `${name}: status`);
    t.equal(errorCode(answer.body), code, `${name}: ${/<Message>([^<]*)/.exec(answer.body)?.[1]}`);
    t.equal(await stored(server, key), undefined, `${name}: nothing stored`);
  }
  t.same(await leftovers(server), { blobs: [], tmp: [] });

  const noLength = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/no-length', headers: { 'transfer-encoding': 'chunked' }, body });
  t.equal(noLength.status, 411);
  t.equal(errorCode(noLength.body), 'MissingContentLength');
});

t.test('accepted uploads: every digest that can be checked is checked and passes', async (t) => {
  const server = await setUp(t);
  const withAll = await rawRequest(server.endpoint, {
    method: 'PUT',
    path: '/data/plain',
    headers: { 'x-amz-checksum-crc32': crc(body), 'x-amz-content-sha256': sha256(body), 'content-md5': md5(body) },
    body,
  });
  t.equal(withAll.status, 200);
  t.equal(withAll.headers['x-amz-checksum-crc32'], crc(body));
  t.equal(withAll.headers.etag, `"${createHash('md5').update(body).digest('hex')}"`);

  const sha1 = createHash('sha1').update(body).digest('base64');
  const withSha1 = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/sha1', headers: { 'x-amz-checksum-sha1': sha1 }, body });
  t.equal(withSha1.headers['x-amz-checksum-sha1'], sha1);
  const sha1Read = await server.client().send(new GetObjectCommand({ Bucket: 'data', Key: 'sha1', ChecksumMode: 'ENABLED' }));
  t.equal(sha1Read.ChecksumSHA1, sha1, 'GetObject reports the algorithm the upload used');
  await sha1Read.Body!.transformToString();

  const trailed = await rawRequest(server.endpoint, {
    method: 'PUT',
    path: '/data/trailed',
    headers: { ...chunkedHeaders(body.length), 'content-encoding': 'aws-chunked,gzip' },
    body: awsChunked([body.subarray(0, 1), body.subarray(1)], `x-amz-checksum-crc32:${crc(body)}\r\n`),
  });
  t.equal(trailed.status, 200);
  t.equal(trailed.headers['x-amz-checksum-crc32'], crc(body));
  const trailedHead = await rawRequest(server.endpoint, { method: 'HEAD', path: '/data/trailed' });
  t.equal(trailedHead.headers['content-encoding'], 'gzip', 'aws-chunked is not stored as a content encoding');

  const data = randomBytes(20000);
  const signature = ';chunk-signature=' + '0'.repeat(64);
  const signed = await rawRequest(server.endpoint, {
    method: 'PUT',
    path: '/data/signed',
    headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
    body: awsChunked([data.subarray(0, 8192), data.subarray(8192, 16384), data.subarray(16384)], '', () => signature),
  });
  t.equal(signed.status, 200, 'signed chunk framing is decoded (signatures not verified)');
  const read = await server.client().send(new GetObjectCommand({ Bucket: 'data', Key: 'signed' }));
  t.ok(Buffer.from(await read.Body!.transformToByteArray()).equals(data));
});

t.test('a failed overwrite keeps the old object', async (t) => {
  const server = await setUp(t);
  await rawRequest(server.endpoint, { method: 'PUT', path: '/data/kept', body: 'version one' });
  const bad = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/kept', headers: { 'x-amz-checksum-crc32': WRONG_CRC }, body: 'version two' });
  t.equal(errorCode(bad.body), 'BadDigest');
  t.equal(await stored(server, 'kept'), 'version one');
  t.equal((await leftovers(server)).blobs.length, 1);
});

t.test('an error found mid-body is still answered to a client that keeps sending', async (t) => {
  const server = await setUp(t);
  const garbage = Buffer.concat([Buffer.from('zz\r\n'), randomBytes(3 * 1024 * 1024)]);
  const answer = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/garbage', headers: chunkedHeaders(garbage.length), body: garbage });
  t.equal(answer.status, 400);
  t.equal(errorCode(answer.body), 'InvalidRequest');
  const big = randomBytes(3 * 1024 * 1024);
  const mismatch = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/big', headers: { 'x-amz-content-sha256': sha256(Buffer.from('x')) }, body: big });
  t.equal(errorCode(mismatch.body), 'XAmzContentSHA256Mismatch');
  t.same(await leftovers(server), { blobs: [], tmp: [] });
});

t.test('a client that disconnects mid-body leaves nothing behind', async (t) => {
  const server = await setUp(t);
  const { port } = new URL(server.endpoint);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const headers = await signS3(server.endpoint, { method: 'PUT', path: '/data/cut', headers: { 'content-length': 1000000 } });
  socket.write(`PUT /data/cut HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`);
  socket.write(randomBytes(300000));
  await sleep(200);
  socket.destroy();
  for (let i = 0; i < 50 && (await leftovers(server)).tmp.length > 0; i++) await sleep(20);
  t.same(await leftovers(server), { blobs: [], tmp: [] });
  t.equal(await stored(server, 'cut'), undefined);
  await rawRequest(server.endpoint, { method: 'PUT', path: '/data/after', body: 'still serving' });
  t.equal(await stored(server, 'after'), 'still serving');
});

t.test('concurrent writes to one key: one of them wins whole, no blob is left over', async (t) => {
  const server = await setUp(t);
  const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i} `.repeat(5000));
  await Promise.all(bodies.map((text) => rawRequest(server.endpoint, { method: 'PUT', path: '/data/contended', body: text })));
  t.ok(bodies.includes((await stored(server, 'contended'))!));
  t.same(await leftovers(server), { blobs: (await leftovers(server)).blobs, tmp: [] });
  t.equal((await leftovers(server)).blobs.length, 1);
});
