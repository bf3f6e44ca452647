import t from 'tap';
import {
  CreateVaultCommand,
  DescribeJobCommand,
  DescribeVaultCommand,
  GetJobOutputCommand,
  InitiateJobCommand,
  InitiateMultipartUploadCommand,
  ListPartsCommand,
  ListVaultsCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { FaultInjector, parseFaultSpec } from '../../src/local/faults.js';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, mod251, rawRequest, withLocal } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';

t.test('fault spec syntax', async (t) => {
  t.same(parseFaultSpec('UploadMultipartPart|PutObject:500@0.25x3, GetJobOutput:corrupt,*:latency=1.5s@50%,reset'), [
    { operations: ['UploadMultipartPart', 'PutObject'], kind: '500', latencyMs: 0, rate: 0.25, limit: 3 },
    { operations: ['GetJobOutput'], kind: 'corrupt', latencyMs: 0, rate: 1, limit: undefined },
    { operations: [], kind: 'latency', latencyMs: 1500, rate: 0.5, limit: undefined },
    { operations: [], kind: 'reset', latencyMs: 0, rate: 1, limit: undefined },
  ]);
  t.same(parseFaultSpec(''), []);
  t.same(parseFaultSpec('limit,InitiateJob:policy@50%,capacityx1').map((rule) => rule.kind), ['limit', 'policy', 'capacity']);
  for (const bad of ['UploadArchive:503', 'limits', 'throttle@1.5', 'x:latency', 'A|*:500', 'timeout@150%']) t.throws(() => parseFaultSpec(bad), `refuses ${bad}`);
});

t.test('decisions are reproducible from the seed and follow the rate and the count', async (t) => {
  const rules = parseFaultSpec('ListVaults:500@0.3,*:latency=10ms@0.5x100');
  const run = (seed: number) => {
    const injector = new FaultInjector(rules, seed);
    return Array.from({ length: 1000 }, () => injector.decide('ListVaults'));
  };
  const first = run(7);
  t.same(run(7), first, 'same seed, same faults');
  t.notSame(run(8), first, 'another seed, other faults');
  const errors = first.filter((d) => d.fault === '500').length;
  t.ok(errors > 240 && errors < 360, `about 30% errors (${errors} of 1000)`);
  t.equal(first.filter((d) => d.latencyMs === 10).length, 100, 'latency stops after its count of 100');
  const other = new FaultInjector(rules, 7);
  t.equal(other.decide('DescribeVault').fault, undefined, 'rules only touch their operations');
});

t.test('500, throttling and timeout errors: the SDK retries a Buffer body and recovers', async (t) => {
  const server = await withLocal(t, { faults: 'UploadArchive:500x1,ListVaults:throttlex1,DescribeVault:timeoutx1' });
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const body = Buffer.from('retried body');
  const uploaded = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body }));
  t.equal(uploaded.$metadata.attempts, 2, 'second attempt succeeded');
  t.equal(uploaded.checksum, treeHash(body));
  const listed = await glacier.send(new ListVaultsCommand({ accountId }));
  t.equal(listed.$metadata.attempts, 2);
  const described = await glacier.send(new DescribeVaultCommand({ accountId, vaultName }));
  t.equal(described.$metadata.attempts, 2);
  t.same(
    server.requests.filter((r) => r.fault).map((r) => [r.operation, r.status, r.error, r.fault]),
    [
      ['UploadArchive', 500, 'ServiceUnavailableException', '500'],
      ['ListVaults', 400, 'ThrottlingException', 'throttle'],
      ['DescribeVault', 408, 'RequestTimeoutException', 'timeout'],
    ],
  );
  t.equal(described.NumberOfArchives, 1, 'the faulted upload stored nothing, the retry stored one archive');
});

t.test('the error faults as clients see them without retries', async (t) => {
  const failing = await withLocal(t, { faults: '500' });
  await t.rejects(glacierClient(failing, { maxAttempts: 1 }).send(new ListVaultsCommand({ accountId })), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 500 }, $fault: 'server' });
  const throttled = await withLocal(t, { faults: 'throttle' });
  await t.rejects(glacierClient(throttled, { maxAttempts: 1 }).send(new ListVaultsCommand({ accountId })), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  const timedOut = await withLocal(t, { faults: 'timeout' });
  await t.rejects(glacierClient(timedOut, { maxAttempts: 1 }).send(new ListVaultsCommand({ accountId })), { name: 'RequestTimeoutException', $metadata: { httpStatusCode: 408 } });
  for (const [kind, name] of [
    ['limit', 'LimitExceededException'],
    ['policy', 'PolicyEnforcedException'],
    ['capacity', 'InsufficientCapacityException'],
  ] as const) {
    const server = await withLocal(t, { faults: `InitiateJob:${kind}` });
    await glacierClient(server).send(new CreateVaultCommand({ accountId, vaultName }));
    const initiate = new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'inventory-retrieval' } });
    await t.rejects(glacierClient(server, { maxAttempts: 1 }).send(initiate), { name, $metadata: { httpStatusCode: 400 }, message: /\(injected fault\)$/ }, kind);
    t.match(server.requests.at(-1), { operation: 'InitiateJob', fault: kind, error: name, status: 400 });
  }
});

