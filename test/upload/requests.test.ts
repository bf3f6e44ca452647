// The Glacier calls with their retries, against gl-local over HTTP with injected faults.

import { InitiateMultipartUploadCommand } from '@aws-sdk/client-glacier';
import t from 'tap';
import { glacierBodyChecksums } from '../../src/aws/clients.js';
import { ThrottleGate } from '../../src/aws/throttle-gate.js';
import type { PartSource } from '../../src/upload/part-body.js';
import { RequestError, UploadRequests, type RetryEvent } from '../../src/upload/requests.js';
import { TreeHasher } from '../../src/treehash/tree-hash.js';
import { glacierClient, withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { createVault, requestsFor } from './helpers.js';

function requestsTo(server: import('../../src/local/index.js').LocalServer, retries: RetryEvent[] = [], attempts?: number) {
  return new UploadRequests({
    client: glacierClient(server, { maxAttempts: 1, bodyChecksumGenerator: glacierBodyChecksums }),
    vault: 'v',
    gate: new ThrottleGate(4),
    attempts,
    baseDelayMs: 1,
    onRetry: (event) => retries.push(event),
  });
}

const hashesOf = (bytes: Buffer) => {
  const digest = new TreeHasher().update(bytes).digest();
  return { treeHash: digest.treeHash, sha256: digest.sha256 };
};

t.test('a part cut off mid-body is sent again from a fresh stream of the file', async (t) => {
  const server = await withLocal(t, { faults: 'UploadMultipartPart:resetx2' });
  await createVault(server, 'v');
  const bytes = seededBytes(2 * MiB, 1);
  const path = writeFile(scratch(t), 'f.bin', bytes);
  const retries: RetryEvent[] = [];
  const requests = requestsTo(server, retries);
  const uploadId = await requests.initiate(2 * MiB, 'd', 'test');
  let net = 0;
  await requests.uploadPart(uploadId, 0, { kind: 'file', path, start: 0, size: 2 * MiB }, hashesOf(bytes), 'part 0', { onBytes: (n) => (net += n) });
  t.same(
    requestsFor(server, 'UploadMultipartPart').map((record) => [record.fault, record.status]),
    [['reset', null], ['reset', null], [null, 204]],
  );
  t.equal(retries.length, 2);
  t.match(retries[0], { operation: 'UploadMultipartPart', what: 'part 0', attempt: 1 });
  t.equal(net, 2 * MiB, 'bytes of failed attempts are taken back');
  const listed = await requests.listParts(uploadId, 'test');
  t.same(listed.parts, [{ first: 0, last: 2 * MiB - 1, treeHash: hashesOf(bytes).treeHash }]);
});

t.test('throttling, 500s and 408s are retried; the cap ends it with a clear error', async (t) => {
  const server = await withLocal(t, { faults: 'InitiateMultipartUpload:throttlex1,InitiateMultipartUpload:timeoutx1,ListParts:500' });
  await createVault(server, 'v');
  const retries: RetryEvent[] = [];
  const requests = requestsTo(server, retries, 3);
  const uploadId = await requests.initiate(MiB, '', 'archive "x"');
  t.same(
    retries.map((event) => (event.error as Error).name),
    ['ThrottlingException', 'RequestTimeoutException'],
  );
  const failure = await requests.listParts(uploadId, 'archive "x"').catch((err: unknown) => err);
  t.type(failure, RequestError);
  t.equal(
    (failure as Error).message,
    'ListParts for archive "x": ServiceUnavailableException (HTTP 500): Service is unavailable. Try again later. (injected fault) (gave up after 3 attempts)',
  );
});

t.test('a final error is not retried and keeps its AWS code', async (t) => {
  const server = await withLocal(t);
  const requests = requestsTo(server);
  const failure = (await requests.initiate(MiB, '', 'archive "x"').catch((err: unknown) => err)) as RequestError;
  t.equal(failure.awsCode, 'ResourceNotFoundException');
  t.match(failure.message, /^InitiateMultipartUpload for archive "x": ResourceNotFoundException \(HTTP 404\): Vault not found for ARN: /);
  t.equal(requestsFor(server, 'InitiateMultipartUpload').length, 1);
});

t.test('ListParts reads every page', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const glacier = glacierClient(server);
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId: '-', vaultName: 'v', partSize: String(MiB) }));
  const requests = requestsTo(server);
  // gl-local accepts a short part anywhere (Complete would refuse it): 120 one-byte parts, two pages and more.
  const one = Buffer.from('x');
  for (let index = 0; index < 120; index += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => requests.uploadPart(uploadId!, (index + k) * MiB, { kind: 'memory', buffers: [one], size: 1 }, hashesOf(one), `part ${index + k}`)));
  }
  const listed = await requests.listParts(uploadId!, 'test');
  t.equal(listed.parts.length, 120);
  t.equal(listed.partSize, MiB);
  t.same(listed.parts.map((part) => part.first), Array.from({ length: 120 }, (_, i) => i * MiB));
  t.ok(requestsFor(server, 'ListParts').length >= 3, 'more than one page');
});

