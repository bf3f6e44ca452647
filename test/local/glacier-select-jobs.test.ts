// Select jobs in gl-local: the project's SQL engine runs them, InitiateJob refuses what the engine
// refuses, and the output lands in gl-local's own S3 in Glacier Select's layout, read back here
// with SDK v3 over HTTP.

import t from 'tap';
import { Readable } from 'node:stream';
import {
  CreateVaultCommand,
  DescribeJobCommand,
  GetJobOutputCommand,
  InitiateJobCommand,
  ListJobsCommand,
  UploadArchiveCommand,
  type GlacierClient,
  type JobParameters,
} from '@aws-sdk/client-glacier';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { LocalOptions } from '../../src/local/index.js';
import { runSelect } from '../../src/local/select-runner.js';
import { compileSelect, selectParameters } from '../../src/select/index.js';
import { glacierClient, s3Client, withLocal, type TestLike } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';
const csv = Buffer.from('id,region,amount\n1,EU,10\n2,US,20\n3,EU,30\n');

function selectJob(archiveId: string, overrides: Partial<JobParameters> = {}): JobParameters {
  return {
    Type: 'select',
    ArchiveId: archiveId,
    Tier: 'Expedited',
    SelectParameters: {
      Expression: "SELECT s.id, CAST(s.amount AS INT) * 2 AS doubled FROM archive s WHERE s.region = 'EU'",
      ExpressionType: 'SQL',
      InputSerialization: { csv: { FileHeaderInfo: 'USE' } },
      OutputSerialization: { csv: {} },
    },
    OutputLocation: { S3: { BucketName: 'results', Prefix: 'eu' } },
    ...overrides,
  };
}

async function setup(t: TestLike, body: Buffer = csv, options: LocalOptions = {}) {
  const server = await withLocal(t, options);
  const glacier = glacierClient(server);
  const s3 = s3Client(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body }));
  return { server, glacier, s3, archiveId: archiveId! };
}

async function text(s3: S3Client, key: string): Promise<string | undefined> {
  try {
    return await (await s3.send(new GetObjectCommand({ Bucket: 'results', Key: key }))).Body!.transformToString();
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

async function keys(s3: S3Client, prefix = ''): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: 'results', Prefix: prefix }))).Contents ?? []).map((object) => object.Key!);
}

/** The keys a manifest lists, in its order. */
function manifestKeys(manifest: string): string[] {
  return manifest.split('\n').filter((line) => line !== '').map((uri) => uri.replace(/^s3:\/\/results\//, ''));
}

async function start(glacier: GlacierClient, parameters: JobParameters) {
  const started = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: parameters }));
  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: started.jobId! }));
  return { jobId: started.jobId!, path: started.jobOutputPath!, job };
}

t.test('a select job runs the SQL engine and writes job.txt, results/ and result_manifest.txt', async (t) => {
  const { glacier, s3, archiveId } = await setup(t);
  const { jobId, path, job } = await start(glacier, selectJob(archiveId));
  t.equal(path, `eu/${jobId}/`, 'x-amz-job-output-path is <prefix>/<jobId>/');
  t.match(JSON.parse((await text(s3, `${path}job.txt`))!), { JobId: jobId, Action: 'Select', StatusCode: 'InProgress', JobOutputPath: path }, 'job.txt is the job as it started');
  t.match(job, {
    Action: 'Select',
    StatusCode: 'Succeeded',
    StatusMessage: 'Succeeded',
    Completed: true,
    JobOutputPath: path,
    OutputLocation: { S3: { BucketName: 'results', Prefix: 'eu' } },
    SelectParameters: { ExpressionType: 'SQL', InputSerialization: { csv: { FileHeaderInfo: 'USE' } } },
  });
  t.equal(job.SHA256TreeHash, undefined);
  t.equal(job.RetrievalByteRange, undefined);
  const manifest = (await text(s3, `${path}result_manifest.txt`))!;
  t.same(manifestKeys(manifest), [`${path}results/part-00000.csv`]);
  t.equal(await text(s3, `${path}results/part-00000.csv`), '1,20\n3,60\n', 'the rows the query selects, as CSV');
  t.equal(await text(s3, `${path}error_manifest.txt`), undefined);
  t.same((await keys(s3, path)).sort(), [`${path}job.txt`, `${path}result_manifest.txt`, `${path}results/part-00000.csv`]);
  await t.rejects(glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId })), { name: 'InvalidParameterValueException', message: /select job; its output is in S3/ });
});

t.test('a query that selects nothing succeeds with an empty manifest and no result objects', async (t) => {
  const { glacier, s3, archiveId } = await setup(t);
  const { path, job } = await start(glacier, selectJob(archiveId, { SelectParameters: { ...selectJob(archiveId).SelectParameters!, Expression: "SELECT * FROM archive WHERE _2 = 'nowhere'" } }));
  t.equal(job.StatusCode, 'Succeeded');
  t.equal(await text(s3, `${path}result_manifest.txt`), '');
  t.same(await keys(s3, `${path}results/`), []);
});

