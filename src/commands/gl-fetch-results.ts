// gl-fetch-results: reads job records, waits until the jobs are done (DescribeJob with backoff)
// and writes their output to stdout, job after job in input order: for select jobs the result
// rows, as CSV or NDJSON; for archive retrievals the archive's bytes, verified by tree hash (or
// to --output FILE / --output-dir DIR, resumable); for inventories the archive records. Nothing
// is written unless every job succeeded.

import { mkdir } from 'node:fs/promises';
import { addAbortSignal } from 'node:stream';
import { awsFlags, awsSettings, createGlacierClient, createS3Client } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { commandLine } from '../cli/args.js';
import { formatDuration, parseDuration } from '../cli/duration.js';
import { runCommand, warn } from '../cli/run.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { EXIT, InputError, PipesError, UsageError } from '../errors.js';
import { fetcherFor, GLACIER_ACTIONS, type FetchContext, type JobFetcher, type JobOutput } from '../fetch/index.js';
import { jobLabel } from '../jobs/job-label.js';
import { DescribeJobError, JobNotReadyError, waitForJobs } from '../jobs/wait.js';
import { readRecords } from '../records/reader.js';
import { isAlignedChunkSize } from '../retrieve/ranges.js';
import { parseByteSize } from '../units.js';
import type { JobRecord } from '../records/types.js';

const NAME = 'gl-fetch-results';

interface Pending {
  line: number;
  job: JobRecord;
  fetcher: JobFetcher;
}

