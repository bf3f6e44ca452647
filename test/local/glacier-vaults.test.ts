import t from 'tap';
import {
  CreateVaultCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  ListVaultsCommand,
  paginateListVaults,
  UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import { glacierClient, rawRequest, withLocal } from '../helpers/local.js';

const accountId = '-';

t.test('CreateVault, DescribeVault, DeleteVault with the SDK', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  const created = await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'photos' }));
  t.equal(created.location, '/111122223333/vaults/photos', 'Location carries the real account id');
  t.equal(created.$metadata.httpStatusCode, 201);
  const again = await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'photos' }));
  t.equal(again.$metadata.httpStatusCode, 201, 'creating an existing vault succeeds again');

  const vault = await glacier.send(new DescribeVaultCommand({ accountId, vaultName: 'photos' }));
  t.match(vault, {
    VaultName: 'photos',
    VaultARN: 'arn:aws:glacier:us-east-1:111122223333:vaults/photos',
    NumberOfArchives: 0,
    SizeInBytes: 0,
  });
  t.match(vault.CreationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  await glacier.send(new UploadArchiveCommand({ accountId, vaultName: 'photos', body: Buffer.from('abc') }));
  const counted = await glacier.send(new DescribeVaultCommand({ accountId, vaultName: 'photos' }));
  t.match(counted, { NumberOfArchives: 1, SizeInBytes: 3 });

  await t.rejects(glacier.send(new DeleteVaultCommand({ accountId, vaultName: 'photos' })), {
    name: 'InvalidParameterValueException',
    message: 'Vault not empty or recently written to: arn:aws:glacier:us-east-1:111122223333:vaults/photos',
    $metadata: { httpStatusCode: 400 },
  });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'empty' }));
  const deleted = await glacier.send(new DeleteVaultCommand({ accountId, vaultName: 'empty' }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  await t.rejects(glacier.send(new DescribeVaultCommand({ accountId, vaultName: 'empty' })), {
    name: 'ResourceNotFoundException',
    message: 'Vault not found for ARN: arn:aws:glacier:us-east-1:111122223333:vaults/empty',
    $metadata: { httpStatusCode: 404 },
  });
  await t.rejects(glacier.send(new DeleteVaultCommand({ accountId, vaultName: 'empty' })), { name: 'ResourceNotFoundException' });
});

t.test('unknown and invalid vault names', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await t.rejects(glacier.send(new DescribeVaultCommand({ accountId, vaultName: 'nope' })), {
    name: 'ResourceNotFoundException',
    message: 'Vault not found for ARN: arn:aws:glacier:us-east-1:111122223333:vaults/nope',
  });
  await t.rejects(glacier.send(new DescribeVaultCommand({ accountId, vaultName: 'testz:z' })), {
    name: 'ResourceNotFoundException',
    message: 'Vault not found for ARN: testz:z',
  });
  await t.rejects(glacier.send(new CreateVaultCommand({ accountId, vaultName: 'bad name' })), {
    name: 'InvalidParameterValueException',
    $metadata: { httpStatusCode: 400 },
  });
  await t.rejects(glacier.send(new CreateVaultCommand({ accountId, vaultName: 'x'.repeat(256) })), { name: 'InvalidParameterValueException' });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'x'.repeat(255) }));
  await glacier.send(new CreateVaultCommand({ accountId, vaultName: 'A-z_0.9' }));
  const listed = await glacier.send(new ListVaultsCommand({ accountId }));
  t.same(
    listed.VaultList?.map((v) => v.VaultName),
    ['A-z_0.9', 'x'.repeat(255)],
  );
});

