import t from 'tap';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startLocal } from '../../src/local/index.js';
import { spawnLocal } from '../helpers/local.js';
import { errorCode, rawRequest, signS3, startS3Server } from './s3-server.js';

async function scratch(t: { teardown(cleanUp: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gl-s3-restart-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a restart on the same directory sees the same buckets, objects and metadata', async (t) => {
  const dataDir = await scratch(t);
  const before = await startS3Server({ dataDir });
  const s3 = before.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'empty-one' }));
  const data = randomBytes(300_000);
  await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'dir/data.bin', Body: data, ContentType: 'application/x-test', Metadata: { n: '1' } }));
  await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'dir/streamed', Body: Readable.from([Buffer.from('stre'), Buffer.from('amed')]), ContentLength: 8 }));
  await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'gone', Body: 'x' }));
  await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'gone', Body: 'replaced' }));
  const headBefore = await s3.send(new HeadObjectCommand({ Bucket: 'kept', Key: 'dir/data.bin' }));
  await before.close();

  const after = await startS3Server({ dataDir });
  t.teardown(() => after.close());
  const again = after.client();
  t.same((await again.send(new ListBucketsCommand({}))).Buckets!.map((bucket) => bucket.Name), ['empty-one', 'kept']);
  t.same((await again.send(new ListObjectsV2Command({ Bucket: 'kept' }))).Contents!.map((object) => object.Key), ['dir/data.bin', 'dir/streamed', 'gone']);
  const read = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: 'dir/data.bin', ChecksumMode: 'ENABLED' }));
  t.ok(Buffer.from(await read.Body!.transformToByteArray()).equals(data));
  t.equal(read.ETag, headBefore.ETag);
  t.equal(read.LastModified?.getTime(), headBefore.LastModified?.getTime());
  t.equal(read.ContentType, 'application/x-test');
  t.same(read.Metadata, { n: '1' });
  t.equal(await (await again.send(new GetObjectCommand({ Bucket: 'kept', Key: 'gone' }))).Body!.transformToString(), 'replaced');
  t.equal((await readdir(join(after.dataDir, 'buckets', 'kept', 'blobs'))).length, 3, 'the replaced version left no blob');
});

t.test('opening sweeps what interrupted writes left, and refuses damaged state clearly', async (t) => {
  const dataDir = await scratch(t);
  const created = await startS3Server({ dataDir });
  await created.client().send(new CreateBucketCommand({ Bucket: 'bkt' }));
  await created.backend.putObject('bkt', 'real', Buffer.from('real bytes'));
  await created.close();
  const s3Dir = created.dataDir;
  await writeFile(join(s3Dir, 'tmp', 'half-an-upload'), 'partial');
  await writeFile(join(s3Dir, 'buckets', 'bkt', 'blobs', 'orphan-from-a-crash'), 'never committed');

  const reopened = await startS3Server({ dataDir });
  t.same(await readdir(join(s3Dir, 'tmp')), []);
  t.equal((await readdir(join(s3Dir, 'buckets', 'bkt', 'blobs'))).length, 1, 'the orphan blob is gone, the real one kept');
  t.equal(await (await reopened.client().send(new GetObjectCommand({ Bucket: 'bkt', Key: 'real' }))).Body!.transformToString(), 'real bytes');
  await reopened.close();

  const [record] = await readdir(join(s3Dir, 'buckets', 'bkt', 'objects'));
  await writeFile(join(s3Dir, 'buckets', 'bkt', 'objects', record!), '{"key": "real", "blob": "tr');
  await t.rejects(startLocal({ dataDir }), { message: new RegExp(`${record}.*unreadable`) }, 'gl-local does not start on damaged S3 state');
  await writeFile(join(s3Dir, 'buckets', 'bkt', 'objects', record!), JSON.stringify({ key: 'real', blob: 'no-such-blob' }));
  await t.rejects(startLocal({ dataDir }), { message: /bytes of "real" \(blobs\/no-such-blob\) are missing/ });
});

t.test('kill -9 in the middle of an upload: nothing half-written is visible after the restart', async (t) => {
  const dataDir = await scratch(t);
  const { url: endpoint, child, exited } = await spawnLocal(t, ['--data-dir', dataDir]);
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  t.teardown(() => client.destroy());
  await client.send(new CreateBucketCommand({ Bucket: 'crash' }));
  await client.send(new PutObjectCommand({ Bucket: 'crash', Key: 'acknowledged', Body: 'safe' }));

  const headers = await signS3(endpoint, { method: 'PUT', path: '/crash/interrupted', headers: { 'content-length': 4 * 1024 * 1024 } });
  const upload = http.request(`${endpoint}/crash/interrupted`, { method: 'PUT', headers });
  upload.on('error', () => undefined);
  upload.write(randomBytes(2 * 1024 * 1024));
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGKILL');
  await exited;
  upload.destroy();
  t.not((await readdir(join(dataDir, 's3', 'tmp'))).length, 0, 'the killed gl-local left its partial upload in tmp/');

  const restarted = await startS3Server({ dataDir });
  t.teardown(() => restarted.close());
  const listed = await restarted.client().send(new ListObjectsV2Command({ Bucket: 'crash' }));
  t.same(listed.Contents!.map((object) => object.Key), ['acknowledged']);
  t.equal(await (await restarted.client().send(new GetObjectCommand({ Bucket: 'crash', Key: 'acknowledged' }))).Body!.transformToString(), 'safe');
  t.same(await readdir(join(restarted.dataDir, 'tmp')), []);
  t.equal((await readdir(join(restarted.dataDir, 'buckets', 'crash', 'blobs'))).length, 1);
});

t.test('bytes removed behind its back: 500 InternalError naming the cause, reported to the server', async (t) => {
  const dataDir = await scratch(t);
  const reported: unknown[] = [];
  const server = await startS3Server({ dataDir, onInternalError: (error) => reported.push(error) });
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'bkt' }));
  await server.backend.putObject('bkt', 'doomed', Buffer.from('x'));
  const [blob] = await readdir(join(server.dataDir, 'buckets', 'bkt', 'blobs'));
  await rm(join(server.dataDir, 'buckets', 'bkt', 'blobs', blob!));
  const answer = await rawRequest(server.endpoint, { method: 'GET', path: '/bkt/doomed' });
  t.equal(answer.status, 500);
  t.equal(errorCode(answer.body), 'InternalError');
  t.match(answer.body, /ENOENT/);
  t.equal(reported.length, 1);
  t.match(reported[0], { code: 'ENOENT' });
});
