import t from 'tap';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  GlacierClient,
  InitiateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  paginateListMultipartUploads,
  paginateListParts,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { combineTreeHashes, treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, mod251, withLocal, type TestLike } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';
const MiB = 1048576;

async function setup(t: TestLike) {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  return { server, glacier };
}

async function initiate(glacier: GlacierClient, partSize = MiB, archiveDescription?: string): Promise<string> {
  const started = await glacier.send(new InitiateMultipartUploadCommand({ accountId, vaultName, partSize: String(partSize), archiveDescription }));
  return started.uploadId!;
}

function uploadPart(glacier: GlacierClient, uploadId: string, first: number, body: Buffer, extra: { range?: string; checksum?: string } = {}) {
  return glacier.send(
    new UploadMultipartPartCommand({ accountId, vaultName, uploadId, range: extra.range ?? `bytes ${first}-${first + body.length - 1}/*`, body, checksum: extra.checksum }),
  );
}

t.test('a multipart upload from initiate to complete, parts out of order', async (t) => {
  const { glacier } = await setup(t);
  const data = mod251(7 * MiB + 12345);
  const partSize = 2 * MiB;
  const uploadId = await initiate(glacier, partSize, '  leading spaces go');
  t.match(uploadId, /^[A-Za-z0-9_-]{92}$/, 'a 92-character upload id');
  const offsets = [6 * MiB, 0, 4 * MiB, 2 * MiB];
  const partHashes = new Map<number, string>();
  for (const first of offsets) {
    const body = data.subarray(first, first + partSize);
    const answer = await uploadPart(glacier, uploadId, first, body);
    t.equal(answer.$metadata.httpStatusCode, 204);
    t.equal(answer.checksum, treeHash(body), `part at ${first} answers its tree hash`);
    partHashes.set(first, treeHash(body));
  }
  const archiveHash = combineTreeHashes([0, 2, 4, 6].map((mib) => partHashes.get(mib * MiB)!));
  t.equal(archiveHash, 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c', 'the i mod 251 vector');

  const parts = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }));
  t.match(parts, {
    ArchiveDescription: 'leading spaces go',
    MultipartUploadId: uploadId,
    PartSizeInBytes: partSize,
    VaultARN: 'arn:aws:glacier:us-east-1:111122223333:vaults/v',
  });
  t.same(
    parts.Parts?.map((p) => p.RangeInBytes),
    ['0-2097151', '2097152-4194303', '4194304-6291455', '6291456-7352376'],
    'parts sorted by range, inclusive ends',
  );

  const completed = await glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: String(data.length), checksum: archiveHash }));
  t.equal(completed.$metadata.httpStatusCode, 201);
  t.equal(completed.checksum, archiveHash);
  t.equal(completed.location, `/111122223333/vaults/v/archives/${completed.archiveId}`);
  const repeated = await glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: String(data.length), checksum: archiveHash }));
  t.equal(repeated.archiveId, completed.archiveId, 'a repeated Complete answers the same archive');

  await t.rejects(glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId })), { name: 'ResourceNotFoundException', message: `The upload ID was not found: ${uploadId}` });
  await t.rejects(glacier.send(new AbortMultipartUploadCommand({ accountId, vaultName, uploadId })), { name: 'ResourceNotFoundException' });
  const listed = await glacier.send(new ListMultipartUploadsCommand({ accountId, vaultName }));
  t.same(listed.UploadsList, [], 'a completed upload is no longer listed');
});

