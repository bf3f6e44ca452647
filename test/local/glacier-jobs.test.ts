import t from 'tap';
import {
  CreateVaultCommand,
  DeleteArchiveCommand,
  DescribeJobCommand,
  GetJobOutputCommand,
  GlacierClient,
  InitiateJobCommand,
  ListJobsCommand,
  paginateListJobs,
  UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, mod251, rawRequest, withLocal } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';
const MiB = 1048576;
/** The §4.2 vector: 7 MiB + 12,345 bytes of i mod 251; §4.4 lists the tree hashes of its ranges. */
const data = mod251(7 * MiB + 12345);
const size = data.length;
const RANGE_HASHES = {
  '0-2097151': 'bf4dff263ae686b64403208c35a3767e38453d6477e841947588d13d04e1d816',
  '2097152-4194303': '9e217b1ceb8db81071f9c6e4a2bf0401a83491d10751ce858a2628f5d699dbdb',
  '4194304-7352376': 'ecf83e6f70efa48ce322e3caae6f525532a4b918588a1f7d6ff7373d9d2002b4',
  '6291456-7352376': '604b64f221196c1edc1ec0d351d3dd1a3034a553ae967f7c8e8cca4871b79362',
  '7340032-7352376': '545900f57b3e80963f85179f7ca1507dc565d124a66b3a3376d88d64a3292525',
  whole: 'bf6cc22e25dd4a40a477920060e2ee4a13444fb628dbbde2bd9837de2340363c',
};

async function withArchive(t: Parameters<typeof withLocal>[0], jobDelay = 0) {
  const server = await withLocal(t, { jobDelay });
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: data, archiveDescription: 'mod 251' }));
  return { server, glacier, archiveId: archiveId! };
}

async function retrieve(glacier: GlacierClient, archiveId: string, range?: string): Promise<string> {
  const job = await glacier.send(
    new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, RetrievalByteRange: range, Tier: 'Expedited' } }),
  );
  return job.jobId!;
}

async function output(glacier: GlacierClient, jobId: string, range?: string) {
  const answer = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId, range }));
  return { ...answer, bytes: Buffer.from(await answer.body!.transformToByteArray()) };
}

t.test('archive retrieval of the whole archive', async (t) => {
  const { server, glacier, archiveId } = await withArchive(t);
  const jobId = await retrieve(glacier, archiveId);
  t.match(jobId, /^[A-Za-z0-9_-]{92}$/, 'a 92-character job id');
  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));
  t.match(job, {
    Action: 'ArchiveRetrieval',
    ArchiveId: archiveId,
    ArchiveSizeInBytes: size,
    Completed: true,
    StatusCode: 'Succeeded',
    StatusMessage: 'Succeeded',
    SHA256TreeHash: RANGE_HASHES.whole,
    ArchiveSHA256TreeHash: RANGE_HASHES.whole,
    RetrievalByteRange: `0-${size - 1}`,
    Tier: 'Expedited',
    VaultARN: 'arn:aws:glacier:us-east-1:111122223333:vaults/v',
  });
  t.match(job.CompletionDate, /Z$/);

  const whole = await output(glacier, jobId);
  t.equal(whole.status, 200);
  t.ok(whole.bytes.equals(data), 'the bytes come back unchanged');
  t.equal(whole.checksum, RANGE_HASHES.whole);
  t.equal(whole.contentType, 'application/octet-stream');
  t.equal(whole.acceptRanges, 'bytes');
  t.equal(whole.archiveDescription, 'mod 251');

  const raw = await rawRequest(server, { method: 'GET', path: `/-/vaults/v/jobs/${jobId}` });
  const keys = Object.keys(JSON.parse(raw.body.toString()));
  for (const key of ['Action', 'ArchiveId', 'ArchiveSizeInBytes', 'Completed', 'CompletionDate', 'CreationDate', 'InventorySizeInBytes', 'JobDescription', 'JobId', 'SHA256TreeHash', 'SNSTopic', 'StatusCode', 'StatusMessage', 'VaultARN']) {
    t.ok(keys.includes(key), `DescribeJob has ${key} (boto2 reads every one)`);
  }
  t.equal(JSON.parse(raw.body.toString()).InventorySizeInBytes, null);
});

