// gl-inventory: starts an inventory-retrieval job for each vault (--vault, or vault records on
// stdin) and writes a job record for each; gl-fetch-results turns the job into the vault's
// archive records, the ledger as Glacier knows it.

import { addAbortSignal } from 'node:stream';
import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { commandLine } from '../cli/args.js';
import { checkJobDescription, jobFlags } from '../cli/job-flags.js';
import { runCommand, warn } from '../cli/run.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { initiateInventoryJob, type InventoryJobSpec } from '../jobs/inventory-job.js';
import { readRecords } from '../records/reader.js';
import type { VaultRecord } from '../records/types.js';
import { RecordWriter } from '../records/writer.js';
import { checkVaultName } from '../vault/vaults.js';

const NAME = 'gl-inventory';
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

await runCommand(
  NAME,
  async ({ signal }) => {
    const argv = await commandLine(
      NAME,
      process.argv.slice(2),
      'gl-inventory --vault V [--vault V2 ...] [--format json|csv] [--start-date T] [--end-date T] [--limit N --marker M]\n' +
        '       gl-vault list | gl-inventory',
      'Starts an inventory-retrieval job for each vault and writes one job record per job. gl-fetch-results turns each into one archive ' +
        'record per archive in the vault (the ledger rebuilt from Glacier). Glacier answers with the inventory it took last (about once a ' +
        'day), so archives added or deleted since then may be missing or still listed; the job itself takes hours.',
      [
        'gl-inventory --vault photos | gl-fetch-results > photos-ledger.ndjson',
        'gl-inventory --vault scratch | gl-fetch-results | gl-rm > deleted.ndjson',
        'gl-vault list | gl-inventory --format csv | gl-fetch-results > all-archives.ndjson',
      ],
    )
      .option('vault', { type: 'string', array: true, requiresArg: true, describe: 'the vault to take stock of (repeatable); without it, vault records on stdin name the vaults' })
      .option('format', { choices: ['json', 'csv'] as const, default: 'json' as const, describe: "the inventory's format on the wire (the records gl-fetch-results writes are the same)" })
      .option('start-date', { type: 'string', requiresArg: true, describe: 'only archives created at or after this time (ISO 8601, e.g. 2024-01-01T00:00:00Z)' })
      .option('end-date', { type: 'string', requiresArg: true, describe: 'only archives created before this time' })
      .option('limit', wholeNumberOption('limit', { min: 1, describe: 'at most N archives per job; gl-fetch-results then prints how to ask for the next page' }))
      .option('marker', { type: 'string', requiresArg: true, describe: 'the page to start at, as gl-fetch-results printed it' })
      .options(jobFlags)
      .options(awsFlags)
      .parseAsync();
    for (const flag of ['startDate', 'endDate'] as const) {
      const value = argv[flag];
      if (value !== undefined && (!ISO_SECONDS.test(value) || Number.isNaN(Date.parse(value)))) {
        throw new UsageError(`--${flag === 'startDate' ? 'start-date' : 'end-date'}: "${value}" is not an ISO 8601 time with a zone, e.g. 2024-01-01T00:00:00Z`);
      }
    }
    if (argv.startDate && argv.endDate && Date.parse(argv.startDate) >= Date.parse(argv.endDate)) throw new UsageError('--start-date must be before --end-date');
    checkJobDescription(argv.description);
    const spec: InventoryJobSpec = {
      format: argv.format === 'csv' ? 'CSV' : 'JSON',
      startDate: argv.startDate,
      endDate: argv.endDate,
      limit: argv.limit,
      marker: argv.marker,
      description: argv.description,
      snsTopic: argv.snsTopic,
    };
    const named = (argv.vault ?? []).map(checkVaultName);
    if (named.length === 0 && process.stdin.isTTY) throw new UsageError('which vault? give --vault V, or pipe vault records (gl-vault list) into gl-inventory');
    if (argv.marker !== undefined && named.length !== 1) throw new UsageError('--marker continues the inventory of one vault: give it with one --vault');

    async function* vaults(): AsyncGenerator<{ vault: string; where: string }> {
      if (named.length > 0) {
        for (const vault of named) yield { vault, where: `vault ${vault}` };
        return;
      }
      let read = 0;
      for await (const { line, record } of readRecords(addAbortSignal(signal, process.stdin))) {
        if (record.type !== 'vault') throw new InputError('stdin', line, `gl-inventory reads vault records (gl-vault list); this is a "${record.type}" record`);
        read++;
        yield { vault: (record as VaultRecord).name, where: `stdin:${line}: vault ${(record as VaultRecord).name}` };
      }
      // A forgotten --vault in a script must not pass for an empty account.
      if (read === 0) throw new UsageError('which vault? give --vault V, or pipe vault records (gl-vault list) into gl-inventory; stdin held none');
    }

    const glacier = createGlacierClient(awsSettings(argv));
    const writer = new RecordWriter(process.stdout);
    let failures = 0;
    for await (const { vault, where } of vaults()) {
      try {
        await writer.write(await initiateInventoryJob(glacier, vault, spec, signal));
      } catch (err) {
        if (signal.aborted) throw err;
        failures++;
        warn(NAME, `${where}: ${describeAwsError(err)}`);
      }
    }
    await writer.flush();
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
  { onClosedStdout: 'fail' },
);
