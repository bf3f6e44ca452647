// kill -9 of the real gl-local process in the middle of uploads, then a restart on the same
// --data-dir: everything that was acknowledged is still there, nothing else is, and the
// interrupted upload can be completed.

import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  DescribeJobCommand,
  GetJobOutputCommand,
  GlacierClient,
  InitiateJobCommand,
  InitiateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { combineTreeHashes, treeHash } from '../../src/treehash/tree-hash.js';
import { glacierClient, mod251, signedHeaders, spawnLocal, type LocalProcess } from '../helpers/local.js';

const accountId = '-';
const vaultName = 'v';
const MiB = 1048576;

function dataDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'gl-local-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function retrieve(glacier: GlacierClient, archiveId: string): Promise<Buffer> {
  const { jobId } = await glacier.send(new InitiateJobCommand({ accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
  const out = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId }));
  return Buffer.from(await out.body!.transformToByteArray());
}

/** Polls DescribeJob (at most 5 s) until the job has `wanted` status; returns the last status. */
async function jobStatus(glacier: GlacierClient, jobId: string, wanted: string): Promise<string | undefined> {
  let status: string | undefined;
  for (let i = 0; i < 50 && status !== wanted; i++) {
    status = (await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId }))).StatusCode;
    if (status !== wanted) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

/** Starts an UploadMultipartPart whose body stops after `sent` bytes; resolves once they are on the wire. */
async function stalledPart(local: LocalProcess, uploadId: string, first: number, part: Buffer, sent: number) {
  const path = `/-/vaults/${vaultName}/multipart-uploads/${uploadId}`;
  const headers = await signedHeaders(local.url, {
    method: 'PUT',
    path,
    headers: {
      'content-range': `bytes ${first}-${first + part.length - 1}/*`,
      'content-length': String(part.length),
      'x-amz-sha256-tree-hash': treeHash(part),
      'x-amz-content-sha256': createHash('sha256').update(part).digest('hex'),
    },
  });
  const req = httpRequest(new URL(path, local.url), { method: 'PUT', headers });
  req.on('error', () => undefined); // the server dies under it
  await new Promise<void>((resolve) => req.write(part.subarray(0, sent), () => resolve()));
  return req;
}

async function kill9(t: Test, local: LocalProcess): Promise<void> {
  local.child.kill('SIGKILL');
  t.equal(await local.exited, 'SIGKILL', 'killed with SIGKILL');
}

