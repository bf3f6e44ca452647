// gl-select: starts one Glacier Select job per archive (archive records on stdin, or --vault and
// --archive-id) and writes a job record for each. What Glacier would refuse is refused here first,
// before any job exists. --local runs the same query on a local CSV file instead.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { commandLine, flagName } from '../cli/args.js';
import { jobFlags } from '../cli/job-flags.js';
import { runCommand, warn } from '../cli/run.js';
import { EXIT, InputError, PipesError, UsageError } from '../errors.js';
import {
  CANNED_ACLS,
  ENCRYPTION_TYPES,
  initiateSelectJob,
  prepareSelectJob,
  SelectJobError,
  STORAGE_CLASSES,
  TIERS,
  type SelectJobSpec,
} from '../jobs/select-job.js';
import { userFields } from '../jobs/user-fields.js';
import { writeOut } from '../fetch/write-out.js';
import { fileError } from '../records/file-problem.js';
import { readRecords } from '../records/reader.js';
import type { ArchiveRecord } from '../records/types.js';
import { RecordWriter } from '../records/writer.js';
import { compileSelect, SelectError, selectParameters, type CompiledSelect, type CsvInputSerialization, type CsvOutputSerialization } from '../select/index.js';

const NAME = 'gl-select';
/** Engine errors about the CSV members rather than the SQL. */
const CSV_OPTION_CODES = new Set<string>(['InvalidRequestParameter', 'InvalidFileHeaderInfo', 'InvalidQuoteFields']);

// A job's record must not be lost once the job exists; a local run is just rows, and `| head` may stop it.
const localRun = process.argv.slice(2).some((arg) => arg === '--local' || arg.startsWith('--local='));

