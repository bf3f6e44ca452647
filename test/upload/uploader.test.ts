// putArchives, the engine under gl-put-parts, against gl-local over HTTP: stopping and resuming,
// several archives, failures that keep or abort the open upload, and a ledger record that could
// not be written. Input streams come from the real gl-chunk.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { glacierBodyChecksums } from '../../src/aws/clients.js';
import { ThrottleGate } from '../../src/aws/throttle-gate.js';
import type { LocalServer } from '../../src/local/index.js';
import type { ArchiveRecord } from '../../src/records/types.js';
import { readUploadStream } from '../../src/records/upload-stream.js';
import { Journal } from '../../src/upload/journal.js';
import { UploadRequests } from '../../src/upload/requests.js';
import { LedgerNotWritten, putArchives, UploadStopped, type PutArchivesOptions } from '../../src/upload/uploader.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { glacierClient, withLocal } from '../helpers/local.js';
import { quote, sh } from '../helpers/shell.js';
import { createVault, glTreehash, openUploads, partKey, requestsFor, retrieve, sha256 } from './helpers.js';

async function chunked(script: string): Promise<Buffer> {
  const result = await sh(script);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

const events = (input: Buffer) => readUploadStream(Readable.from([input]), { keepData: true });

function options(server: LocalServer, ledger: ArchiveRecord[], more: Partial<PutArchivesOptions> = {}): PutArchivesOptions {
  return {
    requests: new UploadRequests({
      client: glacierClient(server, { maxAttempts: 1, bodyChecksumGenerator: glacierBodyChecksums }),
      vault: 'v',
      gate: new ThrottleGate(2),
      baseDelayMs: 1,
    }),
    concurrency: 2,
    writeLedger: async (record) => {
      ledger.push(record);
    },
    ...more,
  };
}

async function setUp(t: Test) {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'v');
  return { server, dir: scratch(t) };
}

t.test('stopped after some parts, resumed from the journal: no part is sent twice', async (t) => {
  const { server, dir } = await setUp(t);
  const bytes = seededBytes(8 * MiB + 3, 1);
  const file = writeFile(dir, 'in.bin', bytes);
  const input = await chunked(`gl-chunk --part-size 1MiB --name in.bin < ${quote(file)}`);
  const journalPath = join(dir, 'run.journal');

  const first = await Journal.open(journalPath);
  const stop = new AbortController();
  let stored = 0;
  const ledger: ArchiveRecord[] = [];
  const stopped = await putArchives(
    events(input),
    options(server, ledger, {
      journal: first.journal,
      signal: stop.signal,
      observer: { partStored: () => ++stored === 3 && stop.abort(new Error('stop now')) },
    }),
  ).catch((err: unknown) => err);
  await first.journal.close();
  t.type(stopped, UploadStopped);
  const kept = (stopped as UploadStopped).keptUpload!;
  t.match((stopped as Error).message, /^stop now; upload ID \S+ of "in\.bin" kept \(\d part\(s\) stored; the journal .*run\.journal has it\)$/);
  t.ok(kept.partsStored >= 3 && kept.partsStored < 9, `${kept.partsStored} parts stored before the stop`);
  t.same(ledger, []);
  const acknowledged = new Set(requestsFor(server, 'UploadMultipartPart', 204).map(partKey));

  const resumedFrom = server.requests.length;
  const second = await Journal.open(journalPath);
  const result = await putArchives(events(input), options(server, ledger, { journal: second.journal, previous: second.previous }));
  await second.journal.close();
  t.equal(result.partsSkipped, kept.partsStored);
  t.equal(result.partsSent + result.partsSkipped, 9);
  t.equal(ledger.length, 1);
  const sentAgain = requestsFor(server, 'UploadMultipartPart', undefined, resumedFrom).filter((record) => acknowledged.has(partKey(record)));
  t.same(sentAgain, [], 'nothing acknowledged before was sent after the resume');
  t.equal(requestsFor(server, 'InitiateMultipartUpload', undefined, resumedFrom).length, 0, 'the same upload was continued');
  t.equal(sha256(await retrieve(server, 'v', ledger[0].archiveId)), sha256(bytes));
  const steps = readFileSync(journalPath, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { step: string }).step);
  t.same(steps.filter((step) => step !== 'part'), ['initiated', 'completing', 'completed', 'written'], 'the journal holds the steps (the command adds start, resume, done)');
});