t.test('part validation: size, alignment, Content-Range, Content-Length, hashes, part 10,001', async (t) => {
  const { glacier } = await setup(t);
  await t.rejects(initiate(glacier, 3 * MiB), {
    name: 'InvalidParameterValueException',
    message: 'Invalid part size: 3145728. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.',
    $metadata: { httpStatusCode: 400 },
  });
  await t.rejects(initiate(glacier, 512 * 1024), { name: 'InvalidParameterValueException', message: /Invalid part size: 524288/ });
  await t.rejects(initiate(glacier, 8 * 1024 * MiB), { name: 'InvalidParameterValueException' });
  t.ok(await initiate(glacier, 4 * 1024 * MiB), 'a 4 GiB part size is accepted');

  const uploadId = await initiate(glacier);
  const part = mod251(MiB);
  await t.rejects(uploadPart(glacier, uploadId, 0, part, { checksum: treeHash(mod251(MiB, 1)) }), {
    name: 'InvalidParameterValueException',
    message: `Checksum mismatch: expected ${treeHash(mod251(MiB, 1))}, computed ${treeHash(part)}`,
  });
  await t.rejects(uploadPart(glacier, uploadId, 1, part), {
    name: 'InvalidParameterValueException',
    message: 'Content-Range: bytes 1-1048576/* does not start on a part boundary; the part size is 1048576.',
  });
  await t.rejects(uploadPart(glacier, uploadId, 0, mod251(2 * MiB)), { name: 'InvalidParameterValueException', message: /larger than the part size/ });
  await t.rejects(uploadPart(glacier, uploadId, 0, mod251(1000), { range: 'bytes 0-1048575/*' }), {
    name: 'InvalidParameterValueException',
    message: 'Content-Range: bytes 0-1048575/* is incompatible with Content-Length: 1000',
  });
  await t.rejects(uploadPart(glacier, uploadId, 0, part, { range: 'bytes=0-1048575/*' }), {
    name: 'InvalidParameterValueException',
    message: 'Invalid Content-Range: bytes=0-1048575/*',
  });
  await t.rejects(uploadPart(glacier, uploadId, 0, part, { range: 'bytes 909994937-909994936/*' }), { message: 'Invalid Content-Range: bytes 909994937-909994936/*' });
  const tenThousand = 10000 * MiB;
  await t.rejects(uploadPart(glacier, uploadId, tenThousand, Buffer.from('x')), {
    name: 'InvalidParameterValueException',
    message: 'This is part number 10001 for the current multipart upload. It exceeds the limit of 10000 parts.',
  });
  const last = await uploadPart(glacier, uploadId, tenThousand - MiB, Buffer.from('x'));
  t.equal(last.$metadata.httpStatusCode, 204, 'part 10,000 is accepted');
  await t.rejects(uploadPart(glacier, 'A'.repeat(92), 0, part), { name: 'ResourceNotFoundException', message: `The upload ID was not found: ${'A'.repeat(92)}` });
  const parts = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }));
  t.same(parts.Parts?.map((p) => p.RangeInBytes), [`${tenThousand - MiB}-${tenThousand - MiB}`], 'no refused part was stored');
});

t.test('a part sent again replaces the earlier one', async (t) => {
  const { glacier } = await setup(t);
  const uploadId = await initiate(glacier);
  await uploadPart(glacier, uploadId, 0, mod251(MiB, 7));
  const replaced = mod251(MiB, 3);
  await uploadPart(glacier, uploadId, 0, replaced);
  const parts = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }));
  t.same(parts.Parts, [{ RangeInBytes: '0-1048575', SHA256TreeHash: treeHash(replaced) }]);
  const done = await glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: String(MiB), checksum: treeHash(replaced) }));
  t.equal(done.checksum, treeHash(replaced));
});

