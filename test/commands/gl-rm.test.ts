// gl-rm against gl-local in bash -o pipefail pipelines: one `deleted` record per archive in input
// order, --dry-run sends nothing, a second run is harmless, throttling is retried through the
// shared gate, and archives that cannot be deleted or lines that are not archive records are one
// clear line each on stderr with exit 1.

import t, { type Test } from 'tap';
import { join } from 'node:path';
import type { LocalServer } from '../../src/local/index.js';
import type { ArchiveRecord, DeletedRecord } from '../../src/records/types.js';
import { seededBytes, writeFile } from '../helpers/data.js';
import { records, sh } from '../helpers/shell.js';
import { ENDPOINT, lines, readRecordsFile, stage } from '../helpers/stage.js';

const RM = `gl-rm ${ENDPOINT}`;

const deletes = (server: LocalServer) => server.requests.filter((r) => r.operation === 'DeleteArchive');

/** Four small archives, put with UploadArchive (gl-rm does not care how they got there). */
function fourArchives() {
  return [1, 2, 3, 4].map((n) => ({ name: `f${n}.bin`, bytes: seededBytes(100 * n, n), single: true }));
}

/** The ledger records as gl-rm must write them back: `type` changed, the time of the delete added. */
function checkDeleted(t: Test, written: Record<string, unknown>[], ledger: ArchiveRecord[], label: string) {
  t.equal(written.length, ledger.length, `${label}: one deleted record per archive`);
  written.forEach((record, i) => {
    const { deleted, ...rest } = record as unknown as DeletedRecord;
    t.same(rest, { ...ledger[i], type: 'deleted' }, `${label}: record ${i + 1} is ledger line ${i + 1} with type "deleted"`);
    t.ok(!Number.isNaN(Date.parse(deleted)), `${label}: "deleted" is a time`);
  });
}

t.test('--dry-run sends nothing; the real run deletes every archive; a second run is harmless', async (t) => {
  const { server, dir, env, ledger } = await stage(t, fourArchives());
  const dry = await sh(`${RM} --dry-run < ledger.ndjson`, { env, cwd: dir });
  t.equal(dry.status, 0, dry.stderr);
  t.equal(dry.stdout.length, 0, 'nothing on stdout');
  t.equal((dry.stderr.match(/gl-rm: stdin:\d: would delete archive \S+ \(f\d\.bin, \d+ B\) from vault v\n/g) ?? []).length, 4, 'each archive named on stderr');
  t.match(dry.stderr, /dry run: 4 archive\(s\), 1000 B; nothing was deleted/);
  t.equal(deletes(server).length, 0, 'gl-local saw no DeleteArchive');

  const real = await sh(`${RM} < ledger.ndjson > deleted.ndjson`, { env, cwd: dir });
  t.equal(real.status, 0, real.stderr);
  t.equal(real.stderr, '');
  checkDeleted(t, readRecordsFile(join(dir, 'deleted.ndjson')), ledger, 'first run');
  t.equal(deletes(server).length, 4);

  const again = await sh(`${RM} < ledger.ndjson`, { env, cwd: dir });
  t.equal(again.status, 0, again.stderr);
  checkDeleted(t, records(again), ledger, 'second run');

  const gone = await sh(`gl-inventory ${ENDPOINT} --vault v | gl-fetch-results ${ENDPOINT} --poll-interval 100ms | wc -l`, { env, cwd: dir });
  t.equal(gone.stdout.toString().trim(), '0', 'the inventory lists no archive');
});

