import t from 'tap';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorCode, failure, rawRequest, startS3Server } from './s3-server.js';

t.test('operation() names requests as S3 does, for logs and fault rules', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const cases: [string, string, string][] = [
    ['GET', '/', 'ListBuckets'],
    ['PUT', '/b', 'CreateBucket'],
    ['PUT', '/b/', 'CreateBucket'],
    ['HEAD', '/b', 'HeadBucket'],
    ['DELETE', '/b', 'DeleteBucket'],
    ['GET', '/b?list-type=2&prefix=x', 'ListObjectsV2'],
    ['GET', '/b', 'ListObjects'],
    ['GET', '/b?location', 'GetBucketLocation'],
    ['POST', '/b/?delete=', 'DeleteObjects'],
    ['PUT', '/b/k/with/slashes?x-id=PutObject', 'PutObject'],
    ['GET', '/b/k', 'GetObject'],
    ['HEAD', '/b/k', 'HeadObject'],
    ['DELETE', '/b/k', 'DeleteObject'],
    ['POST', '/b/k?uploads', 'CreateMultipartUpload'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', 'UploadPart'],
    ['POST', '/b/k?uploadId=u', 'CompleteMultipartUpload'],
    ['PUT', '/b?tagging', 'PutBucketTagging'],
    ['GET', '/b/k?tagging', 'GetObjectTagging'],
    ['POST', '/b/k?select&select-type=2', 'SelectObjectContent'],
    ['PATCH', '/b/k', 'Unknown'],
    ['POST', '/b/k', 'Unknown'],
    ['GET', '/b/%E0%A4', 'Unknown'],
    // Dot segments are key text, never resolved: these are objects of bucket b.
    ['GET', '/b/..', 'GetObject'],
    ['PUT', '/b/../../c?x-id=PutObject', 'PutObject'],
    ['HEAD', '/b/%2e%2e/y', 'HeadObject'],
    ['DELETE', '/b/./x', 'DeleteObject'],
  ];
  for (const [method, path, name] of cases) t.equal(server.backend.operation(method, path), name, `${method} ${path}`);
});

t.test('what is outside the subset is refused by name, never half done', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));

  const refused = [
    ['CreateMultipartUpload', () => s3.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'big' }))],
    ['CopyObject', () => s3.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k' }))],
    ['PutBucketTagging', () => s3.send(new PutBucketTaggingCommand({ Bucket: 'data', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }))],
    ['x-amz-tagging', () => s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'tagged', Body: 'x', Tagging: 'a=b' }))],
    ['versionId', () => s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'v1' }))],
    ['x-amz-expected-bucket-owner', () => s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ExpectedBucketOwner: '123456789012' }))],
    ['x-amz-storage-class: GLACIER', () => s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'x', StorageClass: 'GLACIER' }))],
  ] as const;
  for (const [what, call] of refused) {
    const error = await failure(call());
    t.equal(error.name, 'NotImplemented', what);
    t.equal(error.$metadata.httpStatusCode, 501, what);
    t.match(error.message, what, `the message names ${what}`);
  }
  const listV1 = await rawRequest(server.endpoint, { method: 'GET', path: '/data' });
  t.equal(errorCode(listV1.body), 'NotImplemented');
  t.match(listV1.body, /ListObjects/);
  for (const [method, path] of [
    ['POST', '/data/k'],
    ['PATCH', '/data'],
    ['DELETE', '/'],
  ] as const) {
    const answer = await rawRequest(server.endpoint, { method, path });
    t.equal(answer.status, 405, `${method} ${path}`);
    t.equal(errorCode(answer.body), 'MethodNotAllowed');
  }
  const noBucket = await rawRequest(server.endpoint, { method: 'GET', path: '//k' });
  t.equal(errorCode(noBucket.body), 'InvalidURI', 'a key needs a bucket');
  const listed = await rawRequest(server.endpoint, { method: 'GET', path: '/data?list-type=2' });
  t.match(listed.body, /<Key>k<\/Key>/);
  t.notMatch(listed.body, /copy|tagged|cold|big/, 'no refused request stored anything');
});