t.test('GetJobOutput ranges: 206, Content-Range, clamped end, tree hash only when aligned', async (t) => {
  const { glacier, archiveId } = await withArchive(t);
  const jobId = await retrieve(glacier, archiveId);
  const cases: [string, string, string | undefined][] = [
    ['bytes=0-2097151', 'bytes 0-2097151/7352377', RANGE_HASHES['0-2097151']],
    ['bytes=2097152-4194303', 'bytes 2097152-4194303/7352377', RANGE_HASHES['2097152-4194303']],
    ['bytes=4194304-8388607', 'bytes 4194304-7352376/7352377', RANGE_HASHES['4194304-7352376']],
    ['bytes=7340032-7352376', 'bytes 7340032-7352376/7352377', RANGE_HASHES['7340032-7352376']],
    ['bytes=1048576-3145727', 'bytes 1048576-3145727/7352377', undefined],
    ['bytes=2097152-6291455', 'bytes 2097152-6291455/7352377', undefined],
    ['bytes=0-4', 'bytes 0-4/7352377', undefined],
    ['bytes=7352370-', 'bytes 7352370-7352376/7352377', undefined],
    ['bytes=-12345', 'bytes 7340032-7352376/7352377', RANGE_HASHES['7340032-7352376']],
  ];
  for (const [range, contentRange, checksum] of cases) {
    const answer = await output(glacier, jobId, range);
    t.equal(answer.status, 206, `${range}: 206`);
    t.equal(answer.contentRange, contentRange, `${range}: Content-Range`);
    t.equal(answer.checksum, checksum, `${range}: tree hash ${checksum ? 'present' : 'absent'}`);
    const [first, last] = contentRange.slice(6).split('/')[0].split('-').map(Number);
    t.ok(answer.bytes.equals(data.subarray(first, last + 1)), `${range}: the right bytes`);
    if (checksum) t.equal(treeHash(answer.bytes), checksum, `${range}: the header is the tree hash of the bytes`);
  }
  await t.rejects(output(glacier, jobId, 'bytes=8000000-8000010'), { name: 'InvalidParameterValueException', message: /Invalid range/ });
  await t.rejects(output(glacier, jobId, 'bytes=5-2'), { name: 'InvalidParameterValueException' });
});

t.test('RetrievalByteRange: megabyte aligned ranges, DescribeJob and GetJobOutput tree hashes', async (t) => {
  const { glacier, archiveId } = await withArchive(t);
  const aligned = await retrieve(glacier, archiveId, '2097152-4194303');
  const alignedJob = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: aligned }));
  t.equal(alignedJob.SHA256TreeHash, RANGE_HASHES['2097152-4194303']);
  t.equal(alignedJob.ArchiveSHA256TreeHash, RANGE_HASHES.whole);
  t.equal(alignedJob.RetrievalByteRange, '2097152-4194303');
  const alignedOut = await output(glacier, aligned);
  t.ok(alignedOut.bytes.equals(data.subarray(2097152, 4194304)));
  t.equal(alignedOut.checksum, RANGE_HASHES['2097152-4194303']);
  const leaf = await output(glacier, aligned, 'bytes=1048576-2097151');
  t.equal(leaf.checksum, treeHash(data.subarray(3 * MiB, 4 * MiB)), 'download offsets are relative to the retrieval; alignment is judged in archive offsets');

  const toEnd = await retrieve(glacier, archiveId, '6291456-7352376');
  t.equal((await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: toEnd }))).SHA256TreeHash, RANGE_HASHES['6291456-7352376']);

  const mbOnly = await retrieve(glacier, archiveId, '1048576-3145727');
  const mbJob = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: mbOnly }));
  t.equal(mbJob.SHA256TreeHash, undefined, 'a megabyte-aligned range that is no tree node has no tree hash');
  const mbLeaf = await output(glacier, mbOnly, 'bytes=0-1048575');
  t.equal(mbLeaf.checksum, undefined, 'and its output never carries one');
  t.ok(mbLeaf.bytes.equals(data.subarray(MiB, 2 * MiB)));

  for (const bad of ['1-1048576', '0-100', '0-99999999', '3145728-2097151', 'abc']) {
    await t.rejects(retrieve(glacier, archiveId, bad), { name: 'InvalidParameterValueException', message: new RegExp(`Invalid RetrievalByteRange: ${bad}`) }, `refuses ${bad}`);
  }
});