t.test('CompleteMultipartUpload refuses incomplete or wrong uploads and leaves them open', async (t) => {
  const { glacier } = await setup(t);
  const data = mod251(3 * MiB + 10);
  const uploadId = await initiate(glacier);
  const complete = (archiveSize: number, checksum: string) =>
    glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: String(archiveSize), checksum }));
  const whole = treeHash(data);
  await t.rejects(complete(data.length, whole), { name: 'InvalidParameterValueException', message: /has no parts/ });

  await uploadPart(glacier, uploadId, 0, data.subarray(0, MiB));
  await uploadPart(glacier, uploadId, 2 * MiB, data.subarray(2 * MiB, 3 * MiB));
  await uploadPart(glacier, uploadId, 3 * MiB, data.subarray(3 * MiB));
  await t.rejects(complete(data.length, whole), { name: 'InvalidParameterValueException', message: 'Missing part: no part covers bytes 1048576-2097151 of the archive.' });

  await uploadPart(glacier, uploadId, MiB, data.subarray(MiB, MiB + 100));
  await t.rejects(complete(data.length, whole), { name: 'InvalidParameterValueException', message: /shorter than the part size/ });

  await uploadPart(glacier, uploadId, MiB, data.subarray(MiB, 2 * MiB));
  await t.rejects(complete(data.length + 1, whole), { name: 'InvalidParameterValueException', message: /Invalid x-amz-archive-size/ });
  await t.rejects(complete(data.length, treeHash(Buffer.from('no'))), {
    name: 'InvalidParameterValueException',
    message: `Invalid x-amz-sha256-tree-hash: ${treeHash(Buffer.from('no'))}`,
  });
  const done = await complete(data.length, whole);
  t.equal(done.checksum, whole, 'after the refusals the same upload completes');
});

t.test('AbortMultipartUpload: twice is fine, parts are refused afterwards', async (t) => {
  const { glacier } = await setup(t);
  const uploadId = await initiate(glacier);
  await uploadPart(glacier, uploadId, 0, mod251(100));
  const aborted = await glacier.send(new AbortMultipartUploadCommand({ accountId, vaultName, uploadId }));
  t.equal(aborted.$metadata.httpStatusCode, 204);
  const again = await glacier.send(new AbortMultipartUploadCommand({ accountId, vaultName, uploadId }));
  t.equal(again.$metadata.httpStatusCode, 204);
  await t.rejects(uploadPart(glacier, uploadId, 0, mod251(100)), { name: 'ResourceNotFoundException' });
  await t.rejects(glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: '100', checksum: treeHash(mod251(100)) })), {
    name: 'ResourceNotFoundException',
  });
});

t.test('ListParts and ListMultipartUploads page with limit and marker', async (t) => {
  const { glacier } = await setup(t);
  const uploadId = await initiate(glacier);
  for (let i = 0; i < 5; i++) await uploadPart(glacier, uploadId, i * MiB, mod251(i === 4 ? 10 : MiB, i));
  const page1 = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId, limit: 2 }));
  t.same(page1.Parts?.map((p) => p.RangeInBytes), ['0-1048575', '1048576-2097151']);
  t.type(page1.Marker, 'string');
  const page2 = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId, limit: 2, marker: page1.Marker }));
  t.same(page2.Parts?.map((p) => p.RangeInBytes), ['2097152-3145727', '3145728-4194303']);
  const ranges: string[] = [];
  for await (const page of paginateListParts({ client: glacier, pageSize: 2 }, { accountId, vaultName, uploadId })) ranges.push(...page.Parts!.map((p) => p.RangeInBytes!));
  t.same(ranges, ['0-1048575', '1048576-2097151', '2097152-3145727', '3145728-4194303', '4194304-4194313'], 'the paginator sees every part once');
  t.equal((await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }))).Marker, undefined, 'default limit 50: one page');

  const ids = [uploadId];
  for (let i = 0; i < 4; i++) ids.push(await initiate(glacier));
  const seen: string[] = [];
  for await (const page of paginateListMultipartUploads({ client: glacier, pageSize: 2 }, { accountId, vaultName })) {
    t.ok(page.UploadsList!.length <= 2);
    seen.push(...page.UploadsList!.map((u) => u.MultipartUploadId!));
  }
  t.same([...seen].sort(), [...ids].sort(), 'every upload listed once');
  const first = await glacier.send(new ListMultipartUploadsCommand({ accountId, vaultName, limit: 1 }));
  t.match(first.UploadsList?.[0], { PartSizeInBytes: MiB, VaultARN: 'arn:aws:glacier:us-east-1:111122223333:vaults/v' });
  t.match(first.UploadsList?.[0].CreationDate, /Z$/);
  await t.rejects(glacier.send(new ListMultipartUploadsCommand({ accountId, vaultName, marker: 'nope' })), { name: 'InvalidParameterValueException' });
});
