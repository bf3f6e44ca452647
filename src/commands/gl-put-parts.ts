// gl-put-parts: upload records in, one ledger (`archive`) record out per archive Glacier stored.

import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { ThrottleGate } from '../aws/throttle-gate.js';
import { commandLine } from '../cli/args.js';
import { runCommand, warn } from '../cli/run.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { InterruptedError, PipesError, UsageError } from '../errors.js';
import { descriptionProblem } from '../records/limits.js';
import { readUploadStream } from '../records/upload-stream.js';
import { RecordWriter } from '../records/writer.js';
import { JOURNAL_VERSION, Journal, type JournalState } from '../upload/journal.js';
import { UploadReporter } from '../upload/progress.js';
import { UploadRequests } from '../upload/requests.js';
import { putArchives, UploadStopped } from '../upload/uploader.js';
import { checkVaultName } from '../vault/vaults.js';

const NAME = 'gl-put-parts';
const MAX_CONCURRENCY = 64;

await runCommand(
  NAME,
  async ({ signal, atQuit }) => {
    const args = process.argv.slice(2);
    const argv = await commandLine(
      NAME,
      args,
      'gl-put-parts --vault V [--concurrency 4] [--journal FILE] [--resume] [--keep-upload] [--description TEXT] [--region R] [--endpoint-url URL] [--profile P] [--progress]',
      'Stores every archive of an upload-record stream (gl-chunk, gl-treehash --records) in vault V, several parts at once, ' +
        'and writes one archive record per archive to stdout once Glacier has confirmed it and its tree hash. ' +
        'With --journal, every step is written down, and the same pipeline run again with --resume continues where it stopped.',
      [
        'tar c photos/ | gl-chunk --part-size 64MiB --name photos.tar | gl-put-parts --vault photos >> archives.ndjson',
        'gl-chunk backup.tar | gl-put-parts --vault backups --journal backup.journal --resume --progress >> archives.ndjson',
        'tar c db/ | gl-chunk --name db.tar | ssh vault-host gl-put-parts --vault db >> archives.ndjson',
      ],
    )
      .option('vault', { type: 'string', requiresArg: true, demandOption: true, describe: 'the vault to store the archives in' })
      .option('concurrency', wholeNumberOption('concurrency', { default: 4, min: 1, max: MAX_CONCURRENCY, describe: 'parts in flight at once (and in memory, for inline data)' }))
      .option('journal', { type: 'string', requiresArg: true, describe: 'append every step to FILE (NDJSON, flushed to disk), so that --resume can continue the run' })
      .option('resume', { type: 'boolean', default: false, describe: "continue the run in --journal FILE: parts and archives Glacier holds are not sent again" })
      .option('keep-upload', { type: 'boolean', default: false, describe: 'on failure, keep the multipart upload instead of aborting it (always kept with --journal)' })
      .option('description', { type: 'string', requiresArg: true, describe: "archive description instead of the upload record's; {} in TEXT stands for the record's own" })
      .options(awsFlags)
      .option('progress', { type: 'boolean', default: false, describe: 'show progress on stderr even when it is not a terminal' })
      .parseAsync();

    checkVaultName(argv.vault);
    if (argv.resume && argv.journal === undefined) throw new UsageError('--resume needs --journal FILE: the journal of the run to continue');
    const template = argv.description;
    if (template !== undefined) {
      const problem = descriptionProblem(template.replaceAll('{}', ''));
      if (problem) throw new UsageError(`--description: ${problem}`);
    }
    if (process.stdin.isTTY) throw new UsageError('stdin is a terminal; pipe upload records in, e.g. gl-chunk FILE | gl-put-parts --vault V');

    const client = createGlacierClient(awsSettings(argv), { maxAttempts: 1 });
    // Fail before reading any input when there is no region or no credentials.
    let region: string;
    try {
      region = await client.config.region();
      await client.config.credentials();
    } catch (err) {
      throw new PipesError('AWS_SETUP', describeAwsError(err));
    }

    let journal: Journal | undefined;
    let previous: JournalState | undefined;
    if (argv.journal !== undefined) {
      ({ journal, previous } = await Journal.open(argv.journal));
      // A run to continue began some archive and did not finish. A finished one has nothing
      // left: --resume then begins a new run, so that a script may pass it every time.
      const resuming = !previous.finished && previous.archives.length > 0;
      if (!argv.resume && resuming) {
        await journal.close();
        throw new PipesError(
          'UNFINISHED_JOURNAL',
          `journal ${argv.journal} holds a run begun ${previous.started ?? '(time unknown)'} that did not finish: continue it with --resume, or remove the file to start over`,
        );
      }
      // A vault is its name in a region: the same name elsewhere holds none of the run's archives.
      const theirs = { vault: previous.vault ?? argv.vault, region: previous.region ?? region };
      if (resuming && (theirs.vault !== argv.vault || theirs.region !== region)) {
        await journal.close();
        throw new UsageError(`--resume: the run in ${argv.journal} stored into vault "${theirs.vault}" in ${theirs.region}, not "${argv.vault}" in ${region}`);
      }
      if (argv.resume && previous.finished) warn(NAME, `journal ${argv.journal}: its last run finished; starting a new one`);
      if (!resuming) previous = undefined;
      await journal.append({ step: resuming ? 'resume' : 'start', v: JOURNAL_VERSION, vault: argv.vault, region, argv: args, pid: process.pid }).catch(async (err: unknown) => {
        await journal!.close();
        throw err;
      });
      atQuit(() => {
        journal!.releaseLockNow();
        warn(NAME, `requests on the wire were abandoned; the journal ${argv.journal} has every step acknowledged before: to continue, run the same pipeline again ending in: ${resumeCommand(args)}`);
      });
    }

    const reporter = new UploadReporter(process.stderr, { progress: argv.progress || process.stderr.isTTY === true, tty: process.stderr.isTTY === true, name: NAME });
    signal.addEventListener('abort', () => {
      if (signal.reason instanceof InterruptedError) reporter.warning(`${signal.reason.message}: stopping once the requests on the wire are answered (again to quit at once)`);
    });
    const requests = new UploadRequests({ client, vault: argv.vault, gate: new ThrottleGate(argv.concurrency), onRetry: (event) => reporter.retry(event) });
    const ledger = new RecordWriter(process.stdout);
    try {
      const result = await putArchives(readUploadStream(process.stdin, { keepData: true, reuseLines: true, signal, onWarning: (message) => reporter.warning(message) }), {
        requests,
        concurrency: argv.concurrency,
        // Written out, not just queued: only then may the journal say so.
        writeLedger: async (record) => {
          await ledger.write(record);
          await ledger.flush();
        },
        journal,
        previous,
        keepUpload: argv.keepUpload,
        description: template === undefined ? undefined : (upload) => template.replaceAll('{}', upload.description),
        signal,
        observer: reporter,
      });
      // Most often the command before failed, and a pipeline without pipefail would not say so.
      if (result.archives === 0) throw new PipesError('EMPTY_INPUT', 'no upload records on stdin: nothing stored');
      await journal?.append({ step: 'done', archives: result.archives });
    } catch (err) {
      if (!(err instanceof UploadStopped)) throw err;
      reporter.close();
      await journal?.append({ step: 'stopped', reason: err.message }).catch(() => {});
      warn(NAME, err.message);
      if (journal && err.code === 'INPUT_CHANGED') {
        warn(NAME, `this input is not the one the run in ${journal.path} began with: run that pipeline again with --resume, or remove ${journal.path} to start over`);
      } else if (journal) warn(NAME, `to continue, run the same pipeline again ending in: ${resumeCommand(args)}`);
      else if (err.exitCode === 130) warn(NAME, 'a run with --journal FILE can be resumed after an interruption');
      return err.exitCode;
    } finally {
      reporter.close();
      await journal?.close();
    }
  },
  { onClosedStdout: 'fail' },
);

/** This command line with --resume, quoted for a POSIX shell. */
function resumeCommand(args: string[]): string {
  const words = [NAME, ...args, ...(args.includes('--resume') ? [] : ['--resume'])];
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
