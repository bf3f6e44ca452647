// Select jobs. The real S3 subset is built in parallel (src/local/s3); until it lands these tests
// give gl-local an in-memory S3 backend (MemoryS3Backend) and read the objects it was handed.

import t from 'tap';
import { Readable } from 'node:stream';
import {
  CreateVaultCommand,
  DescribeJobCommand,
  GetJobOutputCommand,
  InitiateJobCommand,
  UploadArchiveCommand,
  type JobParameters,
} from '@aws-sdk/client-glacier';
import { parseSelectParameters } from '../../src/local/glacier/select-parameters.js';
import { runSelectJob } from '../../src/local/glacier/select-job.js';
import type { SelectRequest } from '../../src/local/glacier/job-record.js';
import { glacierClient, MemoryS3Backend, withLocal } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';
const csv = Buffer.from('id,region,amount\n1,EU,10\n2,US,20\n3,EU,30\n');

function selectParameters(archiveId: string, overrides: Partial<JobParameters> = {}): JobParameters {
  return {
    Type: 'select',
    ArchiveId: archiveId,
    Tier: 'Expedited',
    SelectParameters: {
      Expression: "SELECT s._1 FROM archive s WHERE s._2 = 'EU'",
      ExpressionType: 'SQL',
      InputSerialization: { csv: { FileHeaderInfo: 'USE' } },
      OutputSerialization: { csv: {} },
    },
    OutputLocation: { S3: { BucketName: 'results', Prefix: 'eu' } },
    ...overrides,
  };
}

async function setup(t: Parameters<typeof withLocal>[0]) {
  const s3 = new MemoryS3Backend(new Set(['results']));
  const server = await withLocal(t, { s3Backend: s3 });
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: csv }));
  return { s3, glacier, archiveId: archiveId! };
}

t.test('a select job writes job.txt at once, then fails clearly while the SQL engine is not built', async (t) => {
  const { s3, glacier, archiveId } = await setup(t);
  const started = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: selectParameters(archiveId) }));
  const jobId = started.jobId!;
  t.equal(started.jobOutputPath, `eu/${jobId}/`, 'x-amz-job-output-path is <prefix>/<jobId>/');
  const jobTxt = JSON.parse(s3.text('results', `eu/${jobId}/job.txt`)!);
  t.match(jobTxt, { JobId: jobId, Action: 'Select', StatusCode: 'InProgress', JobOutputPath: `eu/${jobId}/` }, 'job.txt is the job as DescribeJob showed it at the start');

  const job = await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }));
  t.match(job, {
    Action: 'Select',
    StatusCode: 'Failed',
    Completed: true,
    StatusMessage: 'NotImplemented: the Glacier Select SQL engine is not built yet',
    JobOutputPath: `eu/${jobId}/`,
    OutputLocation: { S3: { BucketName: 'results', Prefix: 'eu' } },
    SelectParameters: { ExpressionType: 'SQL' },
  });
  t.equal(job.SHA256TreeHash, undefined);
  t.equal(job.RetrievalByteRange, undefined);
  t.equal(s3.text('results', `eu/${jobId}/errors/error-00000.txt`), 'NotImplemented: the Glacier Select SQL engine is not built yet\n');
  t.equal(s3.text('results', `eu/${jobId}/error_manifest.txt`), `s3://results/eu/${jobId}/errors/error-00000.txt\n`);
  t.equal(s3.text('results', `eu/${jobId}/result_manifest.txt`), undefined, 'no result manifest for a failed job');
  await t.rejects(glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId })), {
    name: 'InvalidParameterValueException',
    message: `The job is not currently available for download: ${jobId}`,
  });
});

