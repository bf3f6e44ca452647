// Glacier Select end to end, as users run it: a CSV put into a vault, `gl-select` starting the
// job on the ledger's archive record, `gl-fetch-results` waiting and streaming the result objects,
// all in `bash -o pipefail` pipelines against gl-local over HTTP. The rows must equal
// `gl-select --local` on the same file and an independent evaluation by sqlite3.

import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import type { LocalOptions } from '../../src/local/index.js';
import { scratch, writeFile } from '../helpers/data.js';
import { awsEnv, s3Client, withLocal } from '../helpers/local.js';
import { salesCsv } from '../helpers/sales-csv.js';
import { quote, records, sh } from '../helpers/shell.js';
import { ENDPOINT } from '../helpers/stage.js';
import { uploadArchive } from '../helpers/upload.js';

const FILTER = "SELECT s.id, s.name, s.amount FROM archive s WHERE s.region IN ('EU', 'APAC') AND CAST(s.amount AS INT) BETWEEN 2500 AND 7500";
const SQLITE_FILTER = "SELECT id, name, amount FROM t WHERE region IN ('EU', 'APAC') AND CAST(amount AS INTEGER) BETWEEN 2500 AND 7500 ORDER BY rowid";

/** gl-local with a results bucket, a vault holding `csv`, and the ledger line for it in DIR/ledger.ndjson. */
async function stage(t: Test, csv: string, options: LocalOptions = {}) {
  const server = await withLocal(t, options);
  await s3Client(server).send(new CreateBucketCommand({ Bucket: 'results' }));
  const dir = scratch(t);
  const file = writeFile(dir, 'sales.csv', csv);
  const archive = await uploadArchive(server, 'sales', file);
  writeFile(dir, 'ledger.ndjson', `${JSON.stringify(archive)}\n`);
  return { server, dir, file, archive, env: awsEnv(server) };
}

t.test('100,000 rows: fetched rows equal gl-select --local and sqlite3 on the same CSV', async (t) => {
  // Small result objects, so the output crosses several of them.
  const { server, dir, file, archive, env } = await stage(t, salesCsv(100_000, 2024), { resultObjectBytes: 256 * 1024 });
  const fetched = await sh(
    `gl-select ${ENDPOINT} --bucket results --prefix q1 --header use --sql ${quote(FILTER)} < ledger.ndjson | tee jobs.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms`,
    { env, cwd: dir },
  );
  t.equal(fetched.status, 0, fetched.stderr);
  const local = await sh(`gl-select --local ${quote(file)} --header use --sql ${quote(FILTER)}`);
  t.equal(local.status, 0, local.stderr);
  t.ok(fetched.stdout.equals(local.stdout), `the job's rows are byte for byte gl-select --local's (${fetched.stdout.length} bytes)`);

  const sqlite = await sh(`sqlite3 -csv :memory: ${quote(`.import ${file} t`)} ${quote(SQLITE_FILTER)}`);
  t.equal(sqlite.status, 0, sqlite.stderr);
  const rows = parse(fetched.stdout) as string[][];
  const expected = parse(sqlite.stdout) as string[][];
  t.ok(rows.length > 10_000 && rows.length < 50_000, `${rows.length} rows selected`);
  t.same(rows, expected, 'the same rows, in the same order, as sqlite3 evaluating the same filter');
  t.ok(rows.some(([, name]) => name.includes(',')) && rows.some(([, name]) => name.includes('"')), 'names with commas and quotes came through');

  const [job] = records({ status: 0, stdout: readFileSync(join(dir, 'jobs.ndjson')), stderr: '' });
  t.match(job, {
    type: 'job',
    v: 1,
    vault: 'sales',
    action: 'select',
    archiveId: archive.archiveId,
    tier: 'Standard',
    output: { bucket: 'results', prefix: 'q1', path: `q1/${job.jobId}/` },
    columns: ['id', 'name', 'amount'],
  });
  const manifest = await s3Client(server).send(new GetObjectCommand({ Bucket: 'results', Key: `q1/${job.jobId}/result_manifest.txt` }));
  t.ok((await manifest.Body!.transformToString()).trim().split('\n').length >= 3, 'the output was split over several result objects');
  t.same(
    server.requests.filter((r) => r.service === 'glacier').map((r) => r.operation).filter((op) => op === 'InitiateJob' || op === 'DescribeJob').slice(0, 2),
    ['InitiateJob', 'DescribeJob'],
  );
});