t.test('InitiateJob refuses what the engine refuses, before a job or an object exists', async (t) => {
  const { glacier, s3, archiveId } = await setup(t);
  const base = selectJob(archiveId);
  const sql = (Expression: string, csvIn: Record<string, string> = { FileHeaderInfo: 'USE' }) => ({
    SelectParameters: { ...base.SelectParameters!, Expression, InputSerialization: { csv: csvIn } },
  });
  const cases: [string, Partial<JobParameters>, string, RegExp][] = [
    ['a syntax error', sql('SELECT s.id FROM archive s WHERE'), 'InvalidParameterValueException', /^ParseExpectedExpression: line 1, column 33: /],
    ['ORDER BY', sql('SELECT * FROM archive ORDER BY _1'), 'InvalidParameterValueException', /^ParseUnsupportedSyntax: line 1, column 23: .*ORDER BY/],
    ['an aggregate', sql('SELECT COUNT(*) FROM archive'), 'InvalidParameterValueException', /^UnsupportedFunction: .*COUNT/],
    ['LIMIT', sql('SELECT * FROM archive LIMIT 5'), 'InvalidParameterValueException', /^ParseUnsupportedSyntax: .*LIMIT/],
    ['S3 Select\'s table name', sql('SELECT * FROM S3Object'), 'InvalidParameterValueException', /^InvalidDataSource: /],
    ['a name without a header', sql('SELECT s.id FROM archive s', { FileHeaderInfo: 'NONE' }), 'InvalidParameterValueException', /^EvaluatorBindingDoesNotExist: /],
    ['a string ordered against a number', sql('SELECT * FROM archive s WHERE s.amount > 10'), 'InvalidParameterValueException', /^InvalidDataType: /],
    ['an expression over 128 KiB', sql(`SELECT * FROM archive WHERE _1 = '${'x'.repeat(128 * 1024)}'`), 'InvalidParameterValueException', /^ExpressionTooLong: .*131072 bytes/],
    ['no Expression', { SelectParameters: { ...base.SelectParameters!, Expression: undefined } }, 'MissingParameterValueException', /^MissingRequiredParameter: SelectParameters.Expression/],
    ['no SelectParameters', { SelectParameters: undefined }, 'MissingParameterValueException', /Required parameter missing: SelectParameters/],
    ['ExpressionType XQL', { SelectParameters: { ...base.SelectParameters!, ExpressionType: 'XQL' as 'SQL' } }, 'InvalidParameterValueException', /^InvalidExpressionType: .*XQL/],
    ['a two-character delimiter', sql('SELECT * FROM archive', { FieldDelimiter: ';;' }), 'InvalidParameterValueException', /^InvalidRequestParameter: .*FieldDelimiter/],
    ['FileHeaderInfo MAYBE', sql('SELECT * FROM archive', { FileHeaderInfo: 'MAYBE' }), 'InvalidParameterValueException', /^InvalidFileHeaderInfo: /],
    [
      'QuoteFields NEVER',
      { SelectParameters: { ...base.SelectParameters!, OutputSerialization: { csv: { QuoteFields: 'NEVER' as 'ALWAYS' } } } },
      'InvalidParameterValueException',
      /^InvalidQuoteFields: /,
    ],
    ['no OutputLocation', { OutputLocation: undefined }, 'MissingParameterValueException', /Required parameter missing: OutputLocation/],
    ['no Prefix', { OutputLocation: { S3: { BucketName: 'results' } } }, 'MissingParameterValueException', /OutputLocation.S3.Prefix/],
    ['a missing bucket', { OutputLocation: { S3: { BucketName: 'nobucket', Prefix: 'p' } } }, 'InvalidParameterValueException', /bucket .* does not exist: nobucket/],
    ['a 513-byte location', { OutputLocation: { S3: { BucketName: 'results', Prefix: 'p'.repeat(505) } } }, 'InvalidParameterValueException', /is 513 bytes; Glacier allows 512/],
    ['a RetrievalByteRange', { RetrievalByteRange: '0-1048575' }, 'InvalidParameterValueException', /RetrievalByteRange/],
  ];
  for (const [what, overrides, name, message] of cases) {
    const refused = glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { ...base, ...overrides } }));
    await t.rejects(refused, { name, message, $metadata: { httpStatusCode: 400 } }, what);
  }
  t.same(await keys(s3), [], 'no refused job wrote anything');
  t.same((await glacier.send(new ListJobsCommand({ accountId, vaultName }))).JobList, [], 'and no job exists');
  const atLimit = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: selectJob(archiveId, { OutputLocation: { S3: { BucketName: 'results', Prefix: 'p'.repeat(504) } } }) }));
  t.ok(atLimit.jobId, 'bucket/prefix of exactly 512 bytes is accepted');
});