t.test('a ledger record that cannot be written is in the error and the journal, and the resume writes it once', async (t) => {
  const { server, dir } = await setUp(t);
  const inputs = [seededBytes(1, 2), seededBytes(3 * MiB + 1, 3), seededBytes(2 * MiB, 4)].map((bytes, i) => writeFile(dir, `${i}.bin`, bytes));
  const input = await chunked(`gl-chunk --part-size 1MiB ${inputs.map(quote).join(' ')}`);
  const journalPath = join(dir, 'run.journal');

  const first = await Journal.open(journalPath);
  const written: ArchiveRecord[] = [];
  const failure = await putArchives(
    events(input),
    options(server, written, {
      journal: first.journal,
      writeLedger: async (record) => {
        if (written.length === 1) throw new Error('write EPIPE');
        written.push(record);
      },
    }),
  ).catch((err: unknown) => err);
  await first.journal.close();
  t.type(failure, UploadStopped);
  const lost = (failure as UploadStopped).reason as LedgerNotWritten;
  t.type(lost, LedgerNotWritten);
  t.equal(lost.record.size, 3 * MiB + 1);
  t.match((failure as Error).message, `archive "${inputs[1]}" is stored, but its ledger record could not be written (write EPIPE); the journal keeps it and --resume writes it: {"type":"archive"`);
  t.same(JSON.parse((failure as Error).message.slice((failure as Error).message.indexOf(': {') + 2)), lost.record, 'the whole record is on the line');

  const resumedFrom = server.requests.length;
  const second = await Journal.open(journalPath);
  const resumed: ArchiveRecord[] = [];
  await putArchives(events(input), options(server, resumed, { journal: second.journal, previous: second.previous }));
  await second.journal.close();
  t.same(
    resumed.map((record) => record.size),
    [3 * MiB + 1, 2 * MiB],
    'the lost record, then the archive not yet stored; the record already written is not written again',
  );
  t.equal(resumed[0].archiveId, lost.record.archiveId);
  t.equal(requestsFor(server, 'UploadArchive', undefined, resumedFrom).length, 0, 'archive 0 was not sent again');
  t.equal(requestsFor(server, 'InitiateMultipartUpload', undefined, resumedFrom).length, 1, 'only archive 2 was uploaded');
});

t.test('a failure aborts the open upload, or keeps it with keepUpload', async (t) => {
  const { server, dir } = await setUp(t);
  const file = writeFile(dir, 'x.bin', seededBytes(3 * MiB + 1, 5));
  const truncated = await chunked(`gl-chunk --part-size 1MiB ${quote(file)} | head -n -1`);

  const aborted = (await putArchives(events(truncated), options(server, [])).catch((err: unknown) => err)) as UploadStopped;
  t.match(aborted.message, /truncated archive; the multipart upload of ".*x\.bin" was aborted$/);
  t.equal(aborted.exitCode, 1);
  t.same(await openUploads(server, 'v'), []);

  const kept = (await putArchives(events(truncated), options(server, [], { keepUpload: true })).catch((err: unknown) => err)) as UploadStopped;
  t.match(kept.message, /truncated archive; upload ID \S+ of ".*x\.bin" kept \(4 part\(s\) stored\)$/);
  t.same(await openUploads(server, 'v'), [kept.keptUpload!.uploadId]);
});

t.test('a Complete whose answers are all lost: the failure says the vault probably holds the archive, not that the upload was kept', async (t) => {
  const server = await withLocal(t, { faults: 'CompleteMultipartUpload:reset' });
  await createVault(server, 'v');
  const file = writeFile(scratch(t), 'x.bin', seededBytes(2 * MiB + 1, 10));
  const input = await chunked(`gl-chunk --part-size 1MiB ${quote(file)}`);
  const ledger: ArchiveRecord[] = [];
  const requests = new UploadRequests({ client: glacierClient(server, { maxAttempts: 1, bodyChecksumGenerator: glacierBodyChecksums }), vault: 'v', gate: new ThrottleGate(2), baseDelayMs: 1, attempts: 3 });
  const failure = (await putArchives(events(input), options(server, ledger, { requests })).catch((err: unknown) => err)) as UploadStopped;
  const treeHash = await glTreehash({ path: file });
  t.match(
    failure.message,
    new RegExp(
      `^CompleteMultipartUpload for archive ".*x\\.bin" \\(upload ID (\\S+)\\): network error: ECONNRESET \\(gave up after 3 attempts\\); ` +
        `Glacier no longer knows upload ID \\1, so a CompleteMultipartUpload went through: the vault probably holds ".*x\\.bin" \\(2097153 bytes, tree hash ${treeHash}\\) ` +
        `without a ledger record; check an inventory before storing it again$`,
    ),
  );
  t.equal(failure.keptUpload, undefined, 'no upload is left to resume');
  t.same(ledger, [], 'no ledger record');
  t.equal(requestsFor(server, 'CompleteMultipartUpload').length, 3);
  t.same(await openUploads(server, 'v'), [], 'Glacier completed the upload');
});

