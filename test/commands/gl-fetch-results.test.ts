// gl-fetch-results as a command: what it reads, what it refuses, and how it fails.

import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InitiateJobCommand } from '@aws-sdk/client-glacier';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { JobRecord } from '../../src/records/types.js';
import { scratch, writeFile } from '../helpers/data.js';
import { awsEnv, glacierClient, s3Client, withLocal } from '../helpers/local.js';
import { records, sh } from '../helpers/shell.js';
import { uploadArchive } from '../helpers/upload.js';
import { ENDPOINT, lines } from '../helpers/stage.js';

const FETCH = `gl-fetch-results ${ENDPOINT} --poll-interval 100ms`;

/** gl-local with two archives and a select job on each (SELECT list, header USE). */
async function twoJobs(t: Test) {
  const server = await withLocal(t);
  await s3Client(server).send(new CreateBucketCommand({ Bucket: 'results' }));
  const dir = scratch(t);
  const first = await uploadArchive(server, 'v', writeFile(dir, 'a.csv', 'k,n\na,1\nb,2\n'));
  const second = await uploadArchive(server, 'v', writeFile(dir, 'b.csv', 'k,n\nc,3\n'));
  writeFile(dir, 'ledger.ndjson', `${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);
  const env = awsEnv(server);
  const started = await sh(`gl-select ${ENDPOINT} --bucket results --prefix p --header use --sql 'SELECT s.n, s.k FROM archive s' < ledger.ndjson > jobs.ndjson`, { env, cwd: dir });
  if (started.status !== 0) throw new Error(started.stderr);
  const jobs = records({ status: 0, stdout: readFileSync(join(dir, 'jobs.ndjson')), stderr: '' }) as JobRecord[];
  return { server, dir, env, jobs, s3: s3Client(server) };
}


t.test('jobs are written in input order; ndjson names come from the query when the record has none', async (t) => {
  const { dir, env, jobs } = await twoJobs(t);
  const csv = await sh(`${FETCH} < jobs.ndjson`, { env, cwd: dir });
  t.equal(csv.status, 0, csv.stderr);
  t.equal(csv.stdout.toString(), '1,a\n2,b\n3,c\n');
  writeFile(dir, 'reversed.ndjson', lines([...jobs].reverse()));
  t.equal((await sh(`${FETCH} < reversed.ndjson`, { env, cwd: dir })).stdout.toString(), '3,c\n1,a\n2,b\n');
  writeFile(dir, 'bare.ndjson', lines(jobs.map(({ columns: _columns, ...job }) => job)));
  const ndjson = await sh(`${FETCH} --format ndjson < bare.ndjson`, { env, cwd: dir });
  t.same(records(ndjson), [
    { n: '1', k: 'a' },
    { n: '2', k: 'b' },
    { n: '3', k: 'c' },
  ]);
  const empty = await sh(`${FETCH} < /dev/null`, { env, cwd: dir });
  t.equal(empty.status, 0);
  t.equal(empty.stdout.length, 0);
});

t.test('one failed job among several: nothing on stdout, every failure on stderr, exit 1', async (t) => {
  const { dir, env, jobs, s3 } = await twoJobs(t);
  const { bucket, path } = jobs[1].output!;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${path}errors/late.txt`, Body: 'InternalError: something broke\nafter the results\n' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${path}error_manifest.txt`, Body: `s3://${bucket}/${path}errors/late.txt\n` }));
  const run = await sh(`${FETCH} < jobs.ndjson`, { env, cwd: dir });
  t.equal(run.status, 1);
  t.equal(run.stdout.length, 0, 'not even the good job is written');
  t.match(run.stderr, /stdin:2: select job \S+ in vault v failed \(Succeeded, but s3:\/\/results\/p\/\S+\/error_manifest.txt exists\)/);
  t.match(run.stderr, /errors\/late.txt: InternalError: something broke\n.*errors\/late.txt: after the results\n/);

  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${jobs[0].output!.path}result_manifest.txt` }));
  const gone = await sh(`${FETCH} < jobs.ndjson`, { env, cwd: dir });
  t.equal(gone.status, 1);
  t.match(gone.stderr, /stdin:1: select job \S+ in vault v succeeded, but s3:\/\/results\/p\/\S+\/result_manifest.txt does not exist/);
});

t.test('what it cannot fetch is said plainly, before any request', async (t) => {
  const { server, dir, env, jobs } = await twoJobs(t);
  const before = server.requests.length;
  const base = { type: 'job', v: 1, vault: 'v', created: new Date().toISOString() };
  const cases: [object[], RegExp][] = [
    [[jobs[0], { ...base, jobId: 'J', action: 'archive-retrieval' }], /stdin:2: a archive-retrieval job record needs "archiveId"/],
    [[{ ...base, jobId: 'J', action: 'inventory-retrieval', format: 'XML' }], /stdin:1: [^\n]*format[^\n]*CSV or JSON/],
    [[jobs[0], { type: 'archive', v: 1, vault: 'v', archiveId: 'A', treeHash: '0'.repeat(64), size: 1, description: '', name: 'x', created: base.created }], /stdin:2: gl-fetch-results reads job records; this is a "archive" record/],
    [[{ ...base, jobId: 'J', action: 'select', archiveId: 'A' }], /stdin:1: a select job record needs "output"/],
  ];
  for (const [input, message] of cases) {
    writeFile(dir, 'in.ndjson', lines(input));
    const run = await sh(`${FETCH} < in.ndjson`, { env, cwd: dir });
    t.equal(run.status, 1);
    t.equal(run.stdout.length, 0);
    t.match(run.stderr, message);
  }
  t.equal(server.requests.length, before, 'gl-local heard nothing');
  for (const [args, message] of [
    ['--poll-interval soon', /--poll-interval: "soon" is not a duration/],
    ['--timeout 5x', /--timeout: "5x" is not a duration/],
    ['--concurrency 0', /--concurrency: "0" is not a whole number from 1 to 64/],
    ['--concurrency four', /--concurrency: "four" is not a whole number from 1 to 64/],
    ['--attempts 2.5', /--attempts: "2.5" is not a whole number from 1 to 100/],
    ['--chunk-size 1KiB', /--chunk-size: "1KiB" is not a size from 64KiB to 1GiB/],
    ['--format xml', /Invalid values:[\s\S]*format/],
    ['--poll-interval 1s --poll-interval 2s', /^gl-fetch-results: --poll-interval is given more than once\n$/],
  ] as const) {
    // FETCH sets --poll-interval already, and a flag given twice is refused on its own.
    const run = await sh(`gl-fetch-results ${ENDPOINT} ${args} < jobs.ndjson`, { env, cwd: dir });
    t.equal(run.status, 2, args);
    t.match(run.stderr, message);
  }
});

t.test('a job Glacier does not know, or knows as another action, is named by its line', async (t) => {
  const { server, dir, env, jobs } = await twoJobs(t);
  writeFile(dir, 'unknown.ndjson', lines([jobs[0], { ...jobs[1], jobId: 'no-such-job' }]));
  const unknown = await sh(`${FETCH} < unknown.ndjson`, { env, cwd: dir });
  t.equal(unknown.status, 1);
  t.equal(unknown.stdout.length, 0);
  t.match(unknown.stderr, /gl-fetch-results: stdin:2: job no-such-job in vault v: ResourceNotFoundException \(HTTP 404\): The job ID was not found: no-such-job/);

  const retrieval = await glacierClient(server).send(new InitiateJobCommand({ accountId: '-', vaultName: 'v', jobParameters: { Type: 'archive-retrieval', ArchiveId: jobs[0].archiveId } }));
  writeFile(dir, 'mislabelled.ndjson', lines([{ ...jobs[0], jobId: retrieval.jobId }]));
  const mislabelled = await sh(`${FETCH} < mislabelled.ndjson`, { env, cwd: dir });
  t.equal(mislabelled.status, 1);
  t.match(mislabelled.stderr, new RegExp(`stdin:1: the record says select, but Glacier says job ${retrieval.jobId} is ArchiveRetrieval`));
});

t.test('--help shows a pipeline', async (t) => {
  const help = await sh('gl-fetch-results --help');
  t.equal(help.status, 0);
  t.match(help.stdout.toString(), /Examples:[\s\S]*gl-select[\s\S]*\| gl-fetch-results/);
  t.match(help.stdout.toString(), /--no-wait/);
});
