// Requests signed for S3 go to the S3 backend (src/local/s3), whatever their path; gl-local still
// checks their signatures and answers auth errors in S3's XML.

import t from 'tap';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { rawRequest, s3Client, withLocal } from '../helpers/local.js';

t.test('an S3-signed request reaches the S3 backend, though its path looks like Glacier', async (t) => {
  const server = await withLocal(t);
  const answer = await rawRequest(server, { method: 'GET', path: '/results/a/vaults/b.txt', service: 's3', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } });
  t.equal(server.requests[0].service, 's3', 'routed by the credential scope');
  t.equal(server.requests[0].operation, 'GetObject');
  t.equal(answer.status, 404);
  t.match(answer.body.toString(), /<Code>NoSuchBucket<\/Code>/, 'answered by S3, not by Glacier');
});

t.test('a large S3 PutObject with Expect: 100-continue delivers its whole body', async (t) => {
  const server = await withLocal(t);
  for (const requestChecksumCalculation of ['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const) {
    const s3 = s3Client(server, { maxAttempts: 1, requestChecksumCalculation });
    await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    body.write(requestChecksumCalculation, 12345);
    await s3.send(new PutObjectCommand({ Bucket: 'results', Key: 'big.bin', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'results', Key: 'big.bin' }));
    t.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), `all 3 MiB stored (${requestChecksumCalculation})`);
  }
  t.ok(server.requests.filter((r) => r.operation === 'PutObject').every((r) => r.service === 's3' && r.status === 200));
});

t.test('S3 authentication errors come in S3 XML', async (t) => {
  const server = await withLocal(t);
  const wrong = s3Client(server, { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, maxAttempts: 1 });
  await t.rejects(wrong.send(new PutObjectCommand({ Bucket: 'results', Key: 'big.bin', Body: Buffer.alloc(3 * 1024 * 1024, 7) })), {
    name: 'SignatureDoesNotMatch',
    $metadata: { httpStatusCode: 403 },
  });
  const unknown = s3Client(server, { credentials: { accessKeyId: 'nobody', secretAccessKey: 'test' }, maxAttempts: 1 });
  await t.rejects(unknown.send(new PutObjectCommand({ Bucket: 'results', Key: 'k', Body: 'x' })), { name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
  const anonymous = await rawRequest(server, { method: 'GET', path: '/results/k', unsigned: true });
  t.equal(anonymous.status, 403);
  t.equal(anonymous.headers['content-type'], 'application/xml');
  t.match(anonymous.body.toString(), /<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[^<]+<\/RequestId><\/Error>/);
  const noPayloadHash = await rawRequest(server, { method: 'GET', path: '/results/k', service: 's3' });
  t.equal(noPayloadHash.status, 400);
  t.match(noPayloadHash.body.toString(), /<Code>InvalidRequest<\/Code>/);
});