t.test('jobs that are not ready, unknown jobs and archives, deleted archives', async (t) => {
  const { glacier, archiveId } = await withArchive(t, 3600);
  const jobId = await retrieve(glacier, archiveId);
  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));
  t.match(job, { Completed: false, StatusCode: 'InProgress', StatusMessage: 'Operation in progress.' });
  t.equal(job.SHA256TreeHash, undefined, 'no tree hash while in progress');
  t.equal(job.CompletionDate, undefined);
  await t.rejects(output(glacier, jobId), {
    name: 'InvalidParameterValueException',
    message: `The job is not currently available for download: ${jobId}`,
    $metadata: { httpStatusCode: 400 },
  });
  await t.rejects(glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: 'J'.repeat(92) })), {
    name: 'ResourceNotFoundException',
    message: `The job ID was not found: ${'J'.repeat(92)}`,
    $metadata: { httpStatusCode: 404 },
  });
  await t.rejects(retrieve(glacier, 'A'.repeat(138)), { name: 'ResourceNotFoundException', message: `The archive ID was not found: ${'A'.repeat(138)}` });
  await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval' } })), {
    name: 'MissingParameterValueException',
    message: 'Required parameter missing: ArchiveId',
  });
  await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'restore' } })), { name: 'InvalidParameterValueException', message: /Invalid job type/ });
  await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, Tier: 'Fast' } })), {
    name: 'InvalidParameterValueException',
    message: /Invalid tier: Fast/,
  });
  await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, Format: 'CSV' } })), {
    name: 'InvalidParameterValueException',
  });
  await glacier.send(new DeleteArchiveCommand({ accountId, vaultName, archiveId }));
  t.equal((await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }))).StatusCode, 'InProgress', 'the job outlives the archive until it runs');
});

t.test('a finished retrieval stays downloadable after its archive is deleted', async (t) => {
  const { glacier, archiveId } = await withArchive(t);
  const jobId = await retrieve(glacier, archiveId);
  await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));
  await glacier.send(new DeleteArchiveCommand({ accountId, vaultName, archiveId }));
  t.ok((await output(glacier, jobId)).bytes.equals(data));
});

t.test('ListJobs: filters, paging, bad status code', async (t) => {
  const { glacier, archiveId } = await withArchive(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await retrieve(glacier, archiveId));
  const all = await glacier.send(new ListJobsCommand({ accountId, vaultName }));
  t.same(all.JobList?.map((j) => j.JobId), ids, 'in creation order');
  t.equal(all.Marker, undefined);
  const seen: string[] = [];
  for await (const page of paginateListJobs({ client: glacier, pageSize: 2 }, { accountId, vaultName })) seen.push(...page.JobList!.map((j) => j.JobId!));
  t.same(seen, ids, 'paging with limit 2 sees every job once');
  t.equal((await glacier.send(new ListJobsCommand({ accountId, vaultName, statuscode: 'Succeeded', completed: 'true' }))).JobList?.length, 5);
  t.equal((await glacier.send(new ListJobsCommand({ accountId, vaultName, statuscode: 'InProgress' }))).JobList?.length, 0);
  t.equal((await glacier.send(new ListJobsCommand({ accountId, vaultName, completed: 'false' }))).JobList?.length, 0);
  await t.rejects(glacier.send(new ListJobsCommand({ accountId, vaultName, statuscode: 'finished' })), {
    name: 'InvalidParameterValueException',
    message: 'The job status code is not valid: finished',
  });
});

t.test("--job-delay tier: an Expedited job is in progress at first and done about a second later", async (t) => {
  const server = await withLocal(t, { jobDelay: 'tier' });
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: Buffer.from('tiered') }));
  const jobId = await retrieve(glacier, archiveId!);
  t.equal((await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }))).StatusCode, 'InProgress');
  let status: string | undefined;
  for (let i = 0; i < 100 && status !== 'Succeeded'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }))).StatusCode;
  }
  t.equal(status, 'Succeeded', 'it finishes on its own timer');
  t.equal((await output(glacier, jobId)).bytes.toString(), 'tiered');
});