t.test('a file that became shorter than its part fails the part at once with SHORT_FILE, not retried', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const bytes = seededBytes(3 * MiB, 7);
  const path = writeFile(scratch(t), 'shrunk.bin', bytes.subarray(0, 2 * MiB));
  const retries: RetryEvent[] = [];
  const requests = requestsTo(server, retries);
  const uploadId = await requests.initiate(4 * MiB, 'd', 'test');
  await t.rejects(requests.uploadPart(uploadId, 0, { kind: 'file', path, start: 0, size: 3 * MiB }, hashesOf(bytes), 'part 0'), {
    code: 'SHORT_FILE',
    message: `part 0: ${path}: the file ends at byte ${2 * MiB}, before the end of bytes 0-${3 * MiB - 1} (changed since it was chunked?)`,
  });
  t.equal(retries.length, 0, 'not retried');
});

t.test('a file whose bytes changed after they were hashed: the failure says so, not what the server made of it', async (t) => {
  const server = await withLocal(t);
  await createVault(server, 'v');
  const dir = scratch(t);
  const before = seededBytes(2 * MiB, 8);
  const after = Buffer.from(before);
  after.write('changed', MiB + 5);
  const path = writeFile(dir, 'live.bin', after);
  const retries: RetryEvent[] = [];
  const requests = requestsTo(server, retries);
  const uploadId = await requests.initiate(2 * MiB, 'd', 'test');
  await t.rejects(requests.uploadPart(uploadId, 0, { kind: 'file', path, start: 0, size: 2 * MiB }, hashesOf(before), 'part 0'), {
    code: 'FILE_CHANGED',
    message: `part 0: ${path} changed after its bytes were hashed: bytes 0-${2 * MiB - 1} now have tree hash ${hashesOf(after).treeHash}, not ${hashesOf(before).treeHash}`,
  });
  await t.rejects(requests.uploadArchive('d', { kind: 'file', path: `${path}.gone`, start: 0, size: 10 }, hashesOf(before.subarray(0, 10)), 'archive "x"'), {
    code: 'FILE_CHANGED',
    message: `archive "x": ${path}.gone: no such file: the file changed after its bytes were hashed`,
  });
  t.equal(retries.length, 0, 'not retried');
  t.equal(requestsFor(server, 'UploadMultipartPart').length, 1, 'Glacier refused the part');
  t.equal(requestsFor(server, 'UploadArchive').length, 0, 'nothing to send for a file that is gone');
});

t.test('a retry says whether the failed attempt may have taken effect: whole body sent, no refusal', async (t) => {
  const bytes = seededBytes(MiB, 3);
  const path = writeFile(scratch(t), 'f.bin', bytes);
  const hashes = hashesOf(bytes);
  const sources: PartSource[] = [{ kind: 'file', path, start: 0, size: MiB }, { kind: 'memory', buffers: [bytes], size: MiB }];
  for (const source of sources) {
    // gl-local reads the whole body before either answer.
    const server = await withLocal(t, { faults: 'UploadArchive:500x1,UploadArchive:throttlex1' });
    await createVault(server, 'v');
    const retries: RetryEvent[] = [];
    await requestsTo(server, retries).uploadArchive('the description', source, hashes, 'archive "f"');
    t.match(
      retries.map(({ error, mayHaveTakenEffect, archive }) => ({ name: (error as Error).name, mayHaveTakenEffect, archive })),
      [
        { name: 'ServiceUnavailableException', mayHaveTakenEffect: true, archive: { description: 'the description', size: MiB, treeHash: hashes.treeHash } },
        { name: 'ThrottlingException', mayHaveTakenEffect: false },
      ],
      `${source.kind}: a 500 after the whole body may have stored the archive; a throttle did not`,
    );
    t.equal(retries.length, 2);
  }
});

t.test('an UploadArchive that fails for good after an attempt that may have stored it says to check an inventory', async (t) => {
  const bytes = seededBytes(MiB, 4);
  const hashes = hashesOf(bytes);
  const source: PartSource = { kind: 'memory', buffers: [bytes], size: MiB };
  const server = await withLocal(t, { faults: 'UploadArchive:500x1,UploadArchive:throttle' });
  await createVault(server, 'v');
  await t.rejects(requestsTo(server, [], 3).uploadArchive('the description', source, hashes, 'archive "f"'), {
    code: 'REQUEST_FAILED',
    message: new RegExp(
      `^UploadArchive for archive "f": ThrottlingException .*\\(gave up after 3 attempts\\); an attempt may have stored it all the same: ` +
        `check an inventory for an archive with description "the description", size ${MiB} and tree hash ${hashes.treeHash} before storing it again$`,
    ),
  });
  const refused = await withLocal(t, { faults: 'UploadArchive:throttle' });
  await createVault(refused, 'v');
  await t.rejects(requestsTo(refused, [], 2).uploadArchive('d', source, hashes, 'archive "f"'), {
    message: /^UploadArchive for archive "f": ThrottlingException .*\(gave up after 2 attempts\)$/,
  }, 'every attempt refused: nothing to check');
});
