import { createHash } from 'node:crypto';
import t from 'tap';
import { CreateVaultCommand, DeleteArchiveCommand, UploadArchiveCommand } from '@aws-sdk/client-glacier';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, mod251, rawRequest, withLocal } from '../helpers/local.js';

const accountId = '-';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

t.test('UploadArchive stores the bytes and answers the server tree hash', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'v' }));
  const data = mod251(3 * 1048576 + 5);
  const uploaded = await glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'v', body: data, archiveDescription: 'a "quoted", description \\ ok' }));
  t.equal(uploaded.$metadata.httpStatusCode, 201);
  t.equal(uploaded.checksum, treeHash(data));
  t.match(uploaded.archiveId, /^[A-Za-z0-9_-]{138}$/, 'a 138-character archive id');
  t.equal(uploaded.location, `/111122223333/vaults/v/archives/${uploaded.archiveId}`);
});

t.test('UploadArchive refuses bad bodies and headers', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'v' }));
  const data = Buffer.from('hello world');

  await t.rejects(glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'v', body: data, checksum: treeHash(Buffer.from('other')) })), {
    name: 'InvalidParameterValueException',
    message: `Checksum mismatch: expected ${treeHash(Buffer.from('other'))}, computed ${treeHash(data)}`,
    $metadata: { httpStatusCode: 400 },
  });
  await t.rejects(glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'nope', body: data })), { name: 'ResourceNotFoundException' });
  await t.rejects(glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'v', body: data, archiveDescription: 'x'.repeat(1025) })), {
    name: 'InvalidParameterValueException',
    message: /1025 characters/,
  });
  await t.rejects(glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'v', body: data, archiveDescription: 'tab\there' })), {
    name: 'InvalidParameterValueException',
    message: /character 0x09/,
  });

  const upload = (headers: Record<string, string | null>, body: Buffer = data) =>
    rawRequest(server, { method: 'POST', path: '/-/vaults/v/archives', body, headers: { 'x-amz-sha256-tree-hash': treeHash(body), 'x-amz-content-sha256': sha256(body), ...headers } });

  const linear = await upload({ 'x-amz-content-sha256': sha256(Buffer.from('other')) });
  t.equal(linear.status, 403, 'a body that does not match its signed x-amz-content-sha256 is refused');
  t.match(JSON.parse(linear.body.toString()), { code: 'InvalidSignatureException', message: /x-amz-content-sha256/ });

  const unsigned = await upload({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
  t.equal(unsigned.status, 400, 'UNSIGNED-PAYLOAD is not a linear hash');
  t.match(JSON.parse(unsigned.body.toString()), { code: 'InvalidParameterValueException', message: 'Invalid x-amz-content-sha256: UNSIGNED-PAYLOAD' });

  const noTreeHash = await upload({ 'x-amz-sha256-tree-hash': null });
  t.match(JSON.parse(noTreeHash.body.toString()), { code: 'MissingParameterValueException', message: 'Required parameter missing: x-amz-sha256-tree-hash' });

  const empty = await upload({}, Buffer.alloc(0));
  t.equal(empty.status, 400, 'an empty archive is refused');
  t.match(JSON.parse(empty.body.toString()), { code: 'InvalidParameterValueException', message: /at least 1 byte/ });

  const ok = await upload({});
  t.equal(ok.status, 201, 'the same request with correct headers is accepted (the connection survived the errors)');
});

t.test('DeleteArchive: idempotent, refuses another vault, 404 for an unknown id', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'a' }));
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'b' }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'a', body: Buffer.from('x') }));

  await t.rejects(glacier.send(new DeleteArchiveCommand({ accountId, vaultName: 'b', archiveId })), {
    name: 'InvalidParameterValueException',
    message: 'Invalid vault name: arn:aws:glacier:us-east-1:111122223333:vaults/b',
  });
  const deleted = await glacier.send(new DeleteArchiveCommand({ accountId, vaultName: 'a', archiveId }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  const again = await glacier.send(new DeleteArchiveCommand({ accountId, vaultName: 'a', archiveId }));
  t.equal(again.$metadata.httpStatusCode, 204, 'deleting a deleted archive is not an error');
  await t.rejects(glacier.send(new DeleteArchiveCommand({ accountId, vaultName: 'a', archiveId: 'A'.repeat(138) })), {
    name: 'ResourceNotFoundException',
    message: `The archive ID was not found: ${'A'.repeat(138)}`,
  });
});
