// gl-select as a command: what its flags become in InitiateJob (read back from gl-local with
// DescribeJob), how it reads the ledger, what it refuses, and --local.

import t, { type Test } from 'tap';
import { DescribeJobCommand } from '@aws-sdk/client-glacier';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { scratch, writeFile } from '../helpers/data.js';
import { awsEnv, glacierClient, s3Client, withLocal } from '../helpers/local.js';
import { quote, records, sh } from '../helpers/shell.js';
import { ENDPOINT } from '../helpers/stage.js';
import { uploadArchive } from '../helpers/upload.js';

const CSV = 'id;name;amount\n1;ann;10\n2;"b;ob";20\n#3;skipped;30\n';

async function stage(t: Test) {
  const server = await withLocal(t);
  await s3Client(server).send(new CreateBucketCommand({ Bucket: 'results' }));
  const dir = scratch(t);
  const file = writeFile(dir, 'data.csv', CSV);
  const archive = await uploadArchive(server, 'v', file);
  return { server, dir, file, archive, env: awsEnv(server), glacier: glacierClient(server) };
}

t.test('every flag reaches InitiateJob, and the job record says where the output goes', async (t) => {
  const { server, dir, archive, env, glacier } = await stage(t);
  const run = await sh(
    `gl-select ${ENDPOINT} --vault v --archive-id=${quote(archive.archiveId)} --bucket results --prefix reports/q1 --tier Bulk ` +
      `--header use --field-delimiter ';' --comments '#' --quote-character '"' --quote-escape-character '"' --record-delimiter '\\n' ` +
      `--quote-fields always --output-field-delimiter '\\t' --output-record-delimiter '\\r\\n' --output-quote-character "'" --output-quote-escape-character '\\\\' ` +
      `--storage-class STANDARD_IA --sse aws:kms --kms-key-id alias/results --acl bucket-owner-full-control --tag team=data --tag year=2024 ` +
      `--metadata origin=gl-select --sns-topic arn:aws:sns:us-east-1:111122223333:done --description 'q1 report' ` +
      `--sql ${quote('SELECT s.name, s.amount AS total FROM archive s')}`,
    { env, cwd: dir },
  );
  t.equal(run.status, 0, run.stderr);
  const [job] = records(run);
  t.match(job, {
    type: 'job',
    v: 1,
    vault: 'v',
    action: 'select',
    archiveId: archive.archiveId,
    tier: 'Bulk',
    output: { bucket: 'results', prefix: 'reports/q1', path: `reports/q1/${job.jobId}/` },
    columns: ['name', 'total'],
  });
  t.ok(!Number.isNaN(Date.parse(job.created as string)));
  const described = await glacier.send(new DescribeJobCommand({ accountId: '-', vaultName: 'v', jobId: job.jobId as string }));
  t.match(described, {
    Tier: 'Bulk',
    JobDescription: 'q1 report',
    SNSTopic: 'arn:aws:sns:us-east-1:111122223333:done',
    SelectParameters: {
      Expression: 'SELECT s.name, s.amount AS total FROM archive s',
      ExpressionType: 'SQL',
      InputSerialization: { csv: { FileHeaderInfo: 'USE', FieldDelimiter: ';', Comments: '#', QuoteCharacter: '"', QuoteEscapeCharacter: '"', RecordDelimiter: '\n' } },
      OutputSerialization: { csv: { QuoteFields: 'ALWAYS', FieldDelimiter: '\t', RecordDelimiter: '\r\n', QuoteCharacter: "'", QuoteEscapeCharacter: '\\' } },
    },
    OutputLocation: {
      S3: {
        BucketName: 'results',
        Prefix: 'reports/q1',
        StorageClass: 'STANDARD_IA',
        CannedACL: 'bucket-owner-full-control',
        Encryption: { EncryptionType: 'aws:kms', KMSKeyId: 'alias/results' },
        Tagging: { team: 'data', year: '2024' },
        UserMetadata: { origin: 'gl-select' },
      },
    },
  });
  t.equal(server.requests.filter((r) => r.operation === 'InitiateJob').length, 1);
});

t.test('one job per archive record; the user\'s own fields travel on; a bad archive is reported and the rest go on', async (t) => {
  const { dir, archive, env } = await stage(t);
  const tagged = { ...archive, project: 'atlas' };
  const missing = { ...archive, archiveId: 'no-such-archive' };
  writeFile(dir, 'ledger.ndjson', [tagged, missing, archive].map((record) => JSON.stringify(record)).join('\n') + '\n');
  const run = await sh(`gl-select ${ENDPOINT} --bucket results --sql 'SELECT * FROM archive' < ledger.ndjson`, { env, cwd: dir });
  t.equal(run.status, 1, 'one archive failed');
  const jobs = records(run);
  t.equal(jobs.length, 2, 'the two good archives have jobs');
  t.equal(jobs[0].project, 'atlas', 'a field gl-select does not know is carried onto the job record');
  t.equal(jobs[0].treeHash, undefined, "the ledger's own fields are not");
  t.equal(jobs[1].project, undefined);
  t.equal(jobs[0].columns, undefined, 'SELECT * names no columns before the data is read');
  t.match(run.stderr, /gl-select: stdin:2: vault v, archive no-such-archive: ResourceNotFoundException \(HTTP 404\): The archive ID was not found: no-such-archive/);

  writeFile(dir, 'mixed.ndjson', `${JSON.stringify(archive)}\n{"type":"note","text":"hello"}\n`);
  const mixed = await sh(`gl-select ${ENDPOINT} --bucket results --sql 'SELECT * FROM archive' < mixed.ndjson`, { env, cwd: dir });
  t.equal(mixed.status, 1);
  t.equal(records(mixed).length, 1, 'the job started before the bad line keeps its record');
  t.match(mixed.stderr, /gl-select: stdin:2: gl-select starts jobs on archive records; this is a "note" record/);
  const garbage = await sh(`gl-select ${ENDPOINT} --bucket results --sql 'SELECT * FROM archive' <<< 'not json'`, { env, cwd: dir });
  t.equal(garbage.status, 1);
  t.match(garbage.stderr, /stdin:1: not valid JSON/);
});