t.test('a LimitExceededException is retried by the SDK, as throttling is; a policy refusal is not', async (t) => {
  const server = await withLocal(t, { faults: 'ListVaults:limitx2,DescribeVault:policy' });
  t.same((await glacierClient(server, { maxAttempts: 3 }).send(new ListVaultsCommand({ accountId }))).VaultList, []);
  t.equal(server.requests.filter((r) => r.operation === 'ListVaults').length, 3, 'two refused, the third answered');
  await glacierClient(server).send(new CreateVaultCommand({ accountId, vaultName }));
  await t.rejects(glacierClient(server, { maxAttempts: 3 }).send(new DescribeVaultCommand({ accountId, vaultName })), { name: 'PolicyEnforcedException' });
  t.equal(server.requests.filter((r) => r.operation === 'DescribeVault').length, 1, 'not retried');
});

t.test('a reset mid-body is a network error, stores nothing, and the part can be sent again', async (t) => {
  const server = await withLocal(t, { faults: 'UploadMultipartPart:resetx1' });
  const glacier = glacierClient(server, { maxAttempts: 1 });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId, vaultName, partSize: String(1048576) }));
  const body = mod251(1048576);
  const send = () => glacier.send(new UploadMultipartPartCommand({ accountId, vaultName, uploadId, range: 'bytes 0-1048575/*', body }));
  const error = await send().then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err,
  );
  t.ok(error, 'the upload failed');
  t.match(error?.code ?? error?.name, /ECONNRESET|EPIPE|socket hang up/, `a network error (${error?.code ?? error?.name}: ${error?.message})`);
  t.equal((await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }))).Parts?.length, 0, 'nothing stored');
  t.equal((await send()).checksum, treeHash(body), 'the same part goes through on the next try');
  const faulted = server.requests.find((r) => r.fault === 'reset')!;
  t.match(faulted, { operation: 'UploadMultipartPart', uploadId, contentRange: 'bytes 0-1048575/*', status: null });
});

t.test('a corrupted GetJobOutput body fails its tree-hash check; a reset mid-response fails the read', async (t) => {
  const server = await withLocal(t, { faults: 'GetJobOutput:corruptx1,GetJobOutput:resetx1' });
  const glacier = glacierClient(server, { maxAttempts: 1 });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const data = mod251(3 * 1048576);
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: data }));
  const { jobId } = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
  await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));

  const corrupted = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId }));
  const corruptedBytes = Buffer.from(await corrupted.body!.transformToByteArray());
  t.equal(corruptedBytes.length, data.length, 'same length');
  t.equal(corrupted.checksum, treeHash(data), 'the header still carries the true tree hash');
  t.not(treeHash(corruptedBytes), corrupted.checksum, 'the body does not match it');

  const reset = glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId })).then((answer) => answer.body!.transformToByteArray());
  await t.rejects(reset, "the download breaks off");

  const clean = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId }));
  t.ok(Buffer.from(await clean.body!.transformToByteArray()).equals(data), 'the next download is whole');
});

t.test('a reset on a request without a body drops the answer after the operation took effect', async (t) => {
  const server = await withLocal(t, { faults: 'CreateVault:resetx1' });
  const glacier = glacierClient(server, { maxAttempts: 1 });
  await t.rejects(glacier.send(new CreateVaultCommand({ accountId, vaultName })));
  t.equal((await glacier.send(new DescribeVaultCommand({ accountId, vaultName }))).VaultName, vaultName, 'the vault exists');
});

t.test('added latency, and fault rules on S3 requests answer in S3 XML', async (t) => {
  const server = await withLocal(t, { faults: 'ListVaults:latency=300ms,*:500x1' });
  const started = Date.now();
  const answer = await rawRequest(server, { method: 'GET', path: '/results/key', service: 's3', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } });
  t.equal(answer.status, 500);
  t.match(answer.body.toString(), /<Code>InternalError<\/Code>/);
  const limited = await withLocal(t, { faults: 'limit' });
  const slowed = await rawRequest(limited, { method: 'GET', path: '/results/key', service: 's3', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } });
  t.equal(slowed.status, 503, 'limit on S3: 503 SlowDown, the nearest S3 has');
  t.match(slowed.body.toString(), /<Code>SlowDown<\/Code>/);
  const listed = await glacierClient(server).send(new ListVaultsCommand({ accountId }));
  t.same(listed.VaultList, []);
  t.ok(Date.now() - started >= 250, 'the listing waited');
  t.match(server.requests.at(-1), { operation: 'ListVaults', latencyMs: 300, fault: null, status: 200 });
});