t.test('a run-time error fails the job: errors/, error_manifest.txt, no result manifest', async (t) => {
  const rows = Array.from({ length: 6000 }, (_, i) => `${i + 1},EU,${i + 1 === 5000 ? 'five thousand' : i}`);
  const { glacier, s3, archiveId } = await setup(t, Buffer.from(`id,region,amount\n${rows.join('\n')}\n`));
  const { jobId, path, job } = await start(glacier, selectJob(archiveId));
  const expected = 'CastFailed: record 5001, SQL line 1, column 14: ';
  t.equal(job.StatusCode, 'Failed');
  t.ok(job.StatusMessage!.startsWith(expected), job.StatusMessage!);
  t.match(job.StatusMessage, /five thousand/);
  const manifest = (await text(s3, `${path}error_manifest.txt`))!;
  t.same(manifestKeys(manifest), [`${path}errors/error-00000.txt`]);
  t.equal(await text(s3, `${path}errors/error-00000.txt`), `${job.StatusMessage}\n`, 'the error object holds the StatusMessage');
  t.equal(await text(s3, `${path}result_manifest.txt`), undefined, 'no result manifest for a failed job');
  await t.rejects(glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId })), { message: `The job is not currently available for download: ${jobId}` });
});

t.test('a header name that is not in the file fails the job when the header is read', async (t) => {
  const { glacier, archiveId } = await setup(t);
  const { job } = await start(glacier, selectJob(archiveId, { SelectParameters: { ...selectJob(archiveId).SelectParameters!, Expression: 'SELECT s.colour FROM archive s' } }));
  t.equal(job.StatusCode, 'Failed');
  t.match(job.StatusMessage, /^MissingHeaderName: record 1, SQL line 1, column 8: colour is not a column of the header/);
});

t.test('large output is split into several results/ objects, in order, each ending on a record', async (t) => {
  // The engine's output chunks follow its 1 MiB input chunks; objects are cut between chunks.
  const rows = Array.from({ length: 250_000 }, (_, i) => `${i},${i % 3 === 0 ? 'EU' : 'US'},${i * 7}`);
  const data = Buffer.from(`id,region,amount\n${rows.join('\n')}\n`);
  const { glacier, s3, archiveId } = await setup(t, data, { resultObjectBytes: 64 * 1024 });
  const { path, job } = await start(glacier, selectJob(archiveId));
  t.equal(job.StatusCode, 'Succeeded');
  const listed = manifestKeys((await text(s3, `${path}result_manifest.txt`))!);
  t.ok(listed.length >= 2, `${listed.length} result objects`);
  t.same(listed, listed.map((_, i) => `${path}results/part-${String(i).padStart(5, '0')}.csv`), 'numbered in order');
  const objects = await Promise.all(listed.map((key) => text(s3, key)));
  t.ok(objects.every((object) => object!.endsWith('\n')), 'every object ends on a record');
  const expected = rows.filter((_, i) => i % 3 === 0).map((row) => `${row.split(',')[0]},${Number(row.split(',')[2]) * 2}\n`).join('');
  t.equal(objects.join(''), expected, 'the objects in manifest order are the whole output');
});

t.test('when the output bucket is gone by the time the job runs, the job fails and says why', async (t) => {
  const { glacier, s3, archiveId } = await setup(t, csv, { jobDelay: 1 });
  const started = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: selectJob(archiveId) }));
  await s3.send(new DeleteObjectCommand({ Bucket: 'results', Key: `${started.jobOutputPath}job.txt` }));
  await s3.send(new DeleteBucketCommand({ Bucket: 'results' }));
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: started.jobId! }));
  t.equal(job.StatusCode, 'Failed');
  t.match(job.StatusMessage, /NoSuchBucket.*and the error objects could not be written/);
});

t.test('runSelect reads the archive only as fast as its output is taken', async (t) => {
  let pulled = 0;
  const line = Buffer.from('1,EU,10\n'.repeat(8192));
  async function* endless(): AsyncGenerator<Buffer> {
    for (;;) {
      pulled += line.length;
      yield line;
    }
  }
  const query = compileSelect(selectParameters("SELECT * FROM archive WHERE _2 = 'EU'"));
  const output = runSelect(Readable.from(endless()), query);
  let taken = 0;
  for await (const chunk of output) {
    taken += chunk.length;
    if (taken > 4 * 1024 * 1024) break;
  }
  t.ok(pulled < taken + 8 * 1024 * 1024, `pulled ${pulled} bytes of input for ${taken} bytes of output taken`);
});
