import t from 'tap';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { isValidBucketName } from '../../src/local/s3/names.js';
import { errorCode, failure, rawRequest, startS3Server } from './s3-server.js';

t.test('bucket names follow the S3 rules', async (t) => {
  for (const name of ['abc', 'my.bucket-1', 'a'.repeat(63), '1bucket', 'results']) t.ok(isValidBucketName(name), name);
  for (const name of ['ab', 'a'.repeat(64), 'Upper', 'under_score', '-start', 'end-', 'two..dots', '192.168.1.1', 'xn--abc', 'sthree-x', 'x-s3alias', 'a b', '.', '..']) {
    t.notOk(isValidBucketName(name), name);
  }
});

t.test('create, head, list, locate and delete buckets with SDK v3 in us-east-1', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const s3 = server.client();
  const created = await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
  t.equal(created.Location, '/photos');
  await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
  t.pass('creating a bucket you own again answers 200 in us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: 'archive.results', CreateBucketConfiguration: {} }));

  const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
  t.equal(head.BucketRegion, 'us-east-1');
  const listed = await s3.send(new ListBucketsCommand({}));
  t.same(listed.Buckets!.map((bucket) => bucket.Name), ['archive.results', 'photos']);
  t.ok(listed.Buckets![0]!.CreationDate instanceof Date);
  t.ok(listed.Owner?.ID);
  const paged = await s3.send(new ListBucketsCommand({ MaxBuckets: 1 }));
  t.same(paged.Buckets!.map((bucket) => bucket.Name), ['archive.results']);
  const rest = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: paged.ContinuationToken }));
  t.same(rest.Buckets!.map((bucket) => bucket.Name), ['photos']);
  t.equal(rest.ContinuationToken, undefined);
  t.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }))).LocationConstraint, undefined, 'us-east-1 is the empty constraint');

  await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'one', Body: 'x' }));
  const notEmpty = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })));
  t.equal(notEmpty.name, 'BucketNotEmpty');
  t.equal(notEmpty.$metadata.httpStatusCode, 409);
  await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'one' }));
  await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
  t.equal((await failure(s3.send(new HeadBucketCommand({ Bucket: 'photos' })))).$metadata.httpStatusCode, 404);
  t.equal((await failure(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })))).name, 'NoSuchBucket');
  t.equal((await failure(s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'k', Body: 'x' })))).name, 'NoSuchBucket');
  t.notOk(await server.backend.bucketExists('photos'));
  t.ok(await server.backend.bucketExists('archive.results'));

  const invalid = await rawRequest(server.endpoint, { method: 'PUT', path: '/Bad_Name' });
  t.equal(invalid.status, 400);
  t.equal(errorCode(invalid.body), 'InvalidBucketName');
  t.match(invalid.headers['content-type'], 'application/xml');
  t.match(invalid.body, /<Resource>\/Bad_Name<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId>/);
  t.equal(invalid.headers['x-amz-request-id'], /<RequestId>([^<]*)</.exec(invalid.body)![1]);
});

t.test('location constraints and re-creation follow S3 per region', async (t) => {
  const east = await startS3Server();
  t.teardown(() => east.close());
  const explicit = await failure(east.client().send(new CreateBucketCommand({ Bucket: 'east', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } })));
  t.equal(explicit.name, 'InvalidLocationConstraint');
  const elsewhere = await failure(east.client().send(new CreateBucketCommand({ Bucket: 'east', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
  t.equal(elsewhere.name, 'IllegalLocationConstraintException');
  const malformed = await rawRequest(east.endpoint, { method: 'PUT', path: '/east', body: '<CreateBucketConfiguration><LocationConstraint>' });
  t.equal(errorCode(malformed.body), 'MalformedXML');
  t.notOk(await east.backend.bucketExists('east'), 'no refused request created the bucket');

  const west = await startS3Server({ region: 'eu-west-1' });
  t.teardown(() => west.close());
  const s3 = west.client();
  // SDK v3 fills in the client's region as the constraint by itself, so only a raw request can leave it out.
  const unspecified = await rawRequest(west.endpoint, { method: 'PUT', path: '/west' });
  t.equal(errorCode(unspecified.body), 'IllegalLocationConstraintException');
  await s3.send(new CreateBucketCommand({ Bucket: 'west' }));
  const again = await failure(s3.send(new CreateBucketCommand({ Bucket: 'west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
  t.equal(again.name, 'BucketAlreadyOwnedByYou');
  t.equal(again.$metadata.httpStatusCode, 409);
  t.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'west' }))).LocationConstraint, 'eu-west-1');
});
