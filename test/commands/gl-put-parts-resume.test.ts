// Stopping gl-put-parts halfway (kill -9, Ctrl-C) and running the same pipeline again with
// --resume: the upload is continued, no part Glacier acknowledged is sent again, the bytes come
// back right; a producer whose bytes changed is an error naming the part, and nothing is overwritten.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import t from 'tap';
import type { LocalServer } from '../../src/local/index.js';
import { withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh, type ShellResult } from '../helpers/shell.js';
import { createVault, glTreehash, heldParts, partKey, putEnv, requestsFor, retrieve, sha256, waitForRequests } from '../upload/helpers.js';

interface Interrupted {
  result: ShellResult;
  /** How many parts Glacier had acknowledged when the signal was sent. */
  acknowledgedAtSignal: number;
}

/**
 * Runs `pipeline` in the background (its last command must be gl-put-parts), waits until gl-local
 * has acknowledged `parts` part uploads, then sends `signal` to gl-put-parts alone.
 */
async function interruptAfter(server: LocalServer, dir: string, pipeline: string, parts: number, signal: NodeJS.Signals): Promise<Interrupted> {
  const pidFile = join(dir, `pid-${Date.now()}`);
  const from = server.requests.length;
  const running = sh(`${pipeline} &\necho $! > ${quote(pidFile)}\nwait $!`, { env: putEnv(server) });
  await waitForRequests(server, () => requestsFor(server, 'UploadMultipartPart', 204, from).length >= parts);
  const acknowledgedAtSignal = requestsFor(server, 'UploadMultipartPart', 204, from).length;
  process.kill(Number(readFileSync(pidFile, 'utf8')), signal);
  return { result: await running, acknowledgedAtSignal };
}

const journalSteps = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

t.test('kill -9 halfway through 200 MiB from a pipe; the same pipeline with --resume completes it', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'v');
  const dir = scratch(t);
  const bytes = seededBytes(200 * MiB, 11);
  const data = writeFile(dir, 'data.bin', bytes);
  const journal = join(dir, 'upload.journal');
  const pipeline = (extra: string, ledger: string) =>
    `cat ${quote(data)} | gl-chunk --part-size 4MiB --name data.bin | gl-put-parts --vault v --journal ${quote(journal)}${extra} > ${quote(join(dir, ledger))}`;

  const killed = await interruptAfter(server, dir, pipeline('', 'ledger-1'), 25, 'SIGKILL');
  t.equal(killed.result.status, 137, 'gl-put-parts died of SIGKILL');
  t.equal(readFileSync(join(dir, 'ledger-1')).length, 0, 'no archive record');

  const resumed = await sh(pipeline(' --resume', 'ledger-2'), { env: putEnv(server) });
  t.equal(resumed.status, 0, resumed.stderr);
  const ledger = readFileSync(join(dir, 'ledger-2'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
  t.equal(ledger.length, 1);
  t.equal(ledger[0].treeHash, await glTreehash({ path: data }), 'the tree hash of the input');

  const acknowledged = requestsFor(server, 'UploadMultipartPart', 204).map(partKey);
  t.equal(new Set(acknowledged).size, acknowledged.length, 'no part (upload ID + Content-Range) acknowledged twice');
  // The log is in the order requests ended; a part whose body had fully arrived before the kill
  // may be stored and answered (to no one) a moment later. Arrival times split the two runs.
  const resumedAt = requestsFor(server, 'ListParts')[0].time;
  const parts = requestsFor(server, 'UploadMultipartPart');
  const acknowledgedBefore = new Set(parts.filter((record) => record.time < resumedAt && record.status === 204).map(partKey));
  const sentAfter = parts.filter((record) => record.time >= resumedAt);
  t.ok(acknowledgedBefore.size >= 25 && acknowledgedBefore.size < 50, `${acknowledgedBefore.size} of 50 parts acknowledged before the kill`);
  t.same(sentAfter.filter((record) => acknowledgedBefore.has(partKey(record))), [], 'none sent after the resume that was acknowledged before');
  // A part whose body had fully arrived when the client died is stored but answered to no one
  // (status null); ListParts shows it, so the resumed run need not send it again.
  const sentAfterKeys = sentAfter.filter((record) => record.status === 204).map(partKey);
  const storedUnanswered = parts.filter((record) => record.time < resumedAt && record.status === null && !sentAfterKeys.includes(partKey(record)));
  t.equal(acknowledgedBefore.size + storedUnanswered.length + sentAfterKeys.length, 50, 'exactly the rest was sent');
  t.equal(requestsFor(server, 'InitiateMultipartUpload').length, 1, 'one upload, continued');
  t.equal(sha256(await retrieve(server, 'v', ledger[0].archiveId)), sha256(bytes), 'the archive reads back byte for byte');
  const steps = journalSteps(journal).map((step) => step.step);
  t.same(
    steps.filter((step, i) => step !== steps[i - 1]),
    ['start', 'initiated', 'part', 'resume', 'part', 'completing', 'completed', 'written', 'done'],
    'the journal: the killed run, then the resumed one',
  );
});