t.test('ListVaults pages with limit and marker, sorted by name', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  const names = ['v07', 'v01', 'v13', 'v02', 'v10', 'v05', 'v11', 'v03', 'v12', 'v04', 'v06', 'v08', 'v09'];
  for (const vaultName of names) await glacier.send(new CreateVaultCommand({ accountId, vaultName }));

  const first = await glacier.send(new ListVaultsCommand({ accountId }));
  t.equal(first.VaultList?.length, 10, 'the default page is 10 vaults');
  t.equal(first.Marker, 'arn:aws:glacier:us-east-1:111122223333:vaults/v11', 'the marker is the next vault ARN');
  const second = await glacier.send(new ListVaultsCommand({ accountId, marker: first.Marker }));
  t.same(second.VaultList?.map((v) => v.VaultName), ['v11', 'v12', 'v13']);
  t.equal(second.Marker, undefined, 'null marker on the last page');

  const seen: string[] = [];
  for await (const page of paginateListVaults({ client: glacier, pageSize: 4 }, { accountId })) {
    t.ok((page.VaultList?.length ?? 0) <= 4);
    seen.push(...(page.VaultList ?? []).map((v) => v.VaultName!));
  }
  t.same(seen, [...names].sort(), 'the SDK paginator walks every vault once, in order');

  await t.rejects(glacier.send(new ListVaultsCommand({ accountId, limit: 0 })), { name: 'InvalidParameterValueException' });
  await t.rejects(glacier.send(new ListVaultsCommand({ accountId, limit: 1001 })), { name: 'InvalidParameterValueException' });
  await t.rejects(glacier.send(new ListVaultsCommand({ accountId, marker: 'garbage' })), { name: 'InvalidParameterValueException' });
});

t.test('wire shape: exact JSON content type, request id, every key with nulls, compact errors', async (t) => {
  const server = await withLocal(t);
  const created = await rawRequest(server, { method: 'PUT', path: '/-/vaults/raw' });
  t.equal(created.status, 201);
  t.equal(created.headers.location, '/111122223333/vaults/raw');
  t.match(created.headers['x-amzn-requestid'], /^[A-Za-z0-9_-]{20,}$/);
  t.ok(created.headers.date, 'a Date header');

  const described = await rawRequest(server, { method: 'GET', path: '/-/vaults/raw' });
  t.equal(described.headers['content-type'], 'application/json', 'exactly application/json (boto2 compares the whole string)');
  const vault = JSON.parse(described.body.toString());
  t.same(Object.keys(vault).sort(), ['CreationDate', 'LastInventoryDate', 'NumberOfArchives', 'SizeInBytes', 'VaultARN', 'VaultName']);
  t.equal(vault.LastInventoryDate, null, 'LastInventoryDate is null before any inventory');

  const listed = JSON.parse((await rawRequest(server, { method: 'GET', path: '/-/vaults' })).body.toString());
  t.same(Object.keys(listed).sort(), ['Marker', 'VaultList']);
  t.equal(listed.Marker, null);

  const missing = await rawRequest(server, { method: 'GET', path: '/-/vaults/nope' });
  t.equal(missing.status, 404);
  t.equal(missing.headers['content-type'], 'application/json');
  t.ok(missing.headers['x-amzn-requestid']);
  t.equal(
    missing.body.toString(),
    '{"code":"ResourceNotFoundException","message":"Vault not found for ARN: arn:aws:glacier:us-east-1:111122223333:vaults/nope","type":"Client"}',
  );

  const byAccount = await rawRequest(server, { method: 'GET', path: '/111122223333/vaults/raw' });
  t.equal(byAccount.status, 200, 'the local account id works in place of -');
  const otherAccount = await rawRequest(server, { method: 'GET', path: '/999999999999/vaults/raw' });
  t.equal(otherAccount.status, 403);
  t.match(JSON.parse(otherAccount.body.toString()), { code: 'AccessDeniedException', type: 'Client' });

  const noVersion = await rawRequest(server, { method: 'GET', path: '/-/vaults', headers: { 'x-amz-glacier-version': null } });
  t.equal(noVersion.status, 400);
  t.match(JSON.parse(noVersion.body.toString()), { code: 'MissingParameterValueException', message: 'Required parameter missing: API version' });

  const notServed = await rawRequest(server, { method: 'GET', path: '/-/vaults/raw/tags' });
  t.equal(notServed.status, 501);
  t.match(JSON.parse(notServed.body.toString()), { code: 'NotImplemented', message: /does not serve GET/ });
});
