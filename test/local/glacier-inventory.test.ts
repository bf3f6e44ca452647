import t from 'tap';
import {
  CreateVaultCommand,
  DescribeJobCommand,
  DescribeVaultCommand,
  GetJobOutputCommand,
  GlacierClient,
  InitiateJobCommand,
  UploadArchiveCommand,
  type InventoryRetrievalJobInput,
} from '@aws-sdk/client-glacier';
import { csvQuote } from '../../src/local/glacier/inventory.js';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, withLocal } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';

async function inventory(glacier: GlacierClient, format: 'JSON' | 'CSV', parameters?: InventoryRetrievalJobInput) {
  const { jobId } = await glacier.send(
    new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'inventory-retrieval', Format: format, InventoryRetrievalParameters: parameters } }),
  );
  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));
  const out = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId }));
  return { job, out, text: await out.body!.transformToString() };
}

t.test('CSV quoting follows Glacier: \\" inside quotes, backslashes left alone', async (t) => {
  t.equal(csvQuote('d,1"2'), '"d,1\\"2"');
  t.equal(csvQuote('d,1\\"2'), '"d,1\\\\"2"');
  t.equal(csvQuote('plain'), '"plain"');
});

t.test('inventory of an empty vault, then of a vault with archives, in JSON and CSV', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));

  const empty = await inventory(glacier, 'JSON');
  t.match(JSON.parse(empty.text), { VaultARN: 'arn:aws:glacier:us-east-1:111122223333:vaults/v', ArchiveList: [] }, 'a never-inventoried empty vault gives an empty list');
  t.match(empty.job, { Action: 'InventoryRetrieval', StatusCode: 'Succeeded', InventoryRetrievalParameters: { Format: 'JSON' } });
  t.equal(empty.job.ArchiveId, undefined);
  t.match((await glacier.send(new DescribeVaultCommand({ accountId, vaultName }))).LastInventoryDate, /Z$/, 'the vault records its last inventory');

  const descriptions = ['first', 'd,1"2', 'd,1\\"2'];
  const archives = [];
  for (const [i, archiveDescription] of descriptions.entries()) {
    const body = Buffer.from(`archive ${i}`);
    const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body, archiveDescription }));
    archives.push({ archiveId, archiveDescription, body });
  }

  const json = await inventory(glacier, 'JSON');
  t.equal(json.out.contentType, 'application/json');
  t.equal(json.out.checksum, undefined, 'inventories carry no tree hash');
  t.equal(json.job.InventorySizeInBytes, Buffer.byteLength(json.text));
  const document = JSON.parse(json.text);
  t.match(document.InventoryDate, /Z$/);
  t.same(
    document.ArchiveList.map((a: { ArchiveId: string; ArchiveDescription: string; Size: number; SHA256TreeHash: string }) => [a.ArchiveId, a.ArchiveDescription, a.Size, a.SHA256TreeHash]),
    archives.map((a) => [a.archiveId, a.archiveDescription, a.body.length, treeHash(a.body)]),
  );

  const csv = await inventory(glacier, 'CSV');
  t.equal(csv.out.contentType, 'text/csv');
  const lines = csv.text.split('\n');
  t.equal(lines[0], 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash', 'a header row');
  t.equal(lines[2], `${archives[1].archiveId},"d,1\\"2",${document.ArchiveList[1].CreationDate},9,${treeHash(archives[1].body)}`);
  t.equal(lines[3].split(',')[1] + ',' + lines[3].split(',')[2], '"d,1\\\\"2"');
  t.equal(lines.length, 5, 'three rows and a final newline');
});

t.test('inventory paging with Limit and Marker, and date filters', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: Buffer.from(`#${i}`) }))).archiveId!);

  const seen: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const page = await inventory(glacier, 'JSON', { Limit: '2', Marker: marker });
    pages++;
    t.equal(page.job.InventoryRetrievalParameters?.Limit, '2');
    seen.push(...JSON.parse(page.text).ArchiveList.map((a: { ArchiveId: string }) => a.ArchiveId));
    marker = page.job.InventoryRetrievalParameters?.Marker;
  } while (marker);
  t.equal(pages, 3, 'five archives in pages of two');
  t.same([...seen].sort(), [...ids].sort(), 'every archive exactly once');

  const future = await inventory(glacier, 'JSON', { StartDate: '2999-01-01T00:00:00Z' });
  t.same(JSON.parse(future.text).ArchiveList, [], 'StartDate in the future: nothing');
  const past = await inventory(glacier, 'CSV', { EndDate: '2000-01-01T00:00:00Z' });
  t.equal(past.text, 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n', 'EndDate in the past: the header only');
  const all = await inventory(glacier, 'JSON', { StartDate: '2000-01-01T00:00:00Z', EndDate: '2999-01-01T00:00:00Z' });
  t.equal(JSON.parse(all.text).ArchiveList.length, 5);

  const bad: [Record<string, unknown>, RegExp][] = [
    [{ Type: 'inventory-retrieval', Format: 'XML' }, /Invalid Format: XML/],
    [{ Type: 'inventory-retrieval', ArchiveId: ids[0] }, /Invalid ArchiveId/],
    [{ Type: 'inventory-retrieval', RetrievalByteRange: '0-1' }, /Invalid RetrievalByteRange/],
    [{ Type: 'inventory-retrieval', InventoryRetrievalParameters: { StartDate: 'yesterday' } }, /StartDate/],
    [{ Type: 'inventory-retrieval', InventoryRetrievalParameters: { Limit: '0' } }, /Limit/],
    [{ Type: 'inventory-retrieval', InventoryRetrievalParameters: { Marker: '!!' } }, /Marker/],
    [{ Type: 'inventory-retrieval', InventoryRetrievalParameters: { StartDate: '2020-01-02T00:00:00Z', EndDate: '2020-01-01T00:00:00Z' } }, /not before/],
  ];
  for (const [jobParameters, message] of bad) {
    await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters })), { name: 'InvalidParameterValueException', message });
  }
});
