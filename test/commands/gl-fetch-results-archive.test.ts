// gl-fetch-results on archive retrievals when things go wrong: damaged range bodies (gl-local's
// corrupt fault) are caught by their tree hash and fetched again; damage on every attempt fails
// loudly and leaves nothing at --output; kill -9 mid-download resumes from the verified pieces;
// a ledger that disagrees with Glacier stops the fetch before a byte is written.

import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from '../../src/records/types.js';
import { MiB, mod251, seededBytes, writeFile } from '../helpers/data.js';
import { sh } from '../helpers/shell.js';
import { ENDPOINT, FETCH, file, lines, readRecordsFile, stage } from '../helpers/stage.js';

const RETRIEVE = `gl-retrieve ${ENDPOINT}`;

t.test('damaged range bodies (fixed seed) are detected, fetched again, and the bytes come out exact', async (t) => {
  const bytes = mod251(12 * MiB + 345);
  const { server, dir, env } = await stage(t, [{ name: 'a.bin', bytes }], { faults: 'GetJobOutput:corrupt@0.4', faultSeed: 11 });
  t.equal((await sh(`${RETRIEVE} < ledger.ndjson > jobs.ndjson`, { env, cwd: dir })).status, 0);
  const toFile = await sh(`${FETCH} --chunk-size 1MiB --output out.bin < jobs.ndjson`, { env, cwd: dir });
  t.equal(toFile.status, 0, toFile.stderr);
  t.equal(toFile.stdout.length, 0, 'nothing on stdout with --output');
  t.ok(file(dir, 'out.bin').equals(bytes), 'out.bin holds the archive exactly');
  const corrupted = server.requests.filter((r) => r.operation === 'GetJobOutput' && r.fault === 'corrupt').length;
  t.ok(corrupted >= 2, `gl-local corrupted ${corrupted} range bodies`);
  t.match(toFile.stderr, /GetJobOutput bytes=\d+-\d+ \(archive bytes \d+-\d+\) of job \S+: the bytes' tree hash [0-9a-f]{64} does not match Glacier's [0-9a-f]{64}; retrying \(attempt 2\)/);
  t.equal((toFile.stderr.match(/does not match Glacier's/g) ?? []).length, corrupted, 'every damaged body was reported and fetched again');
  t.same(readdirSync(dir).filter((name) => name.startsWith('out.bin')), ['out.bin'], 'no partial file or journal is left');

  const toStdout = await sh(`${FETCH} --chunk-size 2MiB --concurrency 3 < jobs.ndjson`, { env, cwd: dir });
  t.equal(toStdout.status, 0, toStdout.stderr);
  t.ok(toStdout.stdout.equals(bytes), 'to stdout as well');
});

t.test('damage on every attempt: exit 1, one clear line naming the range, nothing at --output', async (t) => {
  const bytes = seededBytes(3 * MiB + 10, 4);
  const { dir, env } = await stage(t, [{ name: 'a.bin', bytes }], { faults: 'GetJobOutput:corrupt' });
  t.equal((await sh(`${RETRIEVE} < ledger.ndjson > jobs.ndjson`, { env, cwd: dir })).status, 0);
  const toFile = await sh(`${FETCH} --chunk-size 1MiB --attempts 3 --output out.bin < jobs.ndjson`, { env, cwd: dir });
  t.equal(toFile.status, 1);
  t.match(
    toFile.stderr,
    /\ngl-fetch-results: GetJobOutput bytes=\d+-\d+ \(archive bytes \d+-\d+\) of job \S+: the bytes' tree hash [0-9a-f]{64} does not match Glacier's [0-9a-f]{64} \(3 attempt\(s\)\); nothing of it was written\n$/,
  );
  t.notOk(existsSync(join(dir, 'out.bin')), 'no file at --output');
  t.equal(file(dir, 'out.bin.gl-partial').length, 0, 'the partial file holds no unverified byte');

  const toStdout = await sh(`${FETCH} --chunk-size 1MiB --attempts 2 < jobs.ndjson | wc -c`, { env, cwd: dir });
  t.equal(toStdout.status, 1, 'pipefail: the pipeline fails');
  t.equal(toStdout.stdout.toString().trim(), '0', 'not a byte of the damaged piece reached stdout');
});

t.test('kill -9 mid-download, then the same command again: the verified pieces are kept, the rest fetched', async (t) => {
  const bytes = mod251(10 * MiB + 77);
  // Slow ranges, one at a time, so the kill lands mid-download.
  const { server, dir, env } = await stage(t, [{ name: 'a.bin', bytes }], { faults: 'GetJobOutput:latency=250ms' });
  t.equal((await sh(`${RETRIEVE} < ledger.ndjson > jobs.ndjson`, { env, cwd: dir })).status, 0);
  const command = `${FETCH} --chunk-size 1MiB --concurrency 1 --output out.bin < jobs.ndjson`;
  const killed = await sh(
    `${command} & pid=$!
     for i in $(seq 1 400); do [ "$(wc -l < out.bin.gl-journal 2>/dev/null || echo 0)" -ge 4 ] && break; sleep 0.05; done
     kill -9 $pid; wait $pid; echo "status $?"`,
    { env, cwd: dir },
  );
  t.match(killed.stdout.toString(), /status 137/, 'gl-fetch-results was killed');
  t.notOk(existsSync(join(dir, 'out.bin')), 'no file at --output after the kill');
  const journaled = readFileSync(join(dir, 'out.bin.gl-journal'), 'utf8').trim().split('\n').length - 1;
  t.ok(journaled >= 3 && journaled < 11, `${journaled} piece(s) were journaled before the kill`);

  const before = server.requests.length;
  const resumed = await sh(command, { env, cwd: dir });
  t.equal(resumed.status, 0, resumed.stderr);
  t.match(resumed.stderr, new RegExp(`out.bin: resuming; ${journaled} of 11 piece\\(s\\) already there and verified`));
  t.ok(file(dir, 'out.bin').equals(bytes), 'the resumed file holds the archive exactly');
  const ranges = server.requests.slice(before).filter((r) => r.operation === 'GetJobOutput').map((r) => r.range);
  t.equal(ranges.length, 11 - journaled, 'only the pieces not yet verified were downloaded');
  t.notOk(ranges.includes('bytes=0-1048575'), 'the first piece was not downloaded again');

  const again = await sh(command, { env, cwd: dir });
  t.equal(again.status, 0);
  t.match(again.stderr, /out.bin is already complete \(its tree hash is [0-9a-f]{64}\); nothing downloaded/);
});

t.test('--output-dir: one file per archive, named by archive id (and range); several jobs to stdout in order', async (t) => {
  const first = seededBytes(2 * MiB + 1, 1);
  const second = mod251(5 * MiB);
  const { server, dir, env, ledger } = await stage(t, [
    { name: 'first.bin', bytes: first },
    { name: 'second.bin', bytes: second },
  ]);
  const started = await sh(`${RETRIEVE} < ledger.ndjson > jobs.ndjson && grep second ledger.ndjson | ${RETRIEVE} --range 4194304- >> jobs.ndjson`, { env, cwd: dir });
  t.equal(started.status, 0, started.stderr);
  const fetched = await sh(`${FETCH} --chunk-size 1MiB --output-dir restored < jobs.ndjson`, { env, cwd: dir });
  t.equal(fetched.status, 0, fetched.stderr);
  const restored = join(dir, 'restored');
  t.same(readdirSync(restored).sort(), [ledger[0].archiveId, ledger[1].archiveId, `${ledger[1].archiveId}.4194304-5242879`].sort());
  t.ok(file(restored, ledger[0].archiveId).equals(first) && file(restored, ledger[1].archiveId).equals(second), 'the whole archives');
  t.ok(file(restored, `${ledger[1].archiveId}.4194304-5242879`).equals(second.subarray(4194304)), 'the range');

  const before = server.requests.filter((r) => r.operation === 'GetJobOutput').length;
  const again = await sh(`${FETCH} --chunk-size 1MiB --output-dir restored < jobs.ndjson`, { env, cwd: dir });
  t.equal(again.status, 0);
  t.equal((again.stderr.match(/is already complete/g) ?? []).length, 3);
  t.equal(server.requests.filter((r) => r.operation === 'GetJobOutput').length, before, 'nothing downloaded again');

  const stdout = await sh(`${FETCH} < jobs.ndjson`, { env, cwd: dir });
  t.ok(stdout.stdout.equals(Buffer.concat([first, second, second.subarray(4194304)])), 'to stdout: one after another, in input order');

  for (const [args, input, status, message] of [
    ['--output x.bin', 'jobs.ndjson', 2, /--output FILE takes one archive, and 3 jobs came; use --output-dir DIR/],
    ['--output x --output-dir y', 'jobs.ndjson', 2, /give one of them/],
    ['--chunk-size 3MiB', 'jobs.ndjson', 2, /--chunk-size: archives are read in tree-hash-aligned pieces, a power of two of whole MiB/],
    ['--format csv', 'jobs.ndjson', 1, /stdin:1: --format csv does not apply to archive-retrieval jobs \(bytes\)/],
  ] as const) {
    const run = await sh(`${FETCH} ${args} < ${input}`, { env, cwd: dir });
    t.equal(run.status, status, args);
    t.match(run.stderr, message);
  }
});

t.test('a ledger that does not describe the archive Glacier holds: nothing written, exit 1', async (t) => {
  const bytes = seededBytes(MiB + 5, 8);
  const { server, dir, env } = await stage(t, [{ name: 'a.bin', bytes }]);
  t.equal((await sh(`${RETRIEVE} < ledger.ndjson > jobs.ndjson`, { env, cwd: dir })).status, 0);
  const [job] = readRecordsFile(join(dir, 'jobs.ndjson')) as JobRecord[];
  const before = server.requests.filter((r) => r.operation === 'GetJobOutput').length;
  for (const [changed, message] of [
    [{ treeHash: 'f'.repeat(64) }, /the record \(the ledger\) says the archive's tree hash is f{64}, Glacier says [0-9a-f]{64}: the ledger does not describe this archive/],
    [{ size: bytes.length + 1 }, /the record says the archive is 1048582 bytes, Glacier says 1048581/],
    [{ range: { start: 0, end: 1048575 } }, /the record asks for bytes 0-1048575, Glacier retrieved 0-1048580/],
  ] as const) {
    writeFile(dir, 'bad.ndjson', lines([{ ...job, ...changed }]));
    const run = await sh(`${FETCH} --output out.bin < bad.ndjson`, { env, cwd: dir });
    t.equal(run.status, 1);
    t.equal(run.stdout.length, 0);
    t.match(run.stderr, new RegExp(`stdin:1: archive-retrieval job ${job.jobId} in vault v: ${message.source}`));
    t.notOk(existsSync(join(dir, 'out.bin')) || existsSync(join(dir, 'out.bin.gl-partial')), 'no file at all');
  }
  t.equal(server.requests.filter((r) => r.operation === 'GetJobOutput').length, before, 'no byte was asked for');
});
