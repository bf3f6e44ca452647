// gl-put-parts on bad input and bad setups: one clear line on stderr, a non-zero exit, no
// archive record, and the multipart upload aborted (or kept, with --journal or --keep-upload).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';
import { createVault, openUploads, putEnv, requestsFor } from '../upload/helpers.js';

const ZEROS = '0'.repeat(64);

t.test('bad input: one line, exit 1, no archive record, the upload aborted', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const env = putEnv(server);
  const file = quote(writeFile(scratch(t), 'in.bin', seededBytes(3 * MiB + 5, 1)));
  const cases: [string, string, RegExp][] = [
    ['a truncated stream (no end record)', `gl-chunk --part-size 1MiB ${file} | head -n -1`, /^gl-put-parts: stdin:5: the stream ended inside archive ".*in\.bin" \(begun at line 1\) after 4 part\(s\) and no end record: truncated archive; the multipart upload of ".*in\.bin" was aborted\n$/],
    ['a gap in the part indexes', `gl-chunk --part-size 1MiB ${file} | jq -c 'select(.type != "part" or .index != 1)'`, /^gl-put-parts: stdin:3: part 2 follows part 0; the multipart upload of ".*" was aborted\n$/],
    [
      'a part-size change mid-archive',
      `gl-chunk --part-size 1MiB ${file} | jq -c 'if .type == "part" and .index == 1 then .size = 2097152 else . end'`,
      /^gl-put-parts: stdin:3: part 1 is 2097152 bytes, more than the upload's part size 1048576 \(the part size cannot change within an archive\); the multipart upload of ".*" was aborted\n$/,
    ],
    [
      'a wrong tree hash in a record',
      `cat ${file} | gl-chunk --part-size 1MiB | gl-treehash --records | jq -c 'if .type == "part" and .index == 2 then .treeHash = "${ZEROS}" else . end'`,
      new RegExp(`^gl-put-parts: stdin:\\d+: part 2: treeHash ${ZEROS} in the record does not match its bytes \\([0-9a-f]{64}\\); the multipart upload of "-" was aborted\\n$`),
    ],
  ];
  for (const [what, producer, message] of cases) {
    const from = server.requests.length;
    const result = await sh(`${producer} | gl-put-parts --vault v`, { env });
    t.equal(result.status, 1, what);
    t.match(result.stderr, message, what);
    t.equal(result.stdout.length, 0, `${what}: no archive record`);
    t.equal(requestsFor(server, 'InitiateMultipartUpload', 201, from).length, 1, `${what}: an upload had begun`);
    t.equal(requestsFor(server, 'AbortMultipartUpload', 204, from).length, 1, `${what}: and was aborted`);
    t.equal(requestsFor(server, 'CompleteMultipartUpload', undefined, from).length, 0, `${what}: never completed`);
  }
  t.same(await openUploads(server, 'v'), []);
});

t.test('with --journal or --keep-upload the upload is kept, and the line says so', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const env = putEnv(server);
  const dir = scratch(t);
  const file = quote(writeFile(dir, 'in.bin', seededBytes(2 * MiB + 5, 2)));
  const journal = join(dir, 'j.ndjson');
  // How many parts are stored depends on whether the end of the input comes before Initiate is
  // answered (then no part is started at all).
  const kept = await sh(`gl-chunk --part-size 1MiB ${file} | head -n -1 | gl-put-parts --vault v --keep-upload`, { env });
  t.equal(kept.status, 1);
  t.match(kept.stderr, /^gl-put-parts: stdin:4: .*truncated archive; upload ID \S+ of ".*in\.bin" kept \([0-3] part\(s\) stored\)\n$/);
  const journaled = await sh(`gl-chunk --part-size 1MiB ${file} | head -n -1 | gl-put-parts --vault v --journal ${quote(journal)}`, { env });
  t.equal(journaled.status, 1);
  const lines = journaled.stderr.split('\n');
  t.match(lines[0], /truncated archive; upload ID \S+ of ".*in\.bin" kept \([0-3] part\(s\) stored; the journal .*j\.ndjson has it\)$/);
  t.equal(lines[1], `gl-put-parts: to continue, run the same pipeline again ending in: gl-put-parts --vault v --journal ${journal} --resume`);
  t.equal((await openUploads(server, 'v')).length, 2);

  const again = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${quote(journal)}`, { env });
  t.equal(again.status, 1, 'a journal with an unfinished run is not started over by accident');
  t.match(again.stderr, /^gl-put-parts: journal .*j\.ndjson holds a run begun \S+ that did not finish: continue it with --resume, or remove the file to start over\n$/);
  const resumed = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${quote(journal)} --resume`, { env });
  t.equal(resumed.status, 0, resumed.stderr);
  t.equal(records(resumed).length, 1);
  t.equal((await openUploads(server, 'v')).length, 1, 'the journaled upload was completed; the other is still kept');
});