t.test('throttled deletes are retried until every archive is gone', async (t) => {
  const { server, dir, env, ledger } = await stage(t, [...fourArchives(), ...fourArchives().map((f) => ({ ...f, name: `g${f.name}` }))], {
    faults: 'DeleteArchive:throttle@0.4',
    faultSeed: 5,
  });
  const run = await sh(`${RM} --concurrency 4 < ledger.ndjson`, { env, cwd: dir });
  t.equal(run.status, 0, run.stderr);
  checkDeleted(t, records(run), ledger, 'throttled');
  const throttled = deletes(server).filter((r) => r.fault === 'throttle').length;
  t.ok(throttled >= 2, `gl-local throttled ${throttled} DeleteArchive requests`);
  t.equal((run.stderr.match(/ThrottlingException \(HTTP 400\)[^\n]*; retrying \(attempt \d+\)/g) ?? []).length, throttled, 'every throttle was said and retried');
  t.equal(deletes(server).length, ledger.length + throttled, 'one request per archive, plus one per throttle');
});

t.test('what cannot be deleted is named; a bad line stops the reading, not the deletes under way', async (t) => {
  const { server, dir, env, ledger } = await stage(t, [
    ...fourArchives().slice(0, 2),
    { name: 'elsewhere.bin', bytes: seededBytes(10, 9), single: true, vault: 'other' },
  ]);
  const [a, b, other] = ledger;
  writeFile(dir, 'mixed.ndjson', lines([a, { ...b, archiveId: 'no-such-archive' }, { ...other, vault: 'v' }, { ...b, vault: 'missing' }, b]));
  const mixed = await sh(`${RM} < mixed.ndjson`, { env, cwd: dir });
  t.equal(mixed.status, 1);
  t.match(records(mixed), [{ type: 'deleted', archiveId: a.archiveId }, { type: 'deleted', archiveId: b.archiveId }], 'the archives that could be deleted were');
  t.equal(records(mixed).length, 2);
  const said = mixed.stderr.trimEnd().split('\n');
  t.match(said, [
    /^gl-rm: stdin:2: Glacier does not know archive no-such-archive in vault v \(ResourceNotFoundException \(HTTP 404\)/,
    /^gl-rm: stdin:3: archive \S+ is not in vault v: Glacier deletes an archive only through the vault that holds it; check the record's "vault"/,
    /^gl-rm: stdin:4: vault missing does not exist/,
    /^gl-rm: 3 of 5 archive\(s\) not deleted$/,
  ]);
  t.equal(said.length, 4, 'one line per archive not deleted, and the count');

  const before = deletes(server).length;
  for (const [content, message] of [
    [`${JSON.stringify(a)}\n{"type":"archive",\n${JSON.stringify(b)}\n`, /^gl-rm: stdin:2: [^\n]*JSON[^\n]*\n$/],
    [`${JSON.stringify(a)}\n{"type":"job","v":1,"vault":"v","jobId":"j","action":"inventory-retrieval","created":"2026-01-01T00:00:00Z"}\n`, /^gl-rm: stdin:2: gl-rm deletes the archives of archive records; this is a "job" record\n$/],
    [`${JSON.stringify({ ...a, treeHash: 'nope' })}\n`, /^gl-rm: stdin:1: [^\n]*treeHash[^\n]*\n$/],
  ] as const) {
    writeFile(dir, 'bad.ndjson', content);
    const run = await sh(`${RM} < bad.ndjson`, { env, cwd: dir });
    t.equal(run.status, 1);
    t.match(run.stderr, message);
  }
  t.ok(deletes(server).length - before <= 2, 'a bad line is found before the lines after it are deleted');

  const usage = await sh(`${RM} --concurrency 0 < ledger.ndjson`, { env, cwd: dir });
  t.equal(usage.status, 2);
  t.match(usage.stderr, /^gl-rm: --concurrency: "0" is not a whole number from 1 to 64\n$/);
  const typo = await sh(`${RM} --concurrency 8x < ledger.ndjson`, { env, cwd: dir });
  t.equal(typo.status, 2);
  t.match(typo.stderr, /^gl-rm: --concurrency: "8x" is not a whole number from 1 to 64\n$/, 'what was typed, not NaN');
  t.match((await sh('gl-rm --help')).stdout.toString(), /Examples:[\s\S]*grep old-backup- archives\.ndjson \| gl-rm >> deleted\.ndjson/);
});