t.test('a CAST that fails on row 5,000: Failed job, the error manifest on stderr, nothing on stdout, exit 1', async (t) => {
  const csv = salesCsv(8000, 7, (row) => (row === 5000 ? 'n/a' : undefined));
  const { dir, env } = await stage(t, csv);
  const run = await sh(
    `gl-select ${ENDPOINT} --bucket results --prefix bad --header use --sql ${quote('SELECT s.id FROM archive s WHERE CAST(s.amount AS INT) > 100')} < ledger.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms`,
    { env, cwd: dir },
  );
  t.equal(run.status, 1);
  t.equal(run.stdout.length, 0, 'no rows of a failed job are written');
  t.match(run.stderr, /gl-fetch-results: stdin:1: select job \S+ in vault sales failed \(Failed: CastFailed: record 5001, /);
  t.match(run.stderr, /error_manifest\.txt lists 1 error object\(s\)/);
  t.match(run.stderr, /gl-fetch-results: s3:\/\/results\/bad\/\S+\/errors\/error-00000\.txt: CastFailed: record 5001, SQL line 1, column 34: cannot CAST 'n\/a' AS INT: not an integer/);
  const local = await sh(`gl-select --local sales.csv --header use --sql ${quote('SELECT s.id FROM archive s WHERE CAST(s.amount AS INT) > 100')}`, { cwd: dir });
  t.equal(local.status, 1);
  t.match(local.stderr, /gl-select: sales.csv: CastFailed: record 5001, SQL line 1, column 34: cannot CAST 'n\/a' AS INT: not an integer/, '--local fails the same way');
});

t.test('unsupported SQL is refused before any job is created', async (t) => {
  const { server, dir, env } = await stage(t, salesCsv(10, 1));
  for (const [sql, message] of [
    ['SELECT COUNT(*) FROM archive', /UnsupportedFunction: .*aggregate function COUNT/],
    ['SELECT * FROM archive ORDER BY _1', /ParseUnsupportedSyntax: .*ORDER BY/],
    ['SELECT * FROM archive LIMIT 10', /ParseUnsupportedSyntax: .*LIMIT/],
    ['SELECT s.id FROM archive s JOIN archive t ON s.id = t.id', /ParseMalformedJoin/],
    ['SELECT * FROM archive WHERE', /ParseExpectedExpression/],
  ] as const) {
    const run = await sh(`gl-select ${ENDPOINT} --bucket results --sql ${quote(sql)} < ledger.ndjson`, { env, cwd: dir });
    t.equal(run.status, 2, `${sql}: exit 2`);
    t.equal(run.stdout.length, 0, 'no job record');
    t.match(run.stderr, message);
  }
  // Linux caps one argument at 128 KiB, so a query that long comes from a file.
  writeFile(dir, 'long.sql', `SELECT * FROM archive WHERE _1 = '${'x'.repeat(131_072)}'`);
  const long = await sh(`gl-select ${ENDPOINT} --bucket results --sql-file long.sql < ledger.ndjson`, { env, cwd: dir });
  t.equal(long.status, 2);
  t.match(long.stderr, /ExpressionTooLong: the expression is 131107 bytes/);
  const longPrefix = await sh(`gl-select ${ENDPOINT} --bucket results --prefix ${'p'.repeat(505)} --sql 'SELECT * FROM archive' < ledger.ndjson`, { env, cwd: dir });
  t.equal(longPrefix.status, 2);
  t.match(longPrefix.stderr, /is 513 bytes; Glacier allows 512/);
  t.same(server.requests.filter((r) => r.operation === 'InitiateJob'), [], "gl-local's request log holds no InitiateJob");
});

t.test('--no-wait on an unfinished job exits 75 with nothing on stdout; --wait then fetches it', async (t) => {
  // Long enough that both early runs finish before the job does, even on a loaded machine.
  const { dir, env } = await stage(t, salesCsv(2000, 3), { jobDelay: 10 });
  const started = await sh(`gl-select ${ENDPOINT} --bucket results --header use --sql ${quote(FILTER)} < ledger.ndjson > jobs.ndjson`, { env, cwd: dir });
  t.equal(started.status, 0, started.stderr);
  const early = await sh(`gl-fetch-results ${ENDPOINT} --no-wait < jobs.ndjson`, { env, cwd: dir });
  t.equal(early.status, 75);
  t.equal(early.stdout.length, 0);
  t.match(early.stderr, /stdin:1: select job \S+ in vault sales is not finished \(InProgress, started /);
  const timedOut = await sh(`gl-fetch-results ${ENDPOINT} --poll-interval 100ms --timeout 300ms < jobs.ndjson`, { env, cwd: dir });
  t.equal(timedOut.status, 75, '--timeout ends the wait with 75 too');
  t.equal(timedOut.stdout.length, 0);
  const waited = await sh(`gl-fetch-results ${ENDPOINT} --wait --poll-interval 200ms < jobs.ndjson`, { env, cwd: dir });
  t.equal(waited.status, 0, waited.stderr);
  const local = await sh(`gl-select --local sales.csv --header use --sql ${quote(FILTER)}`, { cwd: dir });
  t.ok(waited.stdout.equals(local.stdout) && local.stdout.length > 0, 'the rows, once the job is done');
});

t.test('--format ndjson: header names when the query names its columns, _N when it does not', async (t) => {
  const csv = 'id,name,note\n1,ann,"a, b"\n2,bob,"two\nlines"\n3,cy,""\n';
  const { dir, env } = await stage(t, csv);
  const named = await sh(
    `gl-select ${ENDPOINT} --bucket results --header use --sql ${quote('SELECT s.id, UPPER(s.name) AS who, s.note FROM archive s')} < ledger.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms --format ndjson`,
    { env, cwd: dir },
  );
  t.equal(named.status, 0, named.stderr);
  t.same(records(named), [
    { id: '1', who: 'ANN', note: 'a, b' },
    { id: '2', who: 'BOB', note: 'two\nlines' },
    { id: '3', who: 'CY', note: '' },
  ]);
  const positional = await sh(
    `gl-select ${ENDPOINT} --bucket results --header ignore --sql ${quote('SELECT * FROM archive')} < ledger.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms --format ndjson`,
    { env, cwd: dir },
  );
  t.equal(positional.status, 0, positional.stderr);
  t.same(records(positional), [
    { _1: '1', _2: 'ann', _3: 'a, b' },
    { _1: '2', _2: 'bob', _3: 'two\nlines' },
    { _1: '3', _2: 'cy', _3: '' },
  ]);
  const semicolons = await sh(
    `gl-select ${ENDPOINT} --bucket results --header use --output-field-delimiter ';' --quote-fields always --sql ${quote('SELECT s.name, s.note FROM archive s')} < ledger.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms --format ndjson`,
    { env, cwd: dir },
  );
  t.same(records(semicolons)[1], { name: 'bob', note: 'two\nlines' }, "the job's own output serialization is read back");
});

t.test('several result objects come out in manifest order, and --delete leaves nothing under the job', async (t) => {
  const { server, dir, env } = await stage(t, salesCsv(60_000, 11), { resultObjectBytes: 1 });
  const run = await sh(
    `gl-select ${ENDPOINT} --bucket results --prefix many --sql ${quote('SELECT * FROM archive')} < ledger.ndjson | tee jobs.ndjson | ` +
      `gl-fetch-results ${ENDPOINT} --poll-interval 100ms --concurrency 3 --delete`,
    { env, cwd: dir },
  );
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout.toString(), readFileSync(join(dir, 'sales.csv'), 'utf8'), 'SELECT * gives the file back whole, objects in order');
  const [job] = records({ status: 0, stdout: readFileSync(join(dir, 'jobs.ndjson')), stderr: '' });
  const gets = server.requests.filter((r) => r.operation === 'GetObject' && r.path.includes('/results/part-'));
  t.ok(gets.length >= 3, `${gets.length} result objects fetched`);
  t.match(run.stderr, new RegExp(`deleted \\d+ object\\(s\\) under s3://results/many/${job.jobId}/`));
  const left = await s3Client(server).send(new ListObjectsV2Command({ Bucket: 'results', Prefix: `many/${job.jobId}/` }));
  t.equal(left.KeyCount, 0, 'no objects left under the job prefix');
});

t.test('S3 GET faults are retried and the output is still exact', async (t) => {
  // Each rule fires once (so no GET can fail its eight attempts), on about every other
  // request it sees; the seed makes the sequence the same on every run. HEAD answers have no body
  // to name a 4xx error in, so HEAD gets the faults whose status says "try again".
  const { server, dir, env } = await stage(t, salesCsv(60_000, 5), {
    resultObjectBytes: 1,
    faults: 'GetObject:500@0.5x1,GetObject:reset@0.5x1,GetObject:corrupt@0.5x1,GetObject:throttle@0.5x1,HeadObject:500@0.5x1,HeadObject:reset@0.5x1',
    faultSeed: 42,
  });
  const run = await sh(
    `gl-select ${ENDPOINT} --bucket results --header use --sql ${quote(FILTER)} < ledger.ndjson | gl-fetch-results ${ENDPOINT} --poll-interval 100ms`,
    { env, cwd: dir },
  );
  t.equal(run.status, 0, run.stderr);
  const local = await sh(`gl-select --local sales.csv --header use --sql ${quote(FILTER)}`, { cwd: dir });
  t.ok(run.stdout.equals(local.stdout), 'byte for byte the rows gl-select --local gives');
  const faults = server.requests.filter((r) => r.fault !== null).map((r) => `${r.operation}:${r.fault}`);
  for (const kind of ['GetObject:500', 'GetObject:reset', 'GetObject:corrupt', 'GetObject:throttle', 'HeadObject:500', 'HeadObject:reset']) t.ok(faults.includes(kind), `${kind} happened`);
  t.match(run.stderr, /retrying \(attempt 2\)/, 'retries are reported on stderr');
});

t.test('a closed stdout ends gl-fetch-results quietly', async (t) => {
  const { dir, env } = await stage(t, salesCsv(50_000, 9));
  const run = await sh(`gl-select ${ENDPOINT} --bucket results --sql 'SELECT * FROM archive' < ledger.ndjson | gl-fetch-results ${ENDPOINT} --poll-interval 100ms | head -c 100`, {
    env,
    cwd: dir,
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout.length, 100);
  t.notMatch(run.stderr, /EPIPE|Error/);
});