t.test('an unknown vault, no credentials: one line before anything is stored', async (t) => {
  const server = await withLocal(t);
  const env = putEnv(server);
  const dir = scratch(t);
  const big = quote(writeFile(dir, 'big.bin', seededBytes(2 * MiB + 1, 3)));
  const small = quote(writeFile(dir, 'small.bin', seededBytes(10, 4)));

  for (const file of [big, small]) {
    const result = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault nowhere`, { env });
    t.equal(result.status, 1);
    t.match(
      result.stderr,
      /^gl-put-parts: (InitiateMultipartUpload|UploadArchive) for archive ".*": ResourceNotFoundException \(HTTP 404\): Vault not found for ARN: arn:aws:glacier:us-east-1:111122223333:vaults\/nowhere\n$/,
    );
    t.equal(result.stdout.length, 0);
  }

  const from = server.requests.length;
  const home = join(dir, 'home');
  mkdirSync(home);
  const bare = await sh(`gl-chunk ${small} | env -i HOME=${quote(home)} PATH="$PATH" gl-put-parts --vault v --region us-east-1 --endpoint-url ${server.url}`);
  t.equal(bare.status, 1);
  t.equal(bare.stderr, 'gl-put-parts: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or configure ~/.aws/credentials\n');
  t.equal(bare.stdout.length, 0);
  const noRegion = await sh(`gl-chunk ${small} | env -i HOME=${quote(home)} PATH="$PATH" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test gl-put-parts --vault v --endpoint-url ${server.url}`);
  t.equal(noRegion.status, 1);
  t.equal(noRegion.stderr, 'gl-put-parts: no AWS region: pass --region or set AWS_REGION (or a region in ~/.aws/config)\n');
  t.equal(server.requests.length, from, 'nothing reached the server');
});

t.test('a closed stdout loses no ledger record: it is on stderr and in the journal, and --resume writes it', async (t) => {
  const { server, env, file, journal } = await ledgerSetUp(t, 5);

  const closed = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${journal} | true`, { env });
  t.equal(closed.status, 1);
  const line = closed.stderr.split('\n').find((text) => text.includes('could not be written'))!;
  t.match(line, /^gl-put-parts: archive ".*in\.bin" is stored, but its ledger record could not be written \(.*EPIPE.*\); the journal keeps it and --resume writes it: \{"type":"archive"/);
  const lost = JSON.parse(line.slice(line.indexOf(': {') + 2)) as { archiveId: string };

  const from = server.requests.length;
  const resumed = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${journal} --resume`, { env });
  t.equal(resumed.status, 0, resumed.stderr);
  t.same(records(resumed), [lost], 'the same record, written now');
  t.same(server.requests.slice(from), [], 'without asking Glacier anything');
  // The run is finished now: nothing is left to continue, so --resume begins a new run.
  const twice = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${journal} --resume`, { env });
  t.equal(twice.status, 0, twice.stderr);
  t.match(twice.stderr, /^gl-put-parts: journal .*j\.ndjson: its last run finished; starting a new one\n$/);
  const [again] = records(twice);
  t.not(again.archiveId, lost.archiveId, 'a new archive, and the lost record is not written twice');
});

