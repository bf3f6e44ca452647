// gl-local: serves the Glacier and S3 APIs on loopback until SIGINT/SIGTERM.

import { commandLine } from '../cli/args.js';
import { runCommand, warn } from '../cli/run.js';
import { wholeNumberOption } from '../cli/whole-number.js';
import { EXIT, UsageError } from '../errors.js';
import { parseFaultSpec, type FaultRule } from '../local/faults.js';
import { isValidVaultName } from '../local/glacier/validate.js';
import { parseJobDelay } from '../local/job-delay.js';
import { startLocal } from '../local/server.js';

const NAME = 'gl-local';

await runCommand(NAME, async ({ signal }) => {
  const argv = await commandLine(
    NAME,
    process.argv.slice(2),
    'gl-local [--host 127.0.0.1] [--port 0] [--data-dir DIR] [--vault NAME]... [--access-key K --secret-key S] [--region R] [--job-delay 0|tier|SECONDS] [--faults SPEC] [--fault-seed N] [--log]',
    'Serves the Glacier vault API and the S3 subset Glacier Select needs on 127.0.0.1, checking SigV4 signatures, ' +
      'keeping state in --data-dir. Prints the endpoint URL (alone, on one line) once it is listening; stops on SIGINT/SIGTERM.',
    [
      'gl-local --data-dir ~/.gl-local > gl-local.url & sleep 1; export AWS_ENDPOINT_URL=$(cat gl-local.url) AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1',
      'aws glacier create-vault --account-id - --vault-name photos --endpoint-url "$AWS_ENDPOINT_URL"',
      "gl-local --faults 'UploadMultipartPart:500@0.2,GetJobOutput:corrupt' --fault-seed 7 --log 2> requests.ndjson",
    ],
  )
    .option('host', { type: 'string', requiresArg: true, default: '127.0.0.1', describe: 'interface to listen on (loopback unless you ask otherwise)' })
    .option('port', wholeNumberOption('port', { default: 0, min: 0, max: 65535, what: 'a port number', describe: 'port; 0 picks a free one' }))
    .option('data-dir', { type: 'string', requiresArg: true, describe: 'state directory, kept across restarts (default: a temporary one, removed on exit)' })
    .option('vault', { type: 'string', array: true, default: [], describe: 'create this vault at start-up (repeatable)' })
    .option('access-key', { type: 'string', requiresArg: true, default: 'test', describe: 'access key ID requests must be signed with' })
    .option('secret-key', { type: 'string', requiresArg: true, default: 'test', describe: 'secret key requests must be signed with' })
    .option('region', { type: 'string', requiresArg: true, default: 'us-east-1', describe: 'region in ARNs' })
    .option('job-delay', { type: 'string', requiresArg: true, default: '0', describe: 'seconds until a job completes, or "tier" (Expedited 1 s, Standard 5 s, Bulk 12 s)' })
    .option('faults', { type: 'string', requiresArg: true, describe: 'fault rules, e.g. "UploadMultipartPart:500@0.2,GetJobOutput:corrupt" (see the README)' })
    .option('fault-seed', wholeNumberOption('fault-seed', { default: 1, min: Number.MIN_SAFE_INTEGER, what: 'an integer', describe: 'seed for the fault rules (same seed, same faults)' }))
    .option('log', { type: 'boolean', default: false, describe: 'write one NDJSON record per request to stderr' })
    .parseAsync();

  for (const name of argv.vault) if (!isValidVaultName(name)) throw new UsageError(`--vault: "${name}" is not a vault name (1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.')`);
  const jobDelay = parseJobDelay(argv.jobDelay);
  if (jobDelay === undefined) throw new UsageError(`--job-delay: "${argv.jobDelay}" is not 0, "tier" or a number of seconds`);
  let faults: FaultRule[] = [];
  try {
    faults = parseFaultSpec(argv.faults ?? '');
  } catch (err) {
    throw new UsageError(`--faults: ${(err as Error).message}`);
  }

  const server = await startLocal({
    host: argv.host,
    port: argv.port,
    dataDir: argv.dataDir,
    vaults: argv.vault,
    accessKeyId: argv.accessKey,
    secretAccessKey: argv.secretKey,
    region: argv.region,
    jobDelay,
    faults,
    faultSeed: argv.faultSeed,
    recordRequests: false,
  });
  if (argv.log) server.on('request', (record) => process.stderr.write(`${JSON.stringify(record)}\n`));
  process.stdout.write(`${server.url}\n`);
  warn(NAME, `listening on ${server.url}, state in ${server.dataDir}${argv.dataDir === undefined ? ' (temporary)' : ''}`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(argv.host)) warn(NAME, `--host ${argv.host}: reachable from other machines`);

  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
  warn(NAME, 'stopped');
  return EXIT.ok;
});