t.test('select parameters are checked before a job exists', async (t) => {
  const { s3, glacier, archiveId } = await setup(t);
  const base = selectParameters(archiveId);
  const cases: [Partial<JobParameters>, string, RegExp][] = [
    [{ OutputLocation: undefined }, 'MissingParameterValueException', /Required parameter missing: OutputLocation/],
    [{ OutputLocation: { S3: { BucketName: 'results' } } }, 'MissingParameterValueException', /OutputLocation.S3.Prefix/],
    [{ OutputLocation: { S3: { BucketName: 'nobucket', Prefix: 'p' } } }, 'InvalidParameterValueException', /bucket .* does not exist: nobucket/],
    [{ OutputLocation: { S3: { BucketName: 'results', Prefix: 'p'.repeat(505) } } }, 'InvalidParameterValueException', /longer than 512 bytes/],
    [{ SelectParameters: { ...base.SelectParameters, ExpressionType: 'XQL' as 'SQL' } }, 'InvalidParameterValueException', /ExpressionType: XQL/],
    [{ SelectParameters: { ...base.SelectParameters, Expression: undefined } }, 'MissingParameterValueException', /Expression/],
    [{ SelectParameters: { ...base.SelectParameters, Expression: 'x'.repeat(128 * 1024 + 1) } }, 'InvalidParameterValueException', /longer than 131072 bytes/],
    [{ SelectParameters: { ...base.SelectParameters, InputSerialization: { csv: { FieldDelimiter: ';;' } } } }, 'InvalidParameterValueException', /not a single character/],
    [{ SelectParameters: { ...base.SelectParameters, InputSerialization: { csv: { FileHeaderInfo: 'MAYBE' as 'USE' } } } }, 'InvalidParameterValueException', /FileHeaderInfo/],
    [{ SelectParameters: { ...base.SelectParameters, OutputSerialization: { csv: { QuoteFields: 'NEVER' as 'ALWAYS' } } } }, 'InvalidParameterValueException', /QuoteFields/],
    [{ RetrievalByteRange: '0-1048575' }, 'InvalidParameterValueException', /RetrievalByteRange/],
  ];
  for (const [overrides, name, message] of cases) {
    await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { ...base, ...overrides } })), { name, message });
  }
  t.equal(s3.objects.size, 0, 'no refused job wrote anything');
  const okPrefix = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: selectParameters(archiveId, { OutputLocation: { S3: { BucketName: 'results', Prefix: 'p'.repeat(504) } } }) }));
  t.ok(okPrefix.jobId, 'bucket/prefix of exactly 512 bytes is accepted');
});

t.test('a select job whose output bucket does not exist in S3 is refused', async (t) => {
  const server = await withLocal(t);
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: csv }));
  await t.rejects(glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: selectParameters(archiveId!) })), {
    name: 'InvalidParameterValueException',
    message: /does not exist: results/,
  });
});

t.test('the select job writer splits output into results/ objects and lists them in result_manifest.txt', async (t) => {
  const s3 = new MemoryS3Backend(new Set(['out']));
  const select: SelectRequest = {
    parameters: {},
    outputLocation: {},
    query: parseSelectParameters({ Expression: 'SELECT * FROM archive', ExpressionType: 'SQL' }),
    bucket: 'out',
    outputPath: 'p/J/',
  };
  t.match(select.query, { input: { fileHeaderInfo: 'NONE', fieldDelimiter: ',', recordDelimiter: '\n', quoteCharacter: '"', comments: '#' }, output: { quoteFields: 'ASNEEDED' } }, 'CSV defaults');
  // A stand-in engine: echoes the input records, a few at a time.
  async function* echo(input: Readable): AsyncGenerator<Buffer> {
    for await (const chunk of input) for (const line of (chunk as Buffer).toString().split(/(?<=\n)/)) yield Buffer.from(line);
  }
  const outcome = await runSelectJob(s3, select, Readable.from([csv]), { run: echo, objectBytes: 20 });
  t.same(outcome, { ok: true });
  const manifest = s3.text('out', 'p/J/result_manifest.txt')!;
  const keys = manifest.trimEnd().split('\n').map((uri) => uri.replace('s3://out/', ''));
  t.same(keys, ['p/J/results/part-00000.csv', 'p/J/results/part-00001.csv'], 'a new object after 20 bytes');
  t.equal(keys.map((key) => s3.text('out', key)).join(''), csv.toString(), 'the objects hold the output in order, split between records');
  t.equal(s3.text('out', 'p/J/error_manifest.txt'), undefined);

  async function* failing(): AsyncGenerator<Buffer> {
    yield Buffer.from('1\n');
    throw Object.assign(new Error('bad row 7'), { code: 'CSVParsingError' });
  }
  const failed = await runSelectJob(s3, { ...select, outputPath: 'p/K/' }, Readable.from([csv]), { run: failing });
  t.same(failed, { ok: false, message: 'CSVParsingError: bad row 7' });
  t.equal(s3.text('out', 'p/K/errors/error-00000.txt'), 'CSVParsingError: bad row 7\n');
  t.equal(s3.text('out', 'p/K/result_manifest.txt'), undefined);
});