t.test('resuming with other input: a changed part, a shorter archive, another archive', async (t) => {
  const { server, dir } = await setUp(t);
  const bytes = seededBytes(4 * MiB, 6);
  const whole = writeFile(dir, 'a.bin', bytes);
  const changed = writeFile(dir, 'changed.bin', Buffer.concat([bytes.subarray(0, MiB), seededBytes(3 * MiB, 7)]));
  const shorter = writeFile(dir, 'shorter.bin', bytes.subarray(0, 2 * MiB));
  const stream = (path: string, name = 'a') => chunked(`gl-chunk --part-size 1MiB --name ${name} < ${quote(path)}`);
  const journalPath = join(dir, 'run.journal');

  const first = await Journal.open(journalPath);
  // The end record never comes: the upload stops with every part stored.
  await putArchives(events(Buffer.from((await stream(whole)).toString().replace(/\{"type":"end".*\n$/, ''))), options(server, [], { journal: first.journal })).catch(() => {});
  await first.journal.close();
  const { previous } = await Journal.open(journalPath);
  const uploadId = previous.archives[0].uploadId!;
  t.equal(previous.archives[0].parts.size, 4);

  const tries: [string, Buffer, RegExp][] = [
    ['a changed part', await stream(changed), /^stdin:\d+: part 1 \(bytes 1048576-2097151\) of "a" differs from what the interrupted run stored in upload ID \S+: Glacier holds bytes 1048576-2097151 with tree hash [0-9a-f]{64}, the input has tree hash [0-9a-f]{64}; the input is not the same as before, and nothing was overwritten; upload ID \S+ of "a" kept \(4 part\(s\) stored\)$/],
    ['a shorter archive', await stream(shorter), /^stdin:\d+: archive "a" ends at byte 2097152, but upload ID \S+ holds bytes 2097152-3145727 from the interrupted run: the input is not the same as before/],
    ['another archive', await stream(whole, 'b'), /^stdin:1: archive 0 of the input has name "b", but the journal's archive 0 has "a": is this the same pipeline\?/],
  ];
  for (const [what, input, message] of tries) {
    const from = server.requests.length;
    const failure = (await putArchives(events(input), options(server, [], { previous })).catch((err: unknown) => err)) as UploadStopped;
    t.match(failure.message, message, what);
    t.equal(requestsFor(server, 'UploadMultipartPart', undefined, from).length, 0, `${what}: no part sent`);
    t.same(await openUploads(server, 'v'), [uploadId], `${what}: the upload is still there, untouched`);
  }
});

t.test('an earlier Complete whose answer was lost is completed again; an UploadArchive whose answer was lost is warned about', async (t) => {
  const { server, dir } = await setUp(t);
  const big = writeFile(dir, 'big.bin', seededBytes(2 * MiB + 9, 8));
  const small = writeFile(dir, 'small.bin', seededBytes(10, 9));
  const input = await chunked(`gl-chunk --part-size 1MiB ${quote(big)} ${quote(small)}`);
  const journalPath = join(dir, 'run.journal');
  const first = await Journal.open(journalPath);
  const ledger: ArchiveRecord[] = [];
  await putArchives(events(input), options(server, ledger, { journal: first.journal }));
  await first.journal.close();
  // As if the run had died just after sending Complete and UploadArchive.
  const lines = readFileSync(journalPath, 'utf8').trimEnd().split('\n');
  writeFileSync(journalPath, `${lines.filter((line) => !/"step":"(completed|written)"/.test(line)).join('\n')}\n`);

  const second = await Journal.open(journalPath);
  const warnings: string[] = [];
  const again: ArchiveRecord[] = [];
  const from = server.requests.length;
  await putArchives(events(input), options(server, again, { journal: second.journal, previous: second.previous, observer: { warning: (message) => warnings.push(message) } }));
  await second.journal.close();
  t.equal(again[0].archiveId, ledger[0].archiveId, 'Complete again answers the same archive');
  t.equal(requestsFor(server, 'UploadMultipartPart', undefined, from).length, 0);
  t.match(warnings, [/^archive ".*small\.bin": the earlier run's UploadArchive got no answer, so the vault may hold that archive without a ledger record \(tree hash [0-9a-f]{64}, 10 bytes\); storing it again$/]);
  t.not(again[1].archiveId, ledger[1].archiveId, 'the small archive was stored again');
});

t.test('the first part is read and hashed while InitiateMultipartUpload is answered', async (t) => {
  const { server, dir } = await setUp(t);
  const bytes = seededBytes(3 * MiB, 4);
  const input = await chunked(`gl-chunk --part-size 1MiB --name in.bin < ${quote(writeFile(dir, 'in.bin', bytes))}`);
  const order: string[] = [];
  let partRead!: () => void;
  // If the uploader waited for the answer before reading on, only this guard would end the wait.
  const firstPart = new Promise<void>((resolve) => {
    partRead = resolve;
    setTimeout(resolve, 10_000).unref();
  });
  const ledger: ArchiveRecord[] = [];
  const base = options(server, ledger);
  const requests = base.requests;
  const initiate = requests.initiate.bind(requests);
  requests.initiate = async (...args) => {
    await firstPart;
    order.push('initiate answered');
    return initiate(...args);
  };
  async function* watched() {
    for await (const event of events(input)) {
      if (event.kind === 'part') {
        order.push(`part ${event.record.index} hashed`);
        partRead();
      }
      yield event;
    }
  }
  await putArchives(watched(), base);
  t.same(order.slice(0, 2), ['part 0 hashed', 'initiate answered']);
  t.equal(ledger.length, 1);
  t.equal(ledger[0].treeHash, (await glTreehash({ bytes })));
  t.same(await retrieve(server, 'v', ledger[0].archiveId), bytes, 'the archive holds the input');
});
