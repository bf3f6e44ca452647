// gl-retrieve | gl-fetch-results against gl-local, in bash -o pipefail pipelines: whole archives
// and ranges come back byte for byte, single-part and multipart uploads, sizes on and off the
// 1 MiB grid; ranges Glacier would refuse or that could not be verified are refused up front.

import t from 'tap';
import { join } from 'node:path';
import type { JobRecord } from '../../src/records/types.js';
import { MiB, mod251, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';
import { ENDPOINT, FETCH, lines, readRecordsFile, stage } from '../helpers/stage.js';

const RETRIEVE = `gl-retrieve ${ENDPOINT}`;

t.test('whole archives come back byte for byte, in ledger order, at several piece sizes', async (t) => {
  const files = [
    { name: 'one-byte', bytes: Buffer.from('x'), single: true },
    { name: 'single-part.bin', bytes: seededBytes(MiB, 1) },
    { name: 'uploaded-whole.bin', bytes: seededBytes(2 * MiB + 3, 2), single: true },
    { name: 'three-and-a-bit.bin', bytes: seededBytes(3 * MiB + 5, 3) },
    { name: 'mod251.bin', bytes: mod251(7_352_377) },
    { name: 'four.bin', bytes: seededBytes(4 * MiB, 4) },
  ];
  const { dir, env, ledger } = await stage(t, files);
  const expected = Buffer.concat(files.map((f) => f.bytes));
  const started = await sh(`${RETRIEVE} --tier Bulk < ledger.ndjson > jobs.ndjson`, { env, cwd: dir });
  t.equal(started.status, 0, started.stderr);
  const jobs = readRecordsFile(join(dir, 'jobs.ndjson')) as JobRecord[];
  t.equal(jobs.length, files.length);
  jobs.forEach((job, i) =>
    t.match(job, { type: 'job', v: 1, vault: 'v', action: 'archive-retrieval', archiveId: ledger[i].archiveId, tier: 'Bulk', range: { start: 0, end: files[i].bytes.length - 1 }, treeHash: ledger[i].treeHash, size: ledger[i].size, name: ledger[i].name }),
  );
  for (const [chunkSize, concurrency] of [['1MiB', 4], ['2MiB', 1], ['16MiB', 2]] as const) {
    const fetched = await sh(`${FETCH} --chunk-size ${chunkSize} --concurrency ${concurrency} < jobs.ndjson`, { env, cwd: dir });
    t.equal(fetched.status, 0, fetched.stderr);
    t.ok(fetched.stdout.equals(expected), `--chunk-size ${chunkSize} --concurrency ${concurrency}: the archives, one after another (${fetched.stdout.length} bytes)`);
  }
  const piped = await sh(`${RETRIEVE} < ledger.ndjson | ${FETCH} --chunk-size 1MiB | sha256sum`, { env, cwd: dir });
  t.equal(piped.status, 0, piped.stderr);
  t.equal(piped.stdout.toString().split(' ')[0], (await import('node:crypto')).createHash('sha256').update(expected).digest('hex'), 'gl-retrieve | gl-fetch-results | sha256sum');
});

t.test('ranges: tree-hash-aligned ones come back exactly; the others are refused before any job', async (t) => {
  const big = mod251(7_352_377);
  const small = seededBytes(3 * MiB + 5, 9);
  const { server, dir, env } = await stage(t, [
    { name: 'mod251.bin', bytes: big },
    { name: 'small.bin', bytes: small },
  ]);
  writeFile(dir, 'big.ndjson', lines([readRecordsFile(join(dir, 'ledger.ndjson'))[0]]));
  writeFile(dir, 'small.ndjson', lines([readRecordsFile(join(dir, 'ledger.ndjson'))[1]]));
  for (const [ledger, bytes, range, start, end] of [
    ['big', big, '0-2097151', 0, 2097151],
    ['big', big, '2097152-4194303', 2097152, 4194303],
    ['big', big, '4194304-7352376', 4194304, 7352376],
    ['big', big, '6291456-', 6291456, 7352376],
    ['big', big, '7340032-99999999', 7340032, 7352376],
    ['big', big, '0-1048575', 0, 1048575],
    ['small', small, '2097152-', 2097152, 3 * MiB + 4],
    ['small', small, '3145728-3145732', 3145728, 3145732],
  ] as const) {
    const run = await sh(`${RETRIEVE} --range ${range} < ${ledger}.ndjson | tee job.ndjson | ${FETCH} --chunk-size 1MiB`, { env, cwd: dir });
    t.equal(run.status, 0, run.stderr);
    t.ok(run.stdout.equals(bytes.subarray(start, end + 1)), `${ledger} --range ${range}: bytes ${start}-${end}`);
    t.match(readRecordsFile(join(dir, 'job.ndjson'))[0], { range: { start, end } }, 'the job record states the range retrieved');
  }

  const jobsBefore = server.requests.filter((r) => r.operation === 'InitiateJob').length;
  for (const [range, message] of [
    ['1048576-3145727', /stdin:1: archive \S+ \(7352377 bytes\): range 1048576-3145727 is not tree-hash aligned, so Glacier gives no checksum for it .* can be verified is 0-4194303/],
    ['2097152-6291455', /not tree-hash aligned.*is 0-7352376/],
    ['1000-2097151', /range 1000-2097151 is not megabyte aligned/],
    ['8388608-', /starts at byte 8388608, past the end of the archive \(7352377 bytes\)/],
  ] as const) {
    const refused = await sh(`${RETRIEVE} --range ${range} < big.ndjson`, { env, cwd: dir });
    t.equal(refused.status, 1, range);
    t.equal(refused.stdout.length, 0, 'no job record');
    t.match(refused.stderr, message);
  }
  t.equal(server.requests.filter((r) => r.operation === 'InitiateJob').length, jobsBefore, 'gl-local saw no InitiateJob for them');
});

t.test('job records carry the ledger tags; bad input and bad flags are named', async (t) => {
  const { server, dir, env, ledger } = await stage(t, [{ name: 'a.bin', bytes: seededBytes(1000, 5) }]);
  writeFile(dir, 'tagged.ndjson', lines([{ ...ledger[0], project: 'x', name: 'renamed' }, { type: 'job', v: 1 }]));
  const tagged = await sh(`${RETRIEVE} --tier Expedited --description 'restore a' < tagged.ndjson`, { env, cwd: dir });
  t.equal(tagged.status, 1);
  t.match(records(tagged)[0], { project: 'x', name: 'renamed', tier: 'Expedited' }, 'the job of line 1 was started and written');
  t.match(tagged.stderr, /gl-retrieve: stdin:2: job record without "vault"/);

  writeFile(dir, 'other.ndjson', lines([{ ...ledger[0], archiveId: 'no-such-archive' }, ledger[0]]));
  const unknown = await sh(`${RETRIEVE} < other.ndjson`, { env, cwd: dir });
  t.equal(unknown.status, 1);
  t.equal(records(unknown).length, 1, 'the good archive still got its job');
  t.match(unknown.stderr, /stdin:1: vault v, archive no-such-archive: ResourceNotFoundException \(HTTP 404\): The archive ID was not found: no-such-archive/);

  writeFile(dir, 'malformed.ndjson', `${JSON.stringify(ledger[0])}\n${JSON.stringify(ledger[0]).slice(0, 40)}\n`);
  const malformed = await sh(`${RETRIEVE} < malformed.ndjson`, { env, cwd: dir });
  t.equal(malformed.status, 1);
  t.match(malformed.stderr, /^gl-retrieve: stdin:2: [^\n]*JSON[^\n]*\n$/, 'a torn line: one line naming it');
  t.equal(records(malformed).length, 1, 'the job of line 1 was started and written');
  writeFile(dir, 'novault.ndjson', lines([{ ...ledger[0], vault: 'nowhere' }]));
  const noVault = await sh(`${RETRIEVE} < novault.ndjson`, { env, cwd: dir });
  t.equal(noVault.status, 1);
  t.match(noVault.stderr, /^gl-retrieve: stdin:1: vault nowhere, archive \S+: ResourceNotFoundException \(HTTP 404\): Vault not found[^\n]*\n$/);

  const before = server.requests.length;
  for (const [args, message] of [
    ['--range 5', /--range: "5" is not START-END/],
    ['--tier Fast', /Invalid values:[\s\S]*tier/],
    ["--description ' lead'", /--description: the description starts with a space/],
  ] as const) {
    const run = await sh(`${RETRIEVE} ${args} < ledger.ndjson`, { env, cwd: dir });
    t.equal(run.status, 2, args);
    t.match(run.stderr, message);
  }
  t.equal(server.requests.length, before, 'no request for a usage error');
  const help = await sh('gl-retrieve --help');
  t.match(help.stdout.toString(), /Examples:[\s\S]*gl-retrieve[\s\S]*\| gl-fetch-results/);
});
