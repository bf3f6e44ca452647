// gl-vault: create, list, describe and delete vaults. list, describe and create write `vault`
// records; delete writes nothing and, when Glacier refuses because the vault is not empty, says
// what to run.

import { awsFlags, awsSettings, createGlacierClient } from '../aws/clients.js';
import { describeAwsError } from '../aws/errors.js';
import { commandLine, withOperands } from '../cli/args.js';
import { runCommand, warn } from '../cli/run.js';
import { EXIT, PipesError, UsageError } from '../errors.js';
import { RecordWriter } from '../records/writer.js';
import { checkVaultName, createVault, deleteVault, describeVault, listVaults } from '../vault/vaults.js';

const NAME = 'gl-vault';
const ACTIONS = ['create', 'list', 'describe', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

await runCommand(NAME, async ({ signal }) => {
  const argv = await withOperands(
    commandLine(
      NAME,
      process.argv.slice(2),
      'gl-vault create NAME...\n       gl-vault list\n       gl-vault describe NAME...\n       gl-vault delete NAME...',
      'Creates (idempotently), lists, describes and deletes Glacier vaults. list, describe and create write one vault record per vault on stdout ' +
        '(name, arn, created, and the archive count, size and date of Glacier\'s last inventory, null before the first). ' +
        'delete succeeds only on a vault that is empty at its last inventory; otherwise it says how to empty it.',
      [
        'gl-vault create photos && tar c photos/ | gl-chunk | gl-put-parts --vault photos >> archives.ndjson',
        `gl-vault list | jq -r 'select(.archives == 0) | .name'`,
        'gl-vault list | gl-inventory | gl-fetch-results > all-archives.ndjson',
        'gl-vault delete old-backups',
      ],
    ),
  )
    .options(awsFlags)
    .parseAsync();

  const [action, ...names] = argv._.map(String);
  if (!ACTIONS.includes(action as Action)) throw new UsageError(action === undefined ? `say what to do: ${ACTIONS.join(', ')}` : `unknown action "${action}" (${ACTIONS.join(', ')})`);
  if (action === 'list' && names.length > 0) throw new UsageError('gl-vault list takes no names');
  if (action !== 'list' && names.length === 0) throw new UsageError(`gl-vault ${action} needs at least one vault name`);
  names.forEach(checkVaultName);

  // One attempt per SDK call: vaults.ts retries each call itself.
  const glacier = createGlacierClient(awsSettings(argv), { maxAttempts: 1 });
  const writer = new RecordWriter(process.stdout);
  if (action === 'list') {
    for await (const vault of listVaults(glacier, { signal })) await writer.write(vault);
    await writer.flush();
    return EXIT.ok;
  }
  let failures = 0;
  for (const name of names) {
    try {
      if (action === 'delete') await deleteVault(glacier, name, { signal });
      else await writer.write(await (action === 'create' ? createVault : describeVault)(glacier, name, { signal }));
    } catch (err) {
      if (signal.aborted) throw err;
      failures++;
      warn(NAME, err instanceof PipesError ? err.message : `${action} ${name}: ${describeAwsError(err)}`);
    }
  }
  await writer.flush();
  return failures > 0 ? EXIT.failed : EXIT.ok;
});
