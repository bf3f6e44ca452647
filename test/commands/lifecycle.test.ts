// The whole life of a vault in one run, the way a user scripts it against gl-local: create it,
// upload N archives with gl-chunk | gl-put-parts, rebuild the ledger from an inventory (equal to
// the upload ledger), retrieve every archive (identical bytes, checked with sha256sum at each
// step), delete them with gl-rm, see an empty inventory, delete the vault.

import t from 'tap';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ArchiveRecord } from '../../src/records/types.js';
import { MiB, mod251, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { awsEnv, withLocal } from '../helpers/local.js';
import { sh } from '../helpers/shell.js';
import { ENDPOINT, FETCH, file, readRecordsFile } from '../helpers/stage.js';

t.test('create, upload, inventory, retrieve, gl-rm, empty inventory, delete the vault', async (t) => {
  const server = await withLocal(t);
  const env = awsEnv(server);
  const dir = scratch(t);
  const files = [
    ['small.bin', seededBytes(1000, 1)],
    ['three.bin', seededBytes(3 * MiB + 5, 2)],
    ['mod251.bin', mod251(7_352_377)],
  ] as const;
  for (const [name, bytes] of files) writeFile(dir, name, bytes);
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  const uploaded = await sh(`gl-vault ${ENDPOINT} create life > /dev/null && gl-chunk --part-size 1MiB ${files.map(([name]) => name).join(' ')} | gl-put-parts --vault life ${ENDPOINT} > ledger.ndjson`, { env, cwd: dir });
  t.equal(uploaded.status, 0, uploaded.stderr);
  const ledger = readRecordsFile(join(dir, 'ledger.ndjson')) as unknown as ArchiveRecord[];
  t.same(ledger.map((a) => [a.name, a.size]), files.map(([name, bytes]) => [name, bytes.length]), 'the upload ledger: one archive record per file');

  const inventory = await sh(`gl-inventory ${ENDPOINT} --vault life | ${FETCH} > inventory.ndjson`, { env, cwd: dir });
  t.equal(inventory.status, 0, inventory.stderr);
  const key = ({ archiveId, treeHash, size }: ArchiveRecord) => ({ archiveId, treeHash, size });
  const byId = (a: { archiveId: string }, b: { archiveId: string }) => (a.archiveId < b.archiveId ? -1 : 1);
  t.same((readRecordsFile(join(dir, 'inventory.ndjson')) as unknown as ArchiveRecord[]).map(key).sort(byId), ledger.map(key).sort(byId), 'the ledger rebuilt from the inventory: same ids, tree hashes, sizes');

  // The README's "Copying archives out of a vault", step by step: ledgers compared, every archive
  // retrieved into a directory, the files checked with gl-treehash against the rebuilt ledger.
  const copied = await sh(
    `set -e
     jq -r '[.archiveId, .treeHash, .size] | @tsv' ledger.ndjson | sort > mine.tsv
     jq -r '[.archiveId, .treeHash, .size] | @tsv' inventory.ndjson | sort > glacier.tsv
     diff mine.tsv glacier.tsv && echo "the ledgers agree"
     gl-retrieve ${ENDPOINT} --tier Bulk < inventory.ndjson > jobs.ndjson
     ${FETCH} --chunk-size 1MiB --output-dir restored/ < jobs.ndjson
     jq -r '"\\(.treeHash)  restored/\\(.archiveId)"' inventory.ndjson | gl-treehash --check -`,
    { env, cwd: dir },
  );
  t.equal(copied.status, 0, copied.stderr);
  t.match(copied.stdout.toString(), /^the ledgers agree\n(restored\/\S+: OK\n){3}$/, 'the ledgers agree; gl-treehash --check passes every file');
  for (const [index, [name, bytes]] of files.entries()) {
    t.ok(file(join(dir, 'restored'), ledger[index].archiveId).equals(bytes), `${name}: identical bytes`);
  }
  const piped = await sh(`gl-retrieve ${ENDPOINT} < ledger.ndjson | ${FETCH} | sha256sum | cut -c1-64`, { env, cwd: dir });
  t.equal(piped.status, 0, piped.stderr);
  t.equal(piped.stdout.toString().trim(), sha256(Buffer.concat(files.map(([, bytes]) => bytes))), 'gl-retrieve < ledger | gl-fetch-results | sha256sum: every archive, in ledger order');

  const removed = await sh(`gl-rm ${ENDPOINT} < ledger.ndjson > deleted.ndjson`, { env, cwd: dir });
  t.equal(removed.status, 0, removed.stderr);
  t.same(readRecordsFile(join(dir, 'deleted.ndjson')).map((r) => [r.type, r.archiveId]), ledger.map((a) => ['deleted', a.archiveId]), 'one deleted record per archive');

  const empty = await sh(`gl-inventory ${ENDPOINT} --vault life | ${FETCH} | wc -l`, { env, cwd: dir });
  t.equal(empty.status, 0, empty.stderr);
  t.equal(empty.stdout.toString().trim(), '0', 'the inventory is empty');

  const deleted = await sh(`gl-vault ${ENDPOINT} delete life && gl-vault ${ENDPOINT} list | wc -l`, { env, cwd: dir });
  t.equal(deleted.status, 0, deleted.stderr);
  t.equal(deleted.stdout.toString().trim(), '0', 'the vault is gone');
});