await runCommand(NAME, async ({ signal }) => {
  const argv = await commandLine(
    NAME,
    process.argv.slice(2),
    'gl-fetch-results [--wait | --no-wait] [--poll-interval 30s] [--timeout DURATION] [--format csv|ndjson] [--delete] [--concurrency 4] [--chunk-size 16MiB]\n' +
      '                 [--output FILE | --output-dir DIR] [--attempts 8]',
    'Reads job records (from gl-select, gl-retrieve, gl-inventory) on stdin, waits until every job is done, and writes the output of each, ' +
      'in input order: for select jobs the result rows; for archive retrievals the bytes, every piece checked against Glacier\'s tree hash ' +
      'and the whole against the ledger\'s (to stdout, or to --output FILE / --output-dir DIR, where a file appears only once verified and an ' +
      'interrupted download resumes); for inventories one archive record per archive. A failed job: why on stderr, nothing on stdout, exit 1. ' +
      'Not finished with --no-wait, or by --timeout: exit 75, nothing on stdout.',
    [
      `grep sales-2024 archives.ndjson | gl-select --bucket results --header use --sql "SELECT s.id, s.amount FROM archive s WHERE s.region = 'EU'" | gl-fetch-results > eu.csv`,
      'grep photos.tar archives.ndjson | gl-retrieve --tier Bulk | gl-fetch-results --output photos.tar',
      'gl-retrieve < archives.ndjson > jobs.ndjson; gl-fetch-results --output-dir restored/ < jobs.ndjson   # run again to resume',
      'gl-inventory --vault photos | gl-fetch-results > photos-ledger.ndjson',
      'gl-fetch-results --no-wait --format ndjson < jobs.ndjson > rows.ndjson || [ $? -eq 75 ]   # in cron: done, or come back later',
    ],
  )
    .option('wait', { type: 'boolean', default: true, describe: 'wait for unfinished jobs; --no-wait: exit 75 at once if any job is not finished' })
    .option('poll-interval', { type: 'string', requiresArg: true, default: '30s', describe: 'first wait between DescribeJob rounds (500ms, 30s, 5m); later waits grow by half, up to 15m' })
    .option('timeout', { type: 'string', requiresArg: true, describe: 'stop waiting after this long (exit 75); default: no limit' })
    .option('format', { choices: ['csv', 'ndjson'] as const, describe: 'select results as the job wrote them (csv, the default), or one JSON object per row (ndjson)' })
    .option('output', { type: 'string', requiresArg: true, describe: 'archive retrievals: write the archive to FILE (one job), resumable; FILE appears only once verified' })
    .option('output-dir', { type: 'string', requiresArg: true, describe: 'archive retrievals: write each archive to DIR/ARCHIVE-ID (DIR/ARCHIVE-ID.START-END for a range), resumable' })
    .option('delete', { type: 'boolean', default: false, describe: "after a select job's output is written in full, delete its objects from S3" })
    .option('concurrency', wholeNumberOption('concurrency', { default: 4, min: 1, max: 64, describe: 'GET requests in flight' }))
    .option('chunk-size', { type: 'string', requiresArg: true, default: '16MiB', describe: 'bytes per ranged GET (for archives a power of two of whole MiB); memory holds (concurrency + 1) chunks' })
    .option('attempts', wholeNumberOption('attempts', { default: 8, min: 1, max: 100, describe: 'attempts per request (a damaged or failed piece is fetched again), the first included' }))
    .options(awsFlags)
    .parseAsync();

  const pollIntervalMs = parseDuration(argv.pollInterval);
  if (pollIntervalMs === undefined || pollIntervalMs <= 0) throw new UsageError(`--poll-interval: "${argv.pollInterval}" is not a duration (500ms, 30s, 5m, 1h)`);
  const timeoutMs = argv.timeout === undefined ? undefined : parseDuration(argv.timeout);
  if (timeoutMs === undefined && argv.timeout !== undefined) throw new UsageError(`--timeout: "${argv.timeout}" is not a duration (30s, 5m, 12h)`);
  const chunkSize = parseByteSize(argv.chunkSize);
  if (chunkSize === undefined || chunkSize < 64 * 1024 || chunkSize > 1024 ** 3) throw new UsageError(`--chunk-size: "${argv.chunkSize}" is not a size from 64KiB to 1GiB`);
  if (argv.output !== undefined && argv.outputDir !== undefined) throw new UsageError('--output FILE is for one archive, --output-dir DIR for several: give one of them');
  const toFiles = argv.output !== undefined || argv.outputDir !== undefined;

  // Every record is read and checked before any request: a bad line costs nothing.
  const pending: Pending[] = [];
  for await (const { line, record } of readRecords(addAbortSignal(signal, process.stdin))) {
    if (record.type !== 'job') throw new InputError('stdin', line, `gl-fetch-results reads job records; this is a "${record.type}" record`);
    const job = record as JobRecord;
    const fetcher = fetcherFor(job.action);
    if (argv.format !== undefined && !fetcher.formats.includes(argv.format)) {
      throw new InputError('stdin', line, `--format ${argv.format} does not apply to ${job.action} jobs (${fetcher.formats.join(', ')})`);
    }
    if (toFiles && job.action !== 'archive-retrieval') throw new InputError('stdin', line, `--output and --output-dir are for archive retrievals; this is a ${job.action} job`);
    if (job.action === 'archive-retrieval' && !isAlignedChunkSize(chunkSize)) {
      throw new UsageError(`--chunk-size: archives are read in tree-hash-aligned pieces, a power of two of whole MiB (1MiB, 2MiB, 4MiB, ... 1GiB), not "${argv.chunkSize}"`);
    }
    pending.push({ line, job, fetcher });
  }
  if (pending.length === 0) return EXIT.ok;
  if (argv.output !== undefined && pending.length > 1) throw new UsageError(`--output FILE takes one archive, and ${pending.length} jobs came; use --output-dir DIR`);
  if (argv.outputDir !== undefined) await mkdir(argv.outputDir, { recursive: true });

  const settings = awsSettings(argv);
  // The fetch owns its retries (every request is retried for its own range), so the clients make one attempt each.
  const glacier = createGlacierClient(settings, { maxAttempts: 1 });
  const context: FetchContext = {
    glacier,
    s3: createS3Client(settings, { maxAttempts: 1 }),
    signal,
    concurrency: argv.concurrency,
    chunkSize,
    attempts: argv.attempts,
    output: toFiles ? { file: argv.output, dir: argv.outputDir } : undefined,
    onRetry: (what, err, attempt) => warn(NAME, `${what}: ${describeAwsError(err)}; retrying (attempt ${attempt + 1})`),
    onNotice: (message) => warn(NAME, message),
  };
  const at = (index: number) => `stdin:${pending[index].line}`;

  let descriptions;
  try {
    descriptions = await waitForJobs(
      glacier,
      pending.map(({ job }) => job),
      {
        wait: argv.wait,
        pollIntervalMs,
        timeoutMs,
        signal,
        onWait: (unfinished, total, waitMs) => {
          if (process.stderr.isTTY) warn(NAME, `${unfinished} of ${total} job(s) not finished; looking again in ${formatDuration(waitMs)}`);
        },
      },
    );
  } catch (err) {
    if (err instanceof DescribeJobError) throw new PipesError(err.code, `${at(err.index)}: ${err.message}`);
    if (!(err instanceof JobNotReadyError)) throw err;
    for (const { index, description } of err.unfinished) {
      warn(NAME, `${at(index)}: ${jobLabel(pending[index].job)} is not finished (${description.StatusCode}, started ${description.CreationDate})`);
    }
    warn(NAME, argv.wait ? `gave up waiting after ${formatDuration(timeoutMs!)}; run again later` : 'not waiting (--no-wait); run again later');
    return EXIT.notReady;
  }

  // Every job is looked at before anything is written: one failed job means no output at all.
  const outputs: { index: number; output: JobOutput; notes: string[] }[] = [];
  let failed = 0;
  for (const [index, { job, fetcher }] of pending.entries()) {
    const description = descriptions[index];
    if (description.Action !== GLACIER_ACTIONS[job.action]) {
      throw new InputError('stdin', pending[index].line, `the record says ${job.action}, but Glacier says job ${job.jobId} is ${description.Action}`);
    }
    const opened = await fetcher.open(context, job, description).catch((err) => {
      throw failure(at(index), job, err, signal);
    });
    if (opened.ok) outputs.push({ index, output: opened.output, notes: opened.notes ?? [] });
    else {
      failed++;
      opened.report.forEach((line, n) => warn(NAME, n === 0 ? `${at(index)}: ${line}` : line));
    }
  }
  if (failed > 0) return EXIT.failed;

  for (const { index, output, notes } of outputs) {
    const { job, fetcher } = pending[index];
    await output.write(process.stdout, argv.format ?? fetcher.formats[0]).catch((err) => {
      throw failure(at(index), job, err, signal);
    });
    for (const note of notes) warn(NAME, `${at(index)}: ${note}`);
    if (argv.delete) {
      const removed = await output.remove().catch((err) => {
        throw failure(at(index), job, err, signal);
      });
      warn(NAME, `${at(index)}: ${removed}`);
    }
  }
  return EXIT.ok;
});

/** A failed request, naming the job it was for (an interruption stays an interruption). */
function failure(where: string, job: JobRecord, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || err instanceof PipesError) return err;
  return new PipesError('FETCH', `${where}: ${jobLabel(job)}: ${describeAwsError(err)}`, { cause: err });
}