t.test('Ctrl-C stops cleanly, prints the command that resumes, and --resume finishes the job', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'v');
  const dir = scratch(t);
  const bytes = seededBytes(48 * MiB + 17, 12);
  const data = writeFile(dir, 'data.bin', bytes);
  const journal = join(dir, 'upload.journal');
  const putParts = `gl-put-parts --vault v --concurrency 3 --journal ${journal}`;
  const pipeline = (extra: string) => `cat ${quote(data)} | gl-chunk --part-size 2MiB --name data.bin | ${putParts}${extra}`;

  const stopped = await interruptAfter(server, dir, pipeline(''), 8, 'SIGINT');
  t.equal(stopped.result.status, 130, 'exit status 130');
  t.equal(stopped.result.stdout.length, 0);
  const lines = stopped.result.stderr.trimEnd().split('\n');
  t.equal(lines[0], 'gl-put-parts: interrupted by SIGINT: stopping once the requests on the wire are answered (again to quit at once)', 'said at once');
  t.match(lines[1], /^gl-put-parts: interrupted by SIGINT; upload ID \S+ of "data\.bin" kept \(\d+ part\(s\) stored; the journal .*upload\.journal has it\)$/);
  t.equal(lines[2], `gl-put-parts: to continue, run the same pipeline again ending in: ${putParts} --resume`);
  t.equal(lines.length, 3);

  const steps = journalSteps(journal);
  t.equal(steps.at(-1)!.step, 'stopped', 'the journal says the run stopped');
  const journaled = new Set(steps.filter((step) => step.step === 'part').map((step) => `${step.uploadId} bytes ${step.range}/*`));
  // gl-local logs a request when its answer has gone out, which may be just after the client read it.
  await waitForRequests(server, () => [...journaled].every((key) => requestsFor(server, 'UploadMultipartPart', 204).some((record) => partKey(record) === key)));
  const acknowledged = new Set(requestsFor(server, 'UploadMultipartPart', 204).map(partKey));
  t.same([...acknowledged].sort(), [...journaled].sort(), 'the parts in flight finished and are in the journal');
  t.ok(acknowledged.size >= stopped.acknowledgedAtSignal && acknowledged.size < 25, `${acknowledged.size} of 25 parts stored`);

  const resumedFrom = server.requests.length;
  const resumed = await sh(pipeline(' --resume'), { env: putEnv(server) });
  t.equal(resumed.status, 0, resumed.stderr);
  const [record] = records(resumed);
  t.same(requestsFor(server, 'UploadMultipartPart', undefined, resumedFrom).filter((r) => acknowledged.has(partKey(r))), []);
  t.equal(sha256(await retrieve(server, 'v', record.archiveId as string)), sha256(bytes));
});

t.test('a resume whose producer gives other bytes: an error naming the part, nothing overwritten', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  const original = seededBytes(24 * MiB, 13);
  const changed = Buffer.concat([original.subarray(0, 2 * MiB), seededBytes(22 * MiB, 14)]);
  const journal = join(dir, 'upload.journal');
  const pipeline = (file: string, extra: string) =>
    `cat ${quote(writeFile(dir, file, file === 'a.bin' ? original : changed))} | gl-chunk --part-size 1MiB --name data | gl-put-parts --vault v --concurrency 2 --journal ${quote(journal)}${extra}`;

  const stopped = await interruptAfter(server, dir, pipeline('a.bin', ''), 8, 'SIGINT');
  t.equal(stopped.result.status, 130, stopped.result.stderr);
  const uploadId = journalSteps(journal).find((step) => step.step === 'initiated')!.uploadId as string;
  const before = await heldParts(server, 'v', uploadId);
  t.ok(before.has('2097152-3145727'), 'part 2 was stored');

  const resumedFrom = server.requests.length;
  const resumed = await sh(pipeline('b.bin', ' --resume'), { env: putEnv(server) });
  t.equal(resumed.status, 1);
  t.equal(resumed.stdout.length, 0, 'no archive record');
  t.match(
    resumed.stderr.split('\n')[0],
    /^gl-put-parts: stdin:\d+: part 2 \(bytes 2097152-3145727\) of "data" differs from what the interrupted run stored in upload ID \S+: Glacier holds bytes 2097152-3145727 with tree hash [0-9a-f]{64}, the input has tree hash [0-9a-f]{64}; the input is not the same as before, and nothing was overwritten; upload ID \S+ of "data" kept/,
  );
  t.same(requestsFor(server, 'UploadMultipartPart', undefined, resumedFrom), [], 'no part was sent');
  t.same(await heldParts(server, 'v', uploadId), before, 'Glacier holds what it held');
});

