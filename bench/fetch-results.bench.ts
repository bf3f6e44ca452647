// gl-fetch-results over 1 GiB of select result objects, next to plain parallel GETs of the same
// objects with SDK v3 at the same concurrency, in the same run. Goal: >= 0.8x the plain GETs.
//
// Set-up: gl-local runs as its own process. A real select job runs over a small CSV archive (so
// Glacier knows a Succeeded select job with an output path); then 16 objects of 64 MiB are put
// under the job's results/ with S3 PutObject and its result_manifest.txt is rewritten to list
// them, so gl-fetch-results sees a job whose output is 1 GiB. Each measured run is a separate
// process whose peak RSS GNU time reports; both write nothing anywhere (stdout to /dev/null).
//
// Also runnable as the baseline: `node dist/bench/fetch-results.bench.js --get URL BUCKET CONCURRENCY KEY...`.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateVaultCommand, DescribeJobCommand, GlacierClient, InitiateJobCommand, UploadArchiveCommand } from '@aws-sdk/client-glacier';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { orderedMap } from '../src/jobs/ordered-map.js';
import { formatBytes } from '../src/units.js';
import { measureShell, printRatios, scratchDir, shellQuote, startGlLocal } from './lib.js';

const MiB = 1024 * 1024;
const OBJECT_SIZE = 64 * MiB;
const OBJECTS = 16;
const CONCURRENCY = 4;
const ROUNDS = 3;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function clients(endpoint: string) {
  return {
    glacier: new GlacierClient({ endpoint, region: 'us-east-1', credentials }),
    s3: new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true }),
  };
}

/** The baseline: GET each object whole, `concurrency` at a time, and drop the bytes. */
async function plainGets([endpoint, bucket, concurrency, ...keys]: string[]): Promise<void> {
  const { s3 } = clients(endpoint);
  let bytes = 0;
  const gets = orderedMap(keys, Number(concurrency), async (Key) => {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    for await (const chunk of answer.Body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  });
  for await (const _ of gets);
  if (bytes !== keys.length * OBJECT_SIZE) throw new Error(`read ${bytes} bytes, expected ${keys.length * OBJECT_SIZE}`);
}

/** CSV-looking bytes: lines of digits and commas. */
function objectBytes(seed: number): Buffer {
  const line = Buffer.from(`${String(seed).padStart(6, '0')},${'0123456789,'.repeat(9)}end\n`);
  const bytes = Buffer.allocUnsafe(OBJECT_SIZE);
  for (let at = 0; at < OBJECT_SIZE; at += line.length) line.copy(bytes, at, 0, Math.min(line.length, OBJECT_SIZE - at));
  return bytes;
}

/** A Succeeded select job whose result manifest lists OBJECTS objects of OBJECT_SIZE bytes. */
async function stageJob(endpoint: string): Promise<{ jobRecord: string; keys: string[] }> {
  const { glacier, s3 } = clients(endpoint);
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'bench' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'bench', body: Buffer.from('a,1\nb,2\n') }));
  const job = await glacier.send(
    new InitiateJobCommand({
      accountId: '-',
      vaultName: 'bench',
      jobParameters: {
        Type: 'select',
        ArchiveId: archiveId,
        SelectParameters: { Expression: 'SELECT * FROM archive', ExpressionType: 'SQL', InputSerialization: { csv: {} }, OutputSerialization: { csv: {} } },
        OutputLocation: { S3: { BucketName: 'results', Prefix: 'bench' } },
      },
    }),
  );
  const described = await glacier.send(new DescribeJobCommand({ accountId: '-', vaultName: 'bench', jobId: job.jobId! }));
  if (described.StatusCode !== 'Succeeded') throw new Error(`the staging job ended ${described.StatusCode}: ${described.StatusMessage}`);
  const path = job.jobOutputPath!;
  const keys = Array.from({ length: OBJECTS }, (_, i) => `${path}results/big-${String(i).padStart(3, '0')}.csv`);
  for (const [i, Key] of keys.entries()) await s3.send(new PutObjectCommand({ Bucket: 'results', Key, Body: objectBytes(i) }));
  await s3.send(new PutObjectCommand({ Bucket: 'results', Key: `${path}result_manifest.txt`, Body: keys.map((key) => `s3://results/${key}\n`).join('') }));
  const jobRecord = { type: 'job', v: 1, vault: 'bench', jobId: job.jobId, action: 'select', archiveId, tier: 'Standard', created: new Date().toISOString(), output: { bucket: 'results', prefix: 'bench', path } };
  return { jobRecord: `${JSON.stringify(jobRecord)}\n`, keys };
}

export default async function fetchResultsBench(): Promise<void> {
  const scratch = scratchDir('glp-fetch-bench-');
  const local = await startGlLocal(join(scratch.dir, 'gl-local'));
  try {
    const { jobRecord, keys } = await stageJob(local.url);
    const jobs = join(scratch.dir, 'jobs.ndjson');
    writeFileSync(jobs, jobRecord);
    const total = OBJECTS * OBJECT_SIZE;
    const self = fileURLToPath(import.meta.url);
    const env = `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`;
    const runs = [
      { label: `SDK v3 GetObject x${OBJECTS}, ${CONCURRENCY} in flight (baseline)`, command: `node ${[self, '--get', local.url, 'results', String(CONCURRENCY), ...keys].map(shellQuote).join(' ')} > /dev/null` },
      { label: `gl-fetch-results --concurrency ${CONCURRENCY} > /dev/null`, command: `gl-fetch-results --endpoint-url ${local.url} --concurrency ${CONCURRENCY} < ${shellQuote(jobs)} > /dev/null` },
      { label: `gl-fetch-results --concurrency ${CONCURRENCY} | cat > /dev/null`, command: `gl-fetch-results --endpoint-url ${local.url} --concurrency ${CONCURRENCY} < ${shellQuote(jobs)} | cat > /dev/null` },
    ];
    const best = new Map<string, { seconds: number; rss: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of runs) {
        const rssFile = join(scratch.dir, 'rss');
        // GNU time directly (as select-engine.bench does), around the measured command only.
        const [first, ...rest] = run.command.split(' | ');
        const timed = `${env} /usr/bin/time -f %M -o ${shellQuote(rssFile)} ${first}${rest.length ? ` | ${rest.join(' | ')}` : ''}`;
        const { seconds } = await measureShell(timed);
        const rss = Number(readFileSync(rssFile, 'utf8').trim()) * 1024;
        const previous = best.get(run.label);
        if (!previous || seconds < previous.seconds) best.set(run.label, { seconds, rss });
      }
    }
    printRatios(
      `fetching ${formatBytes(total)} of result objects (${OBJECTS} x ${formatBytes(OBJECT_SIZE)}) from gl-local (best of ${ROUNDS}; goal: gl-fetch-results >= 0.8x the plain GETs)`,
      runs.map((run) => run.label),
      best,
      total,
    );
  } finally {
    await local.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    scratch.remove();
  }
}

if (process.argv[2] === '--get' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await plainGets(process.argv.slice(3));
}
