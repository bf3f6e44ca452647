import t from 'tap';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { errorCode, failure, rawRequest, startS3Server } from './s3-server.js';

t.test('DeleteObjects with SDK v3: per-key results, quiet mode, absent keys, odd keys', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  const keys = ['a', 'b & c <d>', 'line\r\nbreak', 'x/../y', 'keep'];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'data', Key, Body: Key }));

  const loud = await s3.send(
    new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'a' }, { Key: 'b & c <d>' }, { Key: 'never-there' }, { Key: 'z', VersionId: 'v1' }] } }),
  );
  t.same(loud.Deleted!.map((deleted) => deleted.Key).sort(), ['a', 'b & c <d>', 'never-there']);
  t.same(loud.Errors!.map(({ Key, Code }) => ({ Key, Code })), [{ Key: 'z', Code: 'NotImplemented' }], 'a version id cannot be honoured');

  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'line\r\nbreak' }, { Key: 'x/../y' }], Quiet: true } }));
  t.equal(quiet.Deleted, undefined, 'quiet mode reports only errors');
  t.equal(quiet.Errors, undefined);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: 'data' }));
  t.same(left.Contents!.map((object) => object.Key), ['keep']);

  const plain = server.client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
  await plain.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'keep' }] } }));
  t.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'data' }))).KeyCount, 0);
  t.equal((await failure(s3.send(new DeleteObjectsCommand({ Bucket: 'none-such', Delete: { Objects: [{ Key: 'a' }] } })))).name, 'NoSuchBucket');
});

t.test('DeleteObjects refuses malformed or unchecked documents', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'data' }));
  const post = (document: string, headers: Record<string, string> = { 'content-md5': createHash('md5').update(document).digest('base64') }) =>
    rawRequest(server.endpoint, { method: 'POST', path: '/data?delete', headers, body: document });
  const many = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`;
  for (const [name, document] of [
    ['not XML', 'hello'],
    ['unclosed', '<Delete><Object><Key>a</Key></Object>'],
    ['wrong root', '<Remove><Object><Key>a</Key></Object></Remove>'],
    ['no objects', '<Delete></Delete>'],
    ['object without key', '<Delete><Object></Object></Delete>'],
    ['unknown element', '<Delete><Object><Key>a</Key><Colour>red</Colour></Object></Delete>'],
    ['bad Quiet', '<Delete><Object><Key>a</Key></Object><Quiet>maybe</Quiet></Delete>'],
    ['a DTD', '<!DOCTYPE x [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>'],
    ['1,001 objects', many],
    ['nested a million deep', `<Delete>${'<a>'.repeat(1_000_000)}`],
  ]) {
    const answer = await post(document!);
    t.equal(answer.status, 400, name);
    t.equal(errorCode(answer.body), 'MalformedXML', name);
  }
  const unchecked = await post('<Delete><Object><Key>a</Key></Object></Delete>', {});
  t.equal(errorCode(unchecked.body), 'InvalidRequest', 'a checksum or Content-MD5 is required');
  const wrongMd5 = await post('<Delete><Object><Key>a</Key></Object></Delete>', { 'content-md5': createHash('md5').update('x').digest('base64') });
  t.equal(errorCode(wrongMd5.body), 'BadDigest');
  const ok = await post('<?xml version="1.0"?><!-- fine --><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key><![CDATA[a&b]]></Key></Object><Quiet>false</Quiet></Delete>');
  t.equal(ok.status, 200);
  t.match(ok.body, /<Deleted><Key>a&amp;b<\/Key><\/Deleted>/);
});