t.test('--resume with a journal of another vault, by name or by region, is refused before anything is sent', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  await createVault(server, 'w');
  const dir = scratch(t);
  const data = writeFile(dir, 'data.bin', seededBytes(3 * MiB, 15));
  const journal = join(dir, 'upload.journal');
  const put = (flags: string) => sh(`gl-chunk --part-size 1MiB ${quote(data)} | gl-put-parts --journal ${quote(journal)} ${flags}`, { env: putEnv(server) });
  const first = await put('--vault v');
  t.equal(first.status, 0, first.stderr);
  t.match(journalSteps(journal)[0], { step: 'start', vault: 'v', region: 'us-east-1' });
  // As if killed just before its last step: the run is not finished, so --resume would continue it.
  const steps = readFileSync(journal, 'utf8').trimEnd().split('\n');
  t.match(JSON.parse(steps.pop()!), { step: 'done' });
  writeFileSync(journal, `${steps.join('\n')}\n`);

  for (const [flags, message] of [
    ['--vault w --resume', `gl-put-parts: --resume: the run in ${journal} stored into vault "v" in us-east-1, not "w" in us-east-1\n`],
    ['--vault v --resume --region eu-west-1', `gl-put-parts: --resume: the run in ${journal} stored into vault "v" in us-east-1, not "v" in eu-west-1\n`],
  ]) {
    const from = server.requests.length;
    const other = await put(flags);
    t.equal(other.status, 2, flags);
    t.equal(other.stderr, message, flags);
    t.equal(other.stdout.length, 0);
    t.same(server.requests.slice(from), [], `${flags}: nothing sent`);
  }
  t.equal(journalSteps(journal).at(-1)!.step, 'written', 'the journal is as the run left it');
});

