// gl-inventory | gl-fetch-results against gl-local: the ledger rebuilt from Glacier equals the
// ledger the uploads wrote (ids, tree hashes, sizes, descriptions), in both inventory formats,
// with descriptions holding commas, quotes and backslashes; vault records in; paging.

import t from 'tap';
import { join } from 'node:path';
import { CreateVaultCommand } from '@aws-sdk/client-glacier';
import type { ArchiveRecord } from '../../src/records/types.js';
import { seededBytes } from '../helpers/data.js';
import { glacierClient } from '../helpers/local.js';
import { records, sh } from '../helpers/shell.js';
import { ENDPOINT, FETCH, readRecordsFile, stage } from '../helpers/stage.js';

const INVENTORY = `gl-inventory ${ENDPOINT}`;
// Descriptions are the files' paths (gl-chunk's default), so these names put awkward characters in them.
const AWKWARD = ['plain.bin', 'a,b.bin', 'say "hi".bin', 'back\\slash.bin', 'x\\"y.bin', 'ends in a backslash\\', ',"\\",'];

/** What an inventory can know of a ledger record: all of it but the source name and our clock's creation time. */
const known = ({ vault, archiveId, treeHash, size, description }: ArchiveRecord) => ({ vault, archiveId, treeHash, size, description });
const byId = (a: { archiveId: string }, b: { archiveId: string }) => a.archiveId.localeCompare(b.archiveId);

t.test('JSON and CSV inventories rebuild the upload ledger', async (t) => {
  const { dir, env, ledger } = await stage(
    t,
    AWKWARD.map((name, i) => ({ name, bytes: seededBytes(1000 + i * 300_000, i) })),
  );
  t.ok(ledger.some((a) => a.description.endsWith('\\')) && ledger.some((a) => a.description.includes('\\"')), 'descriptions end in a backslash and hold \\"');
  for (const format of ['json', 'csv'] as const) {
    const run = await sh(`${INVENTORY} --vault v --format ${format} | tee job.ndjson | ${FETCH}`, { env, cwd: dir });
    t.equal(run.status, 0, run.stderr);
    const rebuilt = records(run) as ArchiveRecord[];
    t.same(rebuilt.map(known).sort(byId), ledger.map(known).sort(byId), `${format}: ids, tree hashes, sizes, descriptions`);
    for (const record of rebuilt) {
      t.equal(record.name, record.description, 'name is the description');
      t.ok(!Number.isNaN(Date.parse(record.created)), 'created is Glacier\'s CreationDate');
    }
    t.match(readRecordsFile(join(dir, 'job.ndjson')), [{ type: 'job', v: 1, vault: 'v', action: 'inventory-retrieval', format: format.toUpperCase() }]);
  }
  const rebuiltLedger = await sh(`${INVENTORY} --vault v | ${FETCH} | gl-retrieve ${ENDPOINT} | ${FETCH} --chunk-size 1MiB | wc -c`, { env, cwd: dir });
  t.equal(rebuiltLedger.status, 0, rebuiltLedger.stderr);
  t.equal(Number(rebuiltLedger.stdout.toString()), ledger.reduce((sum, a) => sum + a.size, 0), 'a rebuilt ledger retrieves every archive, verified');
});

t.test('vault records on stdin; an empty vault; a missing one', async (t) => {
  const { server, dir, env, ledger } = await stage(t, [
    { name: 'one', bytes: seededBytes(10, 1), vault: 'first' },
    { name: 'two', bytes: seededBytes(20, 2), vault: 'second' },
  ]);
  await glacierClient(server).send(new CreateVaultCommand({ accountId: '-', vaultName: 'empty' }));
  const all = await sh(`gl-vault ${ENDPOINT} list | ${INVENTORY} --format csv | ${FETCH}`, { env, cwd: dir });
  t.equal(all.status, 0, all.stderr);
  t.same((records(all) as ArchiveRecord[]).map(known), ledger.map(known), 'every vault, in list order; the empty one adds nothing');

  const missing = await sh(`${INVENTORY} --vault nope --vault first`, { env, cwd: dir });
  t.equal(missing.status, 1);
  t.match(missing.stderr, /gl-inventory: vault nope: ResourceNotFoundException \(HTTP 404\): Vault not found/);
  t.match(records(missing), [{ vault: 'first', action: 'inventory-retrieval' }], 'the other vault still got its job');

  for (const [args, message] of [
    ['--vault bad:name', /"bad:name" is not a vault name/],
    ['--vault v --start-date yesterday', /--start-date: "yesterday" is not an ISO 8601 time/],
    ['--vault v --limit 0', /--limit: "0" is not a whole number of at least 1/],
    ['--vault v --limit ten', /--limit: "ten" is not a whole number of at least 1/],
    ['--vault v --limit 2 --limit 3', /--limit is given more than once/],
    ['--vault a --vault b --marker M', /--marker continues the inventory of one vault/],
    ['--vault v --limit 5 --limit 10', /^gl-inventory: --limit is given more than once\n$/],
  ] as const) {
    const run = await sh(`${INVENTORY} ${args}`, { env, cwd: dir });
    t.equal(run.status, 2, args);
    t.match(run.stderr, message);
  }
  const noVault = await sh(`${INVENTORY} --format csv < /dev/null`, { env, cwd: dir });
  t.equal(noVault.status, 2, 'no --vault and no vault records');
  t.match(noVault.stderr, /^gl-inventory: which vault\? give --vault V, or pipe vault records \(gl-vault list\) into gl-inventory; stdin held none\n$/);
  const malformed = await sh(`(${'gl-vault'} ${ENDPOINT} list; echo '{"type":"vault",') | ${INVENTORY}`, { env, cwd: dir });
  t.equal(malformed.status, 1, 'a malformed line');
  t.match(malformed.stderr, /^gl-inventory: stdin:4: [^\n]*\n$/, 'one line naming it');
  t.equal(records(malformed).length, 3, 'the vaults before it got their jobs');
  const wrongRecords = await sh(`${INVENTORY} < ledger.ndjson`, { env, cwd: dir });
  t.equal(wrongRecords.status, 1);
  t.match(wrongRecords.stderr, /stdin:1: gl-inventory reads vault records \(gl-vault list\); this is a "archive" record/);
});

t.test('--limit pages the inventory; gl-fetch-results says how to get the next page', async (t) => {
  const { dir, env, ledger } = await stage(
    t,
    [1, 2, 3, 4, 5].map((n) => ({ name: `f${n}`, bytes: seededBytes(n, n) })),
  );
  const pages: ArchiveRecord[][] = [];
  let next = `${INVENTORY} --vault v --limit 2`;
  for (let page = 0; page < 5 && next; page++) {
    const run = await sh(`${next} | ${FETCH}`, { env, cwd: dir });
    t.equal(run.status, 0, run.stderr);
    pages.push(records(run) as ArchiveRecord[]);
    const hint = /for the next page: (gl-inventory --vault v --format json --limit 2 --marker \S+)/.exec(run.stderr);
    next = hint ? `${INVENTORY} ${hint[1].slice('gl-inventory '.length)}` : '';
  }
  t.same(pages.map((page) => page.length), [2, 2, 1], 'three pages of at most 2; the last says nothing more');
  t.same(pages.flat().map(known).sort(byId), ledger.map(known).sort(byId), 'together, the whole ledger');
});