t.test('a ledger that cannot be written (disk full) loses no record either: one line on stderr, with the record', async (t) => {
  const { server, env, file, journal } = await ledgerSetUp(t, 6);

  for (const extra of ['', ` --journal ${journal}`]) {
    const full = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v${extra} > /dev/full`, { env });
    t.equal(full.status, 1, extra);
    const lines = full.stderr.trimEnd().split('\n');
    t.match(lines[0], /^gl-put-parts: archive ".*in\.bin" is stored, but its ledger record could not be written \(ENOSPC: no space left on device, write\)(; the journal keeps it and --resume writes it)?: \{"type":"archive".*\}$/, extra);
    t.equal(lines.length, extra ? 2 : 1, `${extra}: nothing else (${full.stderr})`);
  }
  const resumed = await sh(`gl-chunk --part-size 1MiB ${file} | gl-put-parts --vault v --journal ${journal} --resume`, { env });
  t.equal(resumed.status, 0, resumed.stderr);
  t.equal(records(resumed).length, 1, 'the journal had the record');
});

/** A gl-local with vault v, the environment to reach it, a 2 MiB input file and a journal path. */
async function ledgerSetUp(t: Test, seed: number) {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  return { server, env: putEnv(server), file: quote(writeFile(dir, 'in.bin', seededBytes(2 * MiB, seed))), journal: quote(join(dir, 'j.ndjson')) };
}

// Diagnostics are not the data: whoever read stderr going away must not stop the upload.
t.test('a closed stderr: the upload goes on, the ledger is written, the status tells the truth, no lock is left', async (t) => {
  const { server, env } = await ledgerSetUp(t, 7);
  const dir = scratch(t);
  const journal = join(dir, 'j.ndjson');
  const files = [1, 2, 3].map((n) => quote(writeFile(dir, `in-${n}.bin`, seededBytes(2 * MiB, 70 + n))));
  const ledger = quote(join(dir, 'ledger.ndjson'));
  // --progress writes a line per stored archive; `head -1` has gone by the second.
  const run = await sh(`gl-chunk --part-size 1MiB ${files.join(' ')} | gl-put-parts --vault v --progress --journal ${quote(journal)} 2>&1 >${ledger} | head -1`, { env });
  t.equal(run.status, 0, 'exit 0');
  t.match(run.stdout.toString(), /^gl-put-parts: "[^"]*in-1\.bin": stored /, 'the first progress line went through');
  const stored = readFileSync(join(dir, 'ledger.ndjson'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { name: string });
  t.match(stored.map((record) => record.name), [/in-1\.bin$/, /in-2\.bin$/, /in-3\.bin$/], 'every archive is in the ledger');
  t.equal(stored.length, 3);
  t.equal(requestsFor(server, 'CompleteMultipartUpload', 201).length, 3, 'and stored');
  t.ok(existsSync(journal), 'the journal was kept');
  t.notOk(existsSync(`${journal}.lock`), 'and its lock released');

  // A failure with stderr gone still exits non-zero.
  const failed = await sh(`gl-chunk --part-size 1MiB ${files[0]} | gl-put-parts --vault nope 2>&1 >${ledger} | true`, { env });
  t.equal(failed.status, 1, 'an unknown vault: exit 1');
});

// Most often the command before failed, and without pipefail only gl-put-parts' status is seen.
t.test('no upload records at all: one line, exit 1', async (t) => {
  const server = await withLocal(t, { vaults: ['v'] });
  const journal = join(scratch(t), 'j.ndjson');
  for (const extra of ['', ` --journal ${quote(journal)}`, ` --journal ${quote(journal)} --resume`]) {
    const empty = await sh(`gl-chunk /nonexistent 2>/dev/null | gl-put-parts --vault v${extra}`, { env: putEnv(server) });
    t.equal(empty.status, 1, extra);
    t.equal(empty.stderr, 'gl-put-parts: no upload records on stdin: nothing stored\n', extra);
    t.equal(empty.stdout.length, 0);
  }
  t.notOk(readFileSync(journal, 'utf8').includes('"step":"done"'), 'no run is said to be done');
});

t.test('a vault name Glacier cannot have is a usage error before anything is sent', async (t) => {
  const server = await withLocal(t, { vaults: ['v'] });
  const file = quote(writeFile(scratch(t), 'in.bin', seededBytes(10, 6)));
  for (const name of ['', 'v/../w', 'w?x', 'x'.repeat(256)]) {
    const from = server.requests.length;
    const result = await sh(`gl-chunk ${file} | gl-put-parts --vault ${quote(name)}`, { env: putEnv(server) });
    t.equal(result.status, 2, name);
    t.equal(result.stderr, `gl-put-parts: "${name}" is not a vault name: 1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.'\n`, name);
    t.equal(server.requests.length, from, `${name}: nothing sent`);
  }
});

t.test('a journal that is not a regular file is refused at once, and no lock is left', async (t) => {
  const server = await withLocal(t, { vaults: ['v'] });
  const dir = scratch(t);
  const file = quote(writeFile(dir, 'in.bin', seededBytes(10, 8)));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const device = join(dir, 'null');
  symlinkSync('/dev/null', device);
  for (const journal of [fifo, device, dir]) {
    const result = await sh(`gl-chunk ${file} | timeout -s KILL 20 gl-put-parts --vault v --journal ${quote(journal)}`, { env: putEnv(server) });
    t.equal(result.status, 1, journal);
    t.equal(result.stderr, `gl-put-parts: journal ${journal}: not a regular file\n`, journal);
    t.notOk(existsSync(`${journal}.lock`), `${journal}: no lock`);
  }
});

// A write cut short by a file size limit (or a full disk) returns a count, not an error.
t.test('a journal step cut short stops the run before the ledger line it would vouch for', async (t) => {
  const server = await withLocal(t, { vaults: ['v'] });
  const dir = scratch(t);
  // The description makes the `completed` step long enough to cross the 1 KiB limit.
  const file = quote(writeFile(dir, 'in.bin', seededBytes(3000, 9)));
  const journal = join(dir, 'j.ndjson');
  const chunk = `gl-chunk --description ${'d'.repeat(400)} ${file}`;
  const limited = await sh(`${chunk} | (ulimit -f 1; exec gl-put-parts --vault v --journal ${quote(journal)}) | cat`, { env: putEnv(server) });
  t.equal(limited.status, 1, limited.stderr);
  t.equal(limited.stdout.length, 0, 'no ledger line the journal does not know of');
  const lines = limited.stderr.trimEnd().split('\n');
  t.match(lines[0], /^gl-put-parts: archive ".*in\.bin" is stored, but its ledger record could not be written \(journal .*j\.ndjson: file too large\): \{"type":"archive".*\}$/);
  const text = readFileSync(journal, 'utf8');
  t.ok(text.endsWith('\n'), 'the journal ends on a whole step');
  t.same(text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { step: string }).step), ['start', 'sending'], 'the step cut short was taken back');

  const resumed = await sh(`${chunk} | gl-put-parts --vault v --journal ${quote(journal)} --resume`, { env: putEnv(server) });
  t.equal(resumed.status, 0, resumed.stderr);
  t.match(resumed.stderr, /the earlier run's UploadArchive got no answer, so the vault may hold that archive without a ledger record/);
  t.equal(records(resumed).length, 1, 'one ledger line in all');
});