t.test('a record the earlier run could not write is written by --resume, also when the input stops before its archive', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  const [a, b] = [writeFile(dir, 'a.bin', seededBytes(2 * MiB, 16)), writeFile(dir, 'b.bin', seededBytes(3 * MiB, 17))];
  const journal = join(dir, 'upload.journal');
  const put = (files: string[], tail = '') => sh(`gl-chunk --part-size 1MiB ${files.map(quote).join(' ')} | gl-put-parts --vault v --journal ${quote(journal)}${tail}`, { env: putEnv(server) });

  // The ledger's reader takes the first record and goes away: b's record cannot be written.
  const closed = await put([a, b], ' | head -n 1');
  t.equal(closed.status, 1);
  const line = closed.stderr.split('\n').find((text) => text.includes('could not be written'))!;
  t.match(line, /b\.bin" is stored, but its ledger record could not be written .*--resume writes it: \{/);
  const lost = JSON.parse(line.slice(line.indexOf(': {') + 2)) as Record<string, unknown>;

  const resumed = await put([a], ' --resume');
  t.equal(resumed.status, 0, resumed.stderr);
  t.same(records(resumed), [lost], 'the record b had no line for');
  t.match(resumed.stderr, /the journal's archive 1 \(".*b\.bin"\) is not in this input; its ledger record, which the earlier run could not write, is written now/);
  const again = await put([a], ' --resume');
  t.equal(again.status, 0, again.stderr);
  t.notOk(records(again).some((record) => record.archiveId === lost.archiveId), 'and only once: the finished run is not resumed again');
});

t.test('a second Ctrl-C quits at once: it says how to resume, and leaves no lock behind', async (t) => {
  // Parts take 10 s to be answered, so the first Ctrl-C has requests on the wire to wait for.
  const server = await withLocal(t, { faults: 'UploadMultipartPart:latency=10s', vaults: ['v'] });
  const dir = scratch(t);
  const data = writeFile(dir, 'data.bin', seededBytes(4 * MiB, 21));
  const journal = join(dir, 'upload.journal');
  const putParts = `gl-put-parts --vault v --concurrency 2 --journal ${journal}`;
  const pidFile = join(dir, 'pid');
  const started = Date.now();
  const running = sh(`gl-chunk --part-size 1MiB ${quote(data)} | ${putParts} &\necho $! > ${quote(pidFile)}\nwait $!`, { env: putEnv(server) });
  // Parts go out as soon as the upload is begun.
  while (!(existsSync(journal) && readFileSync(journal, 'utf8').includes('"step":"initiated"'))) await sleep(20);
  await sleep(200);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGINT');
  await sleep(300);
  process.kill(pid, 'SIGINT');
  const result = await running;
  t.ok(Date.now() - started < 6000, 'without waiting for the parts on the wire');
  t.equal(result.status, 130);
  t.same(result.stderr.trimEnd().split('\n'), [
    'gl-put-parts: interrupted by SIGINT: stopping once the requests on the wire are answered (again to quit at once)',
    'gl-put-parts: interrupted again by SIGINT: quitting at once',
    `gl-put-parts: requests on the wire were abandoned; the journal ${journal} has every step acknowledged before: to continue, run the same pipeline again ending in: ${putParts} --resume`,
  ]);
  t.notOk(existsSync(`${journal}.lock`), 'the journal is free for the resume');
});

t.test('--resume with an input that ends before an archive the earlier run began: an error, and the journal still holds the run', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  const [a, b] = [writeFile(dir, 'a.bin', seededBytes(2 * MiB, 22)), writeFile(dir, 'b.bin', seededBytes(3 * MiB, 23))];
  const journal = join(dir, 'upload.journal');
  const put = (input: string, tail = '') => sh(`${input} | gl-put-parts --vault v --journal ${quote(journal)}${tail}`, { env: putEnv(server) });
  const both = `gl-chunk --part-size 1MiB ${quote(a)} ${quote(b)}`;

  // b is begun and cut off: its upload is kept for a resume.
  const cut = await put(`${both} | head -n -1`);
  t.equal(cut.status, 1, cut.stderr);
  const uploadId = journalSteps(journal).filter((step) => step.step === 'initiated').at(-1)!.uploadId as string;

  for (const input of [`gl-chunk --part-size 1MiB ${quote(a)}`, 'true']) {
    const short = await put(input, ' --resume');
    t.equal(short.status, 1, input);
    t.same(short.stderr.trimEnd().split('\n'), [
      `gl-put-parts: stdin: the input ended before the journal's archive 1 ("${b}"), which the earlier run began (upload ID ${uploadId} is kept)`,
      `gl-put-parts: this input is not the one the run in ${journal} began with: run that pipeline again with --resume, or remove ${journal} to start over`,
    ], input);
    t.equal(short.stdout.length, 0, `${input}: no record`);
  }
  t.notOk(journalSteps(journal).some((step) => step.step === 'done'), 'the run is not marked done');
  const resumed = await put(both, ' --resume');
  t.equal(resumed.status, 0, resumed.stderr);
  t.match(records(resumed), [{ name: b }], 'the whole input finishes the run');
});

t.test('--resume on a journal whose run finished begins a new run, whatever the input (a script may always pass it)', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  const journal = join(dir, 'upload.journal');
  const put = (name: string, seed: number) => sh(`gl-chunk --part-size 1MiB ${quote(writeFile(dir, name, seededBytes(2 * MiB, seed)))} | gl-put-parts --vault v --journal ${quote(journal)} --resume`, { env: putEnv(server) });
  const monday = await put('monday.bin', 24);
  t.equal(monday.status, 0, monday.stderr);
  t.equal(monday.stderr, '');
  const tuesday = await put('tuesday.bin', 25);
  t.equal(tuesday.status, 0, tuesday.stderr);
  t.equal(tuesday.stderr, `gl-put-parts: journal ${journal}: its last run finished; starting a new one\n`);
  t.match(records(tuesday), [{ name: /tuesday\.bin$/ }]);
  t.same(journalSteps(journal).filter((step) => step.step === 'start' || step.step === 'resume').map((step) => step.step), ['start', 'start']);
});
