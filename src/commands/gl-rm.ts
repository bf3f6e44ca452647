// gl-rm: deletes the archives named by the `archive` records on stdin (a ledger, or the part of it
// grep picked) and writes one `deleted` record per archive Glacier confirmed, in input order.

import { addAbortSignal } from 'node:stream';
import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { deleteArchives, type DeleteRequest } from '../archive/delete-archives.js';
import { commandLine } from '../cli/args.js';
import { runCommand, warn } from '../cli/run.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { readRecords } from '../records/reader.js';
import type { ArchiveRecord } from '../records/types.js';
import { RecordWriter } from '../records/writer.js';
import { formatBytes } from '../units.js';

const NAME = 'gl-rm';

await runCommand(
  NAME,
  async ({ signal }) => {
    const argv = await commandLine(
      NAME,
      process.argv.slice(2),
      'gl-rm [--dry-run] [--concurrency 4] < ledger.ndjson',
      'Deletes the archives named by the archive records on stdin and writes one deleted record per archive Glacier confirmed, in input order. ' +
        'Deleting an archive that is already gone succeeds again, so running gl-rm twice is harmless. An archive that could not be deleted is ' +
        'named on stderr (stdin:LINE: why) and the exit status is 1; the others are still deleted.',
      [
        'grep old-backup- archives.ndjson | gl-rm >> deleted.ndjson',
        'gl-inventory --vault scratch | gl-fetch-results | gl-rm --dry-run',
        `jq -c 'select(.created < "2020")' archives.ndjson | gl-rm --concurrency 8 > deleted.ndjson`,
      ],
    )
      .option('dry-run', { type: 'boolean', default: false, describe: 'check the records and say on stderr what would be deleted; no request, nothing on stdout' })
      .option('concurrency', wholeNumberOption('concurrency', { default: 4, min: 1, max: 64, describe: 'DeleteArchive requests in flight (all pause together when Glacier throttles)' }))
      .options(awsFlags)
      .parseAsync();
    if (process.stdin.isTTY) throw new UsageError('no archive records: pipe a ledger (archive records) into gl-rm');

    async function* archives(): AsyncGenerator<DeleteRequest<number>> {
      for await (const { line, record } of readRecords(addAbortSignal(signal, process.stdin))) {
        if (record.type !== 'archive') throw new InputError('stdin', line, `gl-rm deletes the archives of archive records; this is a "${record.type}" record`);
        yield { archive: record as ArchiveRecord, tag: line };
      }
    }

    if (argv.dryRun) {
      let count = 0;
      let bytes = 0;
      for await (const { archive, tag } of archives()) {
        count++;
        bytes += archive.size;
        warn(NAME, `stdin:${tag}: would delete archive ${archive.archiveId} (${archive.name || archive.description || 'no name'}, ${formatBytes(archive.size)}) from vault ${archive.vault}`);
      }
      warn(NAME, `dry run: ${count} archive(s), ${formatBytes(bytes)}; nothing was deleted`);
      return EXIT.ok;
    }

    // One attempt per SDK call: the retries are deleteArchives' own, so every throttle reaches its gate.
    const glacier = createGlacierClient(awsSettings(argv), { maxAttempts: 1 });
    const writer = new RecordWriter(process.stdout);
    let failures = 0;
    let total = 0;
    const results = deleteArchives(glacier, archives(), {
      concurrency: argv.concurrency,
      signal,
      onRetry: (archive, err, attempt) => warn(NAME, `archive ${archive.archiveId}: ${describeAwsError(err)}; retrying (attempt ${attempt + 1})`),
    });
    for await (const result of results) {
      total++;
      if (result.ok) await writer.write(result.record);
      else {
        failures++;
        warn(NAME, `stdin:${result.tag}: ${result.reason}`);
      }
    }
    await writer.flush();
    if (failures > 0) warn(NAME, `${failures} of ${total} archive(s) not deleted`);
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
  { onClosedStdout: 'fail' },
);
