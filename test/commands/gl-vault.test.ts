// gl-vault against gl-local in bash -o pipefail pipelines: create (idempotent), list and describe
// write vault records; delete removes an empty vault and refuses a full one with advice a user can
// follow; unknown vaults, bad names and bad actions are one clear line and a non-zero exit.

import t from 'tap';
import type { VaultRecord } from '../../src/records/types.js';
import { seededBytes } from '../helpers/data.js';
import { awsEnv, withLocal } from '../helpers/local.js';
import { records, sh } from '../helpers/shell.js';
import { ENDPOINT, stage } from '../helpers/stage.js';

const VAULT = `gl-vault ${ENDPOINT}`;

t.test('create, list, describe, delete', async (t) => {
  const server = await withLocal(t);
  const env = awsEnv(server);
  const created = await sh(`${VAULT} create photos scratch && ${VAULT} create photos`, { env });
  t.equal(created.status, 0, created.stderr);
  const made = records(created) as unknown as VaultRecord[];
  t.match(made, [
    { type: 'vault', v: 1, name: 'photos', arn: /^arn:aws:glacier:us-east-1:\d+:vaults\/photos$/, archives: 0, size: 0, lastInventory: null },
    { type: 'vault', name: 'scratch' },
    { type: 'vault', name: 'photos', arn: made[0].arn, created: made[0].created },
  ], 'one record per vault named; creating again leaves the vault as it was');
  t.ok(!Number.isNaN(Date.parse(made[0].created)), 'created is a time');

  const listed = await sh(`${VAULT} list | jq -r .name`, { env });
  t.equal(listed.status, 0, listed.stderr);
  t.equal(listed.stdout.toString(), 'photos\nscratch\n', 'list: every vault, in name order');

  const described = await sh(`${VAULT} describe scratch`, { env });
  t.equal(described.status, 0, described.stderr);
  t.match(records(described), [{ type: 'vault', name: 'scratch', archives: 0 }]);

  const deleted = await sh(`${VAULT} delete scratch && ${VAULT} list | jq -r .name`, { env });
  t.equal(deleted.status, 0, deleted.stderr);
  t.equal(deleted.stdout.toString(), 'photos\n', 'delete writes nothing; the vault is gone from the list');
  t.equal(deleted.stderr, '');
});

t.test('deleting a vault that holds archives: refused, with what to run to empty it', async (t) => {
  const { env, ledger } = await stage(t, [{ name: 'a.bin', bytes: seededBytes(1000, 1), single: true, vault: 'full' }]);
  const refused = await sh(`${VAULT} delete full`, { env });
  t.equal(refused.status, 1);
  t.equal(refused.stdout.length, 0);
  t.match(refused.stderr, /^gl-vault: cannot delete vault full: it is not empty, or was written to since Glacier's last inventory \(InvalidParameterValueException \(HTTP 400\): Vault not empty or recently written to/);
  t.match(refused.stderr, /gl-inventory --vault full \| gl-fetch-results > full\.ndjson/, 'says how to list what is in it');
  t.match(refused.stderr, /gl-rm < full\.ndjson/, 'says how to delete it');
  t.match(refused.stderr, /Glacier has taken no inventory of it yet./, 'says what Glacier knows of it (gl-local takes no daily inventory)');
  const still = await sh(`${VAULT} describe full`, { env });
  t.match(records(still), [{ name: 'full', archives: 1 }], 'the vault and its archive are still there');
  t.equal(ledger.length, 1);
});

t.test('unknown vaults, bad names, bad actions', async (t) => {
  const server = await withLocal(t);
  const env = awsEnv(server);
  await sh(`${VAULT} create here`, { env });
  for (const action of ['describe', 'delete']) {
    const run = await sh(`${VAULT} ${action} nowhere here`, { env });
    t.equal(run.status, 1, action);
    if (action === 'describe') t.match(records(run), [{ name: 'here' }], 'the vault that exists is described');
    t.match(run.stderr, new RegExp(`^gl-vault: ${action} nowhere: ResourceNotFoundException \\(HTTP 404\\): Vault not found[^\\n]*\\n$`), `${action}: one line naming the vault`);
  }
  t.equal((await sh(`${VAULT} list`, { env })).stdout.length, 0, 'a missing name does not stop the next: "here" was deleted');

  const before = server.requests.length;
  for (const [args, message] of [
    ['', /gl-vault: say what to do: create, list, describe, delete/],
    ['remove x', /unknown action "remove"/],
    ['describe', /gl-vault describe needs at least one vault name/],
    ['list extra', /gl-vault list takes no names/],
    ['create bad:name', /"bad:name" is not a vault name/],
    [`create ${'x'.repeat(256)}`, /is not a vault name: 1 to 255 characters/],
  ] as const) {
    const run = await sh(`${VAULT} ${args}`, { env });
    t.equal(run.status, 2, args);
    t.match(run.stderr, message);
    t.equal(run.stdout.length, 0);
  }
  t.equal(server.requests.length, before, 'no request for a usage error');
  t.match((await sh('gl-vault --help')).stdout.toString(), /Examples:[\s\S]*gl-vault create photos && tar c photos\/ \| gl-chunk \| gl-put-parts --vault photos/);
});