await runCommand(
  NAME,
  async ({ signal }) => {
    const argv = await commandLine(
      NAME,
      process.argv.slice(2),
      'gl-select --sql SQL --bucket B [--prefix P] [--tier Expedited|Standard|Bulk] [--header use|ignore|none] [csv options] [output options] [--vault V --archive-id ID]\n' +
        '       gl-select --sql SQL --local FILE.csv [--header ...] [csv options]',
      'Starts a Glacier Select job on each archive in the archive records on stdin (or on --vault/--archive-id) and writes one job record per job, ' +
        'for gl-fetch-results. The SQL, the CSV options and the output location are checked first: nothing Glacier would refuse becomes a job. ' +
        'With --local, runs the query on a CSV file here and prints exactly the rows the job would produce.',
      [
        `grep sales-2024 archives.ndjson | gl-select --bucket results --prefix q1 --header use --sql "SELECT s.id, s.amount FROM archive s WHERE s.region = 'EU'" | gl-fetch-results > eu.csv`,
        `gl-select --local sales-2024.csv --header use --sql "SELECT s.id, s.amount FROM archive s WHERE CAST(s.amount AS INT) > 500" | head`,
        `gl-select --vault photos --archive-id="$ID" --bucket results --tier Bulk --sql "SELECT _1, _4 FROM archive WHERE _2 LIKE '%.jpg'" >> jobs.ndjson`,
      ],
    )
      .option('sql', { type: 'string', requiresArg: true, describe: 'the query: SELECT ... FROM ARCHIVE [alias] [WHERE ...] (docs/select.md)' })
      .option('sql-file', { type: 'string', requiresArg: true, describe: 'read the query from this file instead (a command-line argument holds at most 128 KiB)' })
      .option('bucket', { type: 'string', requiresArg: true, describe: 'S3 bucket for the results (same region as the vault)' })
      .option('prefix', { type: 'string', requiresArg: true, default: '', describe: 'key prefix; results go to s3://BUCKET/PREFIX/JOBID/' })
      .option('tier', { choices: TIERS, default: 'Standard' as const, describe: 'retrieval tier' })
      .option('header', { choices: ['use', 'ignore', 'none'] as const, default: 'none' as const, describe: 'first line of the CSV: column names to use, a line to skip, or data' })
      .option('field-delimiter', { type: 'string', requiresArg: true, describe: 'input field delimiter (default ","; \\t, \\n, \\r are understood)' })
      .option('record-delimiter', { type: 'string', requiresArg: true, describe: 'input record delimiter (default \\n, which also ends records at \\r\\n)' })
      .option('quote-character', { type: 'string', requiresArg: true, describe: 'input quote character (default ")' })
      .option('quote-escape-character', { type: 'string', requiresArg: true, describe: 'input character that escapes a quote inside quotes (default ")' })
      .option('comments', { type: 'string', requiresArg: true, describe: 'lines starting with this character are skipped (default #; "" for none)' })
      .option('quote-fields', { choices: ['always', 'asneeded'] as const, describe: 'output: quote every field, or only where needed (default)' })
      .option('output-field-delimiter', { type: 'string', requiresArg: true, describe: 'output field delimiter (default ",")' })
      .option('output-record-delimiter', { type: 'string', requiresArg: true, describe: 'output record delimiter (default \\n)' })
      .option('output-quote-character', { type: 'string', requiresArg: true, describe: 'output quote character (default ")' })
      .option('output-quote-escape-character', { type: 'string', requiresArg: true, describe: 'output quote escape character (default ")' })
      .option('storage-class', { choices: STORAGE_CLASSES, describe: 'storage class of the result objects' })
      .option('sse', { choices: ENCRYPTION_TYPES, describe: 'server-side encryption of the result objects' })
      .option('kms-key-id', { type: 'string', requiresArg: true, describe: 'KMS key for --sse aws:kms' })
      .option('acl', { choices: CANNED_ACLS, describe: 'canned ACL of the result objects' })
      .option('tag', { type: 'string', array: true, requiresArg: true, describe: 'tag the result objects: KEY=VALUE (repeatable)' })
      .option('metadata', { type: 'string', array: true, requiresArg: true, describe: 'user metadata on the result objects: KEY=VALUE (repeatable)' })
      .option('vault', { type: 'string', requiresArg: true, describe: 'with --archive-id: the one archive to query, instead of records on stdin' })
      .option('archive-id', { type: 'string', requiresArg: true, describe: 'with --vault: the archive to query' })
      .option('local', { type: 'string', requiresArg: true, describe: 'run the query on this CSV file (- for stdin) and print the rows the job would produce' })
      .options(jobFlags)
      .options(awsFlags)
      .parseAsync();

    if ((argv.sql === undefined) === (argv.sqlFile === undefined)) throw new UsageError('give the query with --sql or --sql-file (one of them)');
    const sql = argv.sql ?? (await readFile(argv.sqlFile!, 'utf8').catch((err) => {
      throw fileError(err, argv.sqlFile!);
    }));
    const input: CsvInputSerialization = {
      FileHeaderInfo: argv.header.toUpperCase(),
      FieldDelimiter: character(argv.fieldDelimiter, '--field-delimiter'),
      RecordDelimiter: character(argv.recordDelimiter, '--record-delimiter'),
      QuoteCharacter: character(argv.quoteCharacter, '--quote-character'),
      QuoteEscapeCharacter: character(argv.quoteEscapeCharacter, '--quote-escape-character'),
      Comments: character(argv.comments, '--comments'),
    };
    const output: CsvOutputSerialization = {
      QuoteFields: argv.quoteFields?.toUpperCase(),
      FieldDelimiter: character(argv.outputFieldDelimiter, '--output-field-delimiter'),
      RecordDelimiter: character(argv.outputRecordDelimiter, '--output-record-delimiter'),
      QuoteCharacter: character(argv.outputQuoteCharacter, '--output-quote-character'),
      QuoteEscapeCharacter: character(argv.outputQuoteEscapeCharacter, '--output-quote-escape-character'),
    };
    if (argv.local !== undefined) {
      for (const flag of ['bucket', 'vault', 'archiveId', 'snsTopic', 'description', 'sse', 'kmsKeyId', 'acl', 'storageClass', 'tag', 'metadata'] as const) {
        if (argv[flag] !== undefined) throw new UsageError(`--local runs the query here; --${flagName(flag)} is for a job`);
      }
      const query = checked(() => compileSelect(selectParameters(sql, defined(input), defined(output))));
      for (const warning of query.warnings) warn(NAME, `warning: ${warning}`);
      return runLocally(query, argv.local, signal);
    }
    if (argv.bucket === undefined) throw new UsageError('--bucket is required (or --local FILE to run the query here)');
    if ((argv.vault === undefined) !== (argv.archiveId === undefined)) throw new UsageError('--vault and --archive-id go together');
    if (argv.kmsKeyId !== undefined && argv.sse !== 'aws:kms') throw new UsageError('--kms-key-id needs --sse aws:kms');

    const spec: SelectJobSpec = {
      expression: sql,
      input: defined(input),
      output: defined(output),
      tier: argv.tier,
      description: argv.description,
      snsTopic: argv.snsTopic,
      location: {
        bucket: argv.bucket,
        prefix: argv.prefix,
        storageClass: argv.storageClass,
        cannedAcl: argv.acl,
        tagging: pairs(argv.tag, '--tag'),
        userMetadata: pairs(argv.metadata, '--metadata'),
        encryption: argv.sse === undefined ? undefined : { type: argv.sse, kmsKeyId: argv.kmsKeyId },
      },
    };
    const job = checked(() => prepareSelectJob(spec));
    for (const warning of job.query.warnings) warn(NAME, `warning: ${warning}`);

    const glacier = createGlacierClient(awsSettings(argv));
    const writer = new RecordWriter(process.stdout);
    if (argv.vault !== undefined) {
      await writer.write(await initiateSelectJob(glacier, job, { vault: argv.vault, archiveId: argv.archiveId! }, signal).catch((err) => {
        throw new PipesError('INITIATE_JOB', `vault ${argv.vault}, archive ${argv.archiveId}: ${describeAwsError(err)}`);
      }));
      await writer.flush();
      return EXIT.ok;
    }
    if (process.stdin.isTTY) throw new UsageError('no archive records: pipe a ledger (archive records) into gl-select, or give --vault and --archive-id');

    let failures = 0;
    for await (const { line, record } of readRecords(addAbortSignal(signal, process.stdin))) {
      if (record.type !== 'archive') throw new InputError('stdin', line, `gl-select starts jobs on archive records; this is a "${record.type}" record`);
      const archive = record as ArchiveRecord;
      try {
        await writer.write(await initiateSelectJob(glacier, job, { vault: archive.vault, archiveId: archive.archiveId, extra: userFields(archive) }, signal));
      } catch (err) {
        if (signal.aborted) throw err;
        failures++;
        warn(NAME, `stdin:${line}: vault ${archive.vault}, archive ${archive.archiveId}: ${describeAwsError(err)}`);
      }
    }
    await writer.flush();
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
  { onClosedStdout: localRun ? 'quiet' : 'fail' },
);

/** What Glacier would refuse is a usage error (exit 2), found before any job exists. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof SelectError) throw new UsageError(`${CSV_OPTION_CODES.has(err.code) ? 'csv options' : '--sql'}: ${err.code}: ${err.message}`);
    if (err instanceof SelectJobError) throw new UsageError(err.message);
    throw err;
  }
}

/** The query over a local CSV file (or stdin), written exactly as a job would write its results. */
async function runLocally(query: CompiledSelect, path: string, signal: AbortSignal): Promise<number> {
  const source = path === '-' ? 'stdin' : path;
  const input: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1024 * 1024 });
  // stdout is written, not piped into: an error upstream must not destroy it.
  const toStdout = async (rows: AsyncIterable<Buffer>) => {
    for await (const chunk of rows) await writeOut(process.stdout, chunk);
  };
  try {
    await pipeline(input, query.stream(), toStdout, { signal });
  } catch (err) {
    if (err instanceof SelectError) throw new PipesError(err.code, `${source}: ${err.code}: ${err.message}`);
    if ((err as NodeJS.ErrnoException).syscall === 'open' || (err as NodeJS.ErrnoException).syscall === 'read') throw fileError(err, source);
    throw err;
  }
  return EXIT.ok;
}

/** A delimiter or quote as typed: `\t`, `\n`, `\r` and `\\` are understood, since shells make them awkward. */
function character(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const escapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };
  return value.replace(/\\(.)/g, (whole, letter: string) => {
    const replacement = escapes[letter];
    if (replacement === undefined) throw new UsageError(`${flag}: unknown escape ${whole} (\\t, \\n, \\r and \\\\ are understood)`);
    return replacement;
  });
}

/** `KEY=VALUE` flags as an object; undefined when none were given. */
function pairs(values: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag}: "${value}" is not KEY=VALUE`);
    result[value.slice(0, at)] = value.slice(at + 1);
  }
  return result;
}

function defined<T extends object>(members: T): T {
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined)) as T;
}