t.test('refused before any job: usage errors exit 2 and name the flag', async (t) => {
  const { server, dir, archive, env } = await stage(t);
  const one = `--vault v --archive-id=${quote(archive.archiveId)}`;
  const cases: [string, RegExp][] = [
    [`--bucket results ${one}`, /give the query with --sql or --sql-file/],
    [`--bucket results ${one} --sql 'SELECT * FROM archive' --sql-file q.sql`, /give the query with --sql or --sql-file \(one of them\)/],
    [`${one} --sql 'SELECT * FROM archive'`, /--bucket is required/],
    [`--bucket results --vault v --sql 'SELECT * FROM archive'`, /--vault and --archive-id go together/],
    [`--bucket results ${one} --kms-key-id k --sql 'SELECT * FROM archive'`, /--kms-key-id needs --sse aws:kms/],
    [`--bucket results ${one} --tag novalue --sql 'SELECT * FROM archive'`, /--tag: "novalue" is not KEY=VALUE/],
    [`--bucket results --bucket other ${one} --sql 'SELECT * FROM archive'`, /^gl-select: --bucket is given more than once\n$/],
    [`--bucket results ${one} --field-delimiter '\\x' --sql 'SELECT * FROM archive'`, /--field-delimiter: unknown escape \\x/],
    [`--bucket results ${one} --field-delimiter ';;' --sql 'SELECT * FROM archive'`, /csv options: InvalidRequestParameter: .*FieldDelimiter must be one character/],
    [`--bucket results ${one} --tier Fast --sql 'SELECT * FROM archive'`, /Invalid values:[\s\S]*tier/],
    [`--bucket results ${one} --description 'caf\u00e9' --sql 'SELECT * FROM archive'`, /job description: the description has U\+00E9/],
    [`--bucket results ${one} --sql 'SELECT s.name FROM archive s'`, /--sql: EvaluatorBindingDoesNotExist: /],
    [`--bucket results ${one} --sql-file missing.sql`, /missing.sql: no such file/],
  ];
  for (const [args, message] of cases) {
    const run = await sh(`gl-select ${ENDPOINT} ${args}`, { env, cwd: dir });
    t.not(run.status, 0, args);
    t.match(run.stderr, message, args);
    t.equal(run.stdout.length, 0);
  }
  t.same(server.requests.filter((r) => r.operation === 'InitiateJob'), [], 'no InitiateJob was sent');
});

t.test('--local: the query on a local file (or stdin), as the job would write it', async (t) => {
  const dir = scratch(t);
  writeFile(dir, 'data.csv', CSV);
  const local = await sh(
    `gl-select --local data.csv --header use --field-delimiter ';' --quote-fields always --sql ${quote("SELECT s.name, CAST(s.amount AS INT) * 2 AS twice FROM archive s WHERE s.name <> 'ann'")}`,
    { cwd: dir },
  );
  t.equal(local.status, 0, local.stderr);
  t.equal(local.stdout.toString(), '"b;ob","40"\n', 'the comment line is skipped; output quoting as asked');
  const piped = await sh(`printf 'a,1\\nb,2\\n' | gl-select --local - --sql 'SELECT _2, _1 FROM archive'`);
  t.equal(piped.stdout.toString(), '1,a\n2,b\n');
  const warned = await sh(`gl-select --local data.csv --header use --field-delimiter ';' --sql ${quote('SELECT * FROM archive s WHERE s.amount = 10')}`, { cwd: dir });
  t.equal(warned.status, 0);
  t.equal(warned.stdout.length, 0, "no row: '10' is a string, never equal to 10");
  t.match(warned.stderr, /gl-select: warning: line 1, column 31: s.amount = 10 compares string with int/);
  const forJob = await sh(`gl-select --local data.csv --bucket results --sql 'SELECT * FROM archive'`, { cwd: dir });
  t.equal(forJob.status, 2);
  t.match(forJob.stderr, /--local runs the query here; --bucket is for a job/);
});

t.test('--help shows a pipeline', async (t) => {
  const help = await sh('gl-select --help');
  t.equal(help.status, 0);
  t.match(help.stdout.toString(), /Examples:[\s\S]*\| gl-select --bucket[\s\S]*\| gl-fetch-results/);
});