t.test('kill -9 mid-upload, restart on the same data dir, complete the upload', async (t) => {
  const dir = dataDir(t);
  const first = await spawnLocal(t, ['--data-dir', dir, '--job-delay', '2']);
  let glacier = glacierClient(first.url, { maxAttempts: 1 });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const single = mod251(2 * MiB + 3);
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId, vaultName, body: single, archiveDescription: 'before the crash' }));
  const retrieval = { accountId, vaultName, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } };
  const { jobId } = await glacier.send(new InitiateJobCommand(retrieval));
  t.equal(await jobStatus(glacier, jobId!, 'Succeeded'), 'Succeeded', 'a job finished before the crash');
  const { jobId: pendingJobId } = await glacier.send(new InitiateJobCommand(retrieval));

  const data = mod251(4 * MiB + 100, 9);
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId, vaultName, partSize: String(MiB) }));
  for (const firstByte of [0, MiB]) {
    await glacier.send(new UploadMultipartPartCommand({ accountId, vaultName, uploadId, range: `bytes ${firstByte}-${firstByte + MiB - 1}/*`, body: data.subarray(firstByte, firstByte + MiB) }));
  }
  t.equal((await glacier.send(new DescribeJobCommand({ accountId, vaultName, jobId: pendingJobId }))).StatusCode, 'InProgress', 'a job in progress at the crash');
  // Part 3 is half sent when the server dies.
  await stalledPart(first, uploadId!, 2 * MiB, data.subarray(2 * MiB, 3 * MiB), MiB / 2);
  await kill9(t, first);

  const second = await spawnLocal(t, ['--data-dir', dir]);
  glacier = glacierClient(second.url);
  t.ok((await retrieve(glacier, archiveId!)).equals(single), 'the archive acknowledged before the crash');
  const oldJob = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId }));
  t.ok(Buffer.from(await oldJob.body!.transformToByteArray()).equals(single), 'the job finished before the crash is still downloadable');
  t.equal(await jobStatus(glacier, pendingJobId!, 'Succeeded'), 'Succeeded', 'the job in progress at the crash finishes after the restart');
  const pending = await glacier.send(new GetJobOutputCommand({ accountId, vaultName, jobId: pendingJobId }));
  t.ok(Buffer.from(await pending.body!.transformToByteArray()).equals(single));
  const uploads = await glacier.send(new ListMultipartUploadsCommand({ accountId, vaultName }));
  t.same(uploads.UploadsList?.map((u) => u.MultipartUploadId), [uploadId], 'the upload is still open');
  const parts = await glacier.send(new ListPartsCommand({ accountId, vaultName, uploadId }));
  t.same(
    parts.Parts,
    [
      { RangeInBytes: '0-1048575', SHA256TreeHash: treeHash(data.subarray(0, MiB)) },
      { RangeInBytes: '1048576-2097151', SHA256TreeHash: treeHash(data.subarray(MiB, 2 * MiB)) },
    ],
    'both acknowledged parts, and not the half-sent one',
  );
  t.same(readdirSync(join(dir, 'glacier', 'tmp')), [], 'the half-received body was discarded');

  const hashes = [treeHash(data.subarray(0, MiB)), treeHash(data.subarray(MiB, 2 * MiB))];
  for (const firstByte of [2 * MiB, 3 * MiB, 4 * MiB]) {
    const body = data.subarray(firstByte, firstByte + MiB);
    hashes.push((await glacier.send(new UploadMultipartPartCommand({ accountId, vaultName, uploadId, range: `bytes ${firstByte}-${firstByte + body.length - 1}/*`, body }))).checksum!);
  }
  const done = await glacier.send(new CompleteMultipartUploadCommand({ accountId, vaultName, uploadId, archiveSize: String(data.length), checksum: combineTreeHashes(hashes) }));
  t.equal(done.checksum, treeHash(data));
  t.ok((await retrieve(glacier, done.archiveId!)).equals(data), 'the completed archive holds every byte');

  second.child.kill('SIGTERM');
  t.equal(await second.exited, 0, 'SIGTERM stops it cleanly');
});

t.test('kill -9 while many parts are in flight: every acknowledged part survives', async (t) => {
  const dir = dataDir(t);
  const first = await spawnLocal(t, ['--data-dir', dir]);
  const glacier = glacierClient(first.url, { maxAttempts: 1 });
  await glacier.send(new CreateVaultCommand({ accountId, vaultName }));
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId, vaultName, partSize: String(MiB) }));
  const parts = Array.from({ length: 24 }, (_, i) => mod251(MiB, i));
  const acknowledged = new Map<number, string>();
  let killed = false;
  await new Promise<void>((resolve) => {
    let settled = 0;
    for (const [i, body] of parts.entries()) {
      glacier
        .send(new UploadMultipartPartCommand({ accountId, vaultName, uploadId, range: `bytes ${i * MiB}-${(i + 1) * MiB - 1}/*`, body }))
        .then((answer) => {
          acknowledged.set(i * MiB, answer.checksum!);
          // Die as soon as a third of the parts are acknowledged, others still on the wire.
          if (acknowledged.size === 8 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        })
        .catch(() => undefined)
        .finally(() => ++settled === parts.length && resolve());
    }
  });
  t.equal(await first.exited, 'SIGKILL');
  t.ok(acknowledged.size >= 8, `${acknowledged.size} parts acknowledged before the kill`);

  const second = await spawnLocal(t, ['--data-dir', dir]);
  const listed = await glacierClient(second.url).send(new ListPartsCommand({ accountId, vaultName, uploadId, limit: 1000 }));
  const survived = new Map(listed.Parts!.map((p) => [Number(p.RangeInBytes!.split('-')[0]), p.SHA256TreeHash!]));
  for (const [firstByte, hash] of acknowledged) t.equal(survived.get(firstByte), hash, `acknowledged part at ${firstByte} survived`);
  for (const [firstByte, hash] of survived) t.equal(hash, treeHash(parts[firstByte / MiB]), `listed part at ${firstByte} has the right hash`);
});
