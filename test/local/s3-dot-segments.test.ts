// S3 keys with dot segments through the real gl-local: S3 resolves nothing in a path, so `a/../b`
// is its own key, and both the signature check (canonical URI = the raw path) and the operation
// names (request log, fault rules) must see the path as sent, not as WHATWG URL parsing collapses it.

import t from 'tap';
import { request } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocal } from '../../src/local/index.js';
import { parseAuthorization, verifySignature, type Authorization } from '../../src/local/sigv4.js';
import { s3Client, signedHeaders } from '../helpers/local.js';
import { errorCode, failure, rawRequest, signS3, startS3Server } from './s3-server.js';

const DOT_KEYS = ['a/../b', './x', '%2e%2e/y', '..', '.', '../../etc/passwd', 'c/./d/../e', 'b'];

t.test('keys with dot segments round-trip through gl-local with SDK v3, each its own object', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const s3 = server.client({ maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  for (const Key of DOT_KEYS) await s3.send(new PutObjectCommand({ Bucket: 'data', Key, Body: `body of ${Key}` }));
  for (const Key of DOT_KEYS) {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'data', Key }));
    t.equal(await got.Body!.transformToString(), `body of ${Key}`, `${Key}: signature accepted, its own bytes`);
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'data' }));
  t.same(listed.Contents!.map((object) => object.Key).sort(), [...DOT_KEYS].sort(), 'no key was resolved into another');

  // SDK v3 names the operation itself in `?x-id=`: the log must agree for every key.
  const logged = server.local.requests.filter((record) => record.path.includes('?x-id='));
  t.equal(logged.length, DOT_KEYS.length * 2);
  t.same(
    logged.filter((record) => record.operation !== /\?x-id=(\w+)/.exec(record.path)![1]).map((record) => `${record.operation} ${record.path}`),
    [],
    'the request log names every dot-segment request by its real operation',
  );
  t.ok(logged.every((record) => record.status === 200 && record.error === null));
});

t.test('raw paths: %2e%2e and ./ are key text, and the signature covers the path as sent', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'data' }));
  const put = await rawRequest(server.endpoint, { method: 'PUT', path: '/data/%2e%2e/y', body: 'dotdot' });
  t.equal(put.status, 200, 'a PUT to /data/%2e%2e/y is signed and stored');
  const sdk = server.client();
  t.equal(await (await sdk.send(new GetObjectCommand({ Bucket: 'data', Key: '../y' }))).Body!.transformToString(), 'dotdot', '%2e%2e decodes to the key ../y');
  const head = await rawRequest(server.endpoint, { method: 'HEAD', path: '/data/./x/../y' });
  t.equal(head.status, 404, 'the key ./x/../y does not exist; nothing resolved it to data/y');
  t.equal(server.local.requests.at(-1)!.operation, 'HeadObject');

  // A client that signs the collapsed path but sends the raw one is refused: S3 signs what is sent.
  const collapsed = await signS3(server.endpoint, { method: 'GET', path: '/y' });
  const { hostname, port } = new URL(server.endpoint);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ hostname, port, method: 'GET', path: '/data/../y', headers: collapsed, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(answer.status, 403);
  t.equal(errorCode(answer.body), 'SignatureDoesNotMatch');
});

t.test('fault rules name dot-segment requests by their operation', async (t) => {
  const local = await startLocal({ faults: 'GetObject:500x1' });
  t.teardown(() => local.close());
  const s3 = s3Client(local, { maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: '..', Body: 'x' }));
  const failed = await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: '..' })));
  t.equal(failed.$metadata.httpStatusCode, 500, 'GET /data/.. is a GetObject, so the GetObject fault hit it');
  t.equal(local.requests.at(-1)!.fault, '500');
  const again = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: '..' }));
  t.equal(again.ContentLength, 1);
});

t.test('verifySignature: S3 canonical URI is the raw path, Glacier resolves dot segments', async (t) => {
  const now = new Date();
  const sign = (service: string, path: string) =>
    signedHeaders('http://127.0.0.1:1', { method: 'GET', path, service, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const secrets = () => 'test';
  const s3Headers = await sign('s3', '/data/a/../b');
  const s3Auth = parseAuthorization(s3Headers) as Authorization;
  const asSent = { method: 'GET', rawPath: '/data/a/../b', rawQuery: '', headers: s3Headers, service: 's3' };
  t.equal(await verifySignature(asSent, s3Auth, secrets, undefined, now), undefined, 'S3: the raw path verifies');
  t.match(await verifySignature({ ...asSent, rawPath: '/data/b' }, s3Auth, secrets, undefined, now), { reason: 'mismatch' }, 'S3: /data/b is another request');

  const glacierHeaders = await sign('glacier', '/-/vaults/v');
  const glacierAuth = parseAuthorization(glacierHeaders) as Authorization;
  const dotted = { method: 'GET', rawPath: '/-/vaults/x/../v', rawQuery: '', headers: glacierHeaders, service: 'glacier' };
  t.equal(await verifySignature(dotted, glacierAuth, secrets, undefined, now), undefined, 'Glacier: /-/vaults/x/../v signs as /-/vaults/v');
});
