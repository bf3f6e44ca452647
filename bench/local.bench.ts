// gl-local's upload path: 1 GiB in 64 MiB parts with SDK v3 (precomputed hashes, Buffer bodies,
// two parts in flight) to gl-local, next to the same transfer to a plain Node HTTP sink that
// discards bodies and to a sink that only computes the tree hash and the linear SHA-256. Each
// server is its own process; its peak RSS is read from /proc. Goal: gl-local within 1.5x of the
// hashing sink.
//
// Also runnable as a sink: `node dist/bench/local.bench.js --sink discard|hash` prints its URL.

import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  GlacierClient,
  InitiateMultipartUploadCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { combineTreeHashes, TreeHasher } from '../src/treehash/tree-hash.js';
import { glLocalCommand, mibPerSecond, printTable, scratchDir, startServerProcess, type ServerProcess } from './lib.js';

const MiB = 1024 * 1024;
const PART_SIZE = 64 * MiB;
const PARTS = 16;
const CONCURRENCY = 2;
const ROUNDS = 2;

type SinkKind = 'discard' | 'hash';

/** Answers just enough of the Glacier multipart API for the SDK: initiate, parts, complete. */
async function runSink(kind: SinkKind): Promise<void> {
  const server = createServer((req, res) => {
    const hasher = kind === 'hash' ? new TreeHasher() : undefined;
    req.on('data', (chunk: Buffer) => hasher?.update(chunk));
    req.on('end', () => {
      const declared = req.headers['x-amz-sha256-tree-hash'] as string | undefined;
      const isPart = req.headers['content-range'] !== undefined;
      const digest = isPart ? hasher?.digest() : undefined;
      if (digest && (digest.treeHash !== declared || digest.sha256 !== req.headers['x-amz-content-sha256'])) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"InvalidParameterValueException","message":"Checksum mismatch","type":"Client"}');
        return;
      }
      if (req.method === 'POST' && req.url?.endsWith('/multipart-uploads')) {
        res.writeHead(201, { 'x-amz-multipart-upload-id': 'sink-upload', location: `${req.url}/sink-upload`, 'content-length': 0 }).end();
      } else if (isPart) {
        res.writeHead(204, { 'x-amz-sha256-tree-hash': digest?.treeHash ?? declared ?? '' }).end();
      } else {
        res.writeHead(201, { 'x-amz-archive-id': 'sink-archive', 'x-amz-sha256-tree-hash': declared ?? '', 'content-length': 0 }).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

type Target = ServerProcess & { name: string };

async function startTarget(name: string, command: string, args: string[]): Promise<Target> {
  return { name, ...(await startServerProcess(command, args)) };
}

function peakRss(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** The part's bytes: a shared random block with the part number in its first bytes. */
function fillPart(buffer: Buffer, index: number): Buffer {
  buffer.writeUInt32BE(index, 0);
  return buffer;
}

/** An SDK v3 client that sends the hashes it is given instead of hashing each body again (§5.4). */
function uploadClient(url: string): GlacierClient {
  return new GlacierClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    bodyChecksumGenerator: async (request) => [request.headers['x-amz-content-sha256'], request.headers['x-amz-sha256-tree-hash']],
  });
}

async function upload(target: Target, block: Buffer, hashes: { treeHash: string; sha256: string }[]): Promise<number> {
  const glacier = uploadClient(target.url);
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'bench' }));
  const started = process.hrtime.bigint();
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId: '-', vaultName: 'bench', partSize: String(PART_SIZE) }));
  let next = 0;
  // Each worker owns one part buffer, so a buffer is never changed while it is on the wire.
  const workers = Array.from({ length: CONCURRENCY }, async (_, worker) => {
    const buffer = worker === 0 ? block : Buffer.from(block);
    while (next < PARTS) {
      const index = next++;
      const command = new UploadMultipartPartCommand({
        accountId: '-',
        vaultName: 'bench',
        uploadId,
        range: `bytes ${index * PART_SIZE}-${(index + 1) * PART_SIZE - 1}/*`,
        body: fillPart(buffer, index),
        checksum: hashes[index].treeHash,
      });
      command.middlewareStack.add(
        (nextHandler) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = hashes[index].sha256;
          return nextHandler(args);
        },
        { step: 'build', priority: 'high' },
      );
      await glacier.send(command);
    }
  });
  await Promise.all(workers);
  await glacier.send(
    new CompleteMultipartUploadCommand({
      accountId: '-',
      vaultName: 'bench',
      uploadId,
      archiveSize: String(PART_SIZE * PARTS),
      checksum: combineTreeHashes(hashes.map((hash) => hash.treeHash)),
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export default async function bench(): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const scratch = scratchDir('glp-bench-local-');
  const block = randomBytes(PART_SIZE);
  const hashes = Array.from({ length: PARTS }, (_, index) => {
    const part = fillPart(Buffer.from(block), index);
    const treeHash = new TreeHasher().update(part).digest().treeHash;
    return { treeHash, sha256: createHash('sha256').update(part).digest('hex') };
  });
  const targets = [
    await startTarget('discarding sink', process.execPath, [here, '--sink', 'discard']),
    await startTarget('hashing sink', process.execPath, [here, '--sink', 'hash']),
    await startTarget('gl-local', glLocalCommand, ['--data-dir', join(scratch.dir, 'data')]),
  ];
  const best = new Map<string, number>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        const seconds = await upload(target, block, hashes);
        best.set(target.name, Math.min(seconds, best.get(target.name) ?? Infinity));
      }
    }
    const bytes = PART_SIZE * PARTS;
    const hashing = best.get('hashing sink')!;
    printTable(
      `1 GiB in ${PARTS} parts of 64 MiB, SDK v3, ${CONCURRENCY} in flight, best of ${ROUNDS}`,
      ['server', 'seconds', 'MiB/s', 'time vs hashing sink', 'server peak RSS MiB'],
      targets.map((target) => [
        target.name,
        best.get(target.name)!,
        mibPerSecond(bytes, best.get(target.name)!),
        best.get(target.name)! / hashing,
        peakRss(target.child) / MiB,
      ]),
    );
    console.log(`goal: gl-local within 1.5x of the hashing sink; measured ${(best.get('gl-local')! / hashing).toFixed(2)}x`);
  } finally {
    for (const target of targets) await target.stop();
    scratch.remove();
  }
}

if (process.argv[2] === '--sink') await runSink(process.argv[3] as SinkKind);
