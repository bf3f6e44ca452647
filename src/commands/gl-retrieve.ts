// gl-retrieve: starts one archive-retrieval job per archive record on stdin (the ledger, or the
// part of it grep picked) and writes a job record for each, for gl-fetch-results. A range Glacier
// would refuse, or whose bytes could not be verified, is refused before any job exists.

import { addAbortSignal } from 'node:stream';
import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { commandLine } from '../cli/args.js';
import { checkJobDescription, jobFlags } from '../cli/job-flags.js';
import { runCommand, warn } from '../cli/run.js';
import { EXIT, InputError, PipesError, UsageError } from '../errors.js';
import { initiateRetrievalJob } from '../jobs/retrieval-job.js';
import { TIERS } from '../jobs/select-job.js';
import { readRecords } from '../records/reader.js';
import type { ArchiveRecord } from '../records/types.js';
import { RecordWriter } from '../records/writer.js';
import { parseRangeText } from '../retrieve/ranges.js';

const NAME = 'gl-retrieve';

await runCommand(
  NAME,
  async ({ signal }) => {
    const argv = await commandLine(
      NAME,
      process.argv.slice(2),
      'gl-retrieve [--tier Expedited|Standard|Bulk] [--range START-END] [--description D] [--sns-topic ARN] < ledger.ndjson',
      'Starts an archive-retrieval job for each archive record on stdin and writes one job record per job (with the range and the ledger\'s tree ' +
        'hash and size, so that gl-fetch-results can verify every byte). Glacier stages the bytes in minutes (Expedited), 3-5 hours ' +
        '(Standard) or 5-12 hours (Bulk, the cheapest); gl-fetch-results waits for them.',
      [
        'grep photos-2019 archives.ndjson | gl-retrieve --tier Bulk | gl-fetch-results --output photos-2019.tar',
        'gl-retrieve < archives.ndjson > jobs.ndjson && gl-fetch-results --output-dir restored/ < jobs.ndjson',
        'grep big.iso archives.ndjson | gl-retrieve --range 0-1073741823 | gl-fetch-results > first-GiB.bin',
      ],
    )
      .option('tier', { choices: TIERS, default: 'Standard' as const, describe: 'retrieval tier: Expedited (minutes, dearest), Standard (hours), Bulk (5-12 hours, cheapest)' })
      .option('range', {
        type: 'string',
        requiresArg: true,
        describe: 'retrieve bytes START-END (inclusive; START- for the rest) of each archive: megabyte and tree-hash aligned, e.g. 0-1048575, 0-1073741823',
      })
      .options(jobFlags)
      .options(awsFlags)
      .parseAsync();
    const range = argv.range === undefined ? undefined : parseRangeText(argv.range);
    if (argv.range !== undefined && range === undefined) throw new UsageError(`--range: "${argv.range}" is not START-END (inclusive byte offsets) or START-`);
    checkJobDescription(argv.description);
    if (process.stdin.isTTY) throw new UsageError('no archive records: pipe a ledger (archive records) into gl-retrieve');

    const glacier = createGlacierClient(awsSettings(argv));
    const writer = new RecordWriter(process.stdout);
    let failures = 0;
    for await (const { line, record } of readRecords(addAbortSignal(signal, process.stdin))) {
      if (record.type !== 'archive') throw new InputError('stdin', line, `gl-retrieve starts jobs on archive records; this is a "${record.type}" record`);
      const archive = record as ArchiveRecord;
      try {
        await writer.write(await initiateRetrievalJob(glacier, archive, { tier: argv.tier, range, description: argv.description, snsTopic: argv.snsTopic }, signal));
      } catch (err) {
        if (signal.aborted) throw err;
        failures++;
        const why = err instanceof PipesError ? err.message : `vault ${archive.vault}, archive ${archive.archiveId}: ${describeAwsError(err)}`;
        warn(NAME, `stdin:${line}: ${why}`);
      }
    }
    await writer.flush();
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
  { onClosedStdout: 'fail' },
);
