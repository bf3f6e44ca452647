// gl-put-parts end to end: 1 GiB from a file (parts by reference) and from a pipe (inline data),
// 64 MiB parts, 4 in flight, to the gl-local command in its own process. Measured in the same
// run, as the transport limit: the same 1 GiB sent by SDK v3 from memory with precomputed hashes
// (what bench/local.bench.ts measures, here with 4 in flight) to that gl-local and to a plain
// HTTP sink that only hashes (local.bench.ts's sink). Peak RSS of gl-put-parts is read with GNU
// time, for 1 GiB and 4 GiB inputs; CPU seconds of the client side (the bench process, or the
// pipeline's processes) and of the server are read too, since on 2 cores the paths are CPU-bound.
//
// Goals (issue 4): file path >= 0.7x the hashing sink's figure (the same requests, the same 1 GiB,
// to a server that does nothing but hash); pipe path >= 0.6x the file path; peak RSS <=
// concurrency x part size + 100 MB, for 1 GiB and 4 GiB alike.
//
// GL_BENCH_ROUNDS=N sets the rounds (default 3); GL_BENCH_SKIP_4GIB=1 leaves out the 4 GiB runs.

import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  CompleteMultipartUploadCommand,
  CreateVaultCommand,
  DeleteArchiveCommand,
  GlacierClient,
  InitiateMultipartUploadCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { glacierBodyChecksums, withUploadHeaders } from '../src/aws/clients.js';
import { combineTreeHashes, TreeHasher } from '../src/treehash/tree-hash.js';
import { measureShell, mibPerSecond, printTable, repoRoot, scratchDir, startGlLocal, startServerProcess, type ServerProcess } from './lib.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const PART_SIZE = 64 * MiB;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.GL_BENCH_ROUNDS ?? 3);
const VAULT = 'bench';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

function client(url: string): GlacierClient {
  return new GlacierClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS, maxAttempts: 1, bodyChecksumGenerator: glacierBodyChecksums });
}

/** `size` pseudo-random bytes (an AES-CTR keystream) written to `path`. */
async function writeData(path: string, size: number): Promise<void> {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
  const out = createWriteStream(path);
  const zeros = Buffer.alloc(4 * MiB);
  for (let written = 0; written < size; written += zeros.length) {
    if (!out.write(cipher.update(zeros.subarray(0, Math.min(zeros.length, size - written))))) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}

interface Run {
  seconds: number;
  /** CPU seconds of the sending side and of the server. */
  clientCpu: number;
  serverCpu: number;
  rss?: number;
}

/** CPU seconds a server process has used so far (utime + stime from /proc, in clock ticks of 1/100 s). */
function serverCpu(server: ServerProcess): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The transport limit: 1 GiB of parts sent from memory with their hashes known, CONCURRENCY at once. */
async function sendFromMemory(server: ServerProcess, parts: Buffer[], hashes: { treeHash: string; sha256: string }[]): Promise<Run> {
  const glacier = client(server.url);
  const cpu = process.cpuUsage();
  const serverStart = serverCpu(server);
  const started = process.hrtime.bigint();
  const { uploadId } = await glacier.send(new InitiateMultipartUploadCommand({ accountId: '-', vaultName: VAULT, partSize: String(PART_SIZE) }));
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < parts.length) {
        const index = next++;
        const command = new UploadMultipartPartCommand({
          accountId: '-',
          vaultName: VAULT,
          uploadId,
          range: `bytes ${index * PART_SIZE}-${(index + 1) * PART_SIZE - 1}/*`,
          body: parts[index],
          checksum: hashes[index].treeHash,
        });
        withUploadHeaders(command, { sha256: hashes[index].sha256 });
        await glacier.send(command);
      }
    }),
  );
  const { archiveId } = await glacier.send(
    new CompleteMultipartUploadCommand({ accountId: '-', vaultName: VAULT, uploadId, archiveSize: String(PART_SIZE * parts.length), checksum: combineTreeHashes(hashes.map((hash) => hash.treeHash)) }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const run = { seconds, clientCpu: (used.user + used.system) / 1e6, serverCpu: serverCpu(server) - serverStart };
  if (archiveId && archiveId !== 'sink-archive') await glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName: VAULT, archiveId }));
  return run;
}

/** Runs one gl-put-parts pipeline; returns its time, CPU and gl-put-parts' peak RSS, and deletes what it stored. */
async function putParts(server: ServerProcess, dir: string, producer: string): Promise<Run> {
  const ledger = join(dir, 'ledger.ndjson');
  const cpuFile = join(dir, 'cpu');
  const serverStart = serverCpu(server);
  // `times` prints the shell's and then its children's user and system time.
  const measured = await measureShell(`${producer} | $(measure put) gl-put-parts --vault ${VAULT} --concurrency ${CONCURRENCY} > ${ledger}\ntimes > ${cpuFile}`, {
    AWS_ENDPOINT_URL: server.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  const serverUsed = serverCpu(server) - serverStart;
  const children = readFileSync(cpuFile, 'utf8').trim().split('\n')[1];
  const clientCpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
  const { archiveId } = JSON.parse(readFileSync(ledger, 'utf8')) as { archiveId: string };
  await client(server.url).send(new DeleteArchiveCommand({ accountId: '-', vaultName: VAULT, archiveId }));
  return { seconds: measured.seconds, clientCpu, serverCpu: serverUsed, rss: measured.stages.find((stage) => stage.label === 'put')!.maxRssBytes };
}

export default async function bench(): Promise<void> {
  const scratch = scratchDir('glp-bench-put-');
  const one = join(scratch.dir, '1GiB.bin');
  const four = join(scratch.dir, '4GiB.bin');
  await writeData(one, GiB);
  const glLocal = await startGlLocal(join(scratch.dir, 'data'), ['--vault', VAULT]);
  const sink = await startServerProcess(process.execPath, [join(repoRoot, 'dist', 'bench', 'local.bench.js'), '--sink', 'hash']);
  try {
    await client(sink.url).send(new CreateVaultCommand({ accountId: '-', vaultName: VAULT }));
    const data = readFileSync(one);
    const parts = Array.from({ length: GiB / PART_SIZE }, (_, i) => data.subarray(i * PART_SIZE, (i + 1) * PART_SIZE));
    const hashes = parts.map((part) => ({ treeHash: new TreeHasher().update(part).digest().treeHash, sha256: createHash('sha256').update(part).digest('hex') }));

    const best = new Map<string, Run>();
    const peakRss = new Map<string, number>();
    const keep = (name: string, run: Run) => {
      if (run.seconds < (best.get(name)?.seconds ?? Infinity)) best.set(name, run);
      if (run.rss !== undefined) peakRss.set(name, Math.max(run.rss, peakRss.get(name) ?? 0));
    };
    const file = `gl-chunk --part-size 64MiB ${one}`;
    const pipe = `cat ${one} | gl-chunk --part-size 64MiB`;
    for (let round = 0; round < ROUNDS; round++) {
      keep('SDK from memory -> hashing sink', await sendFromMemory(sink, parts, hashes));
      keep('SDK from memory -> gl-local', await sendFromMemory(glLocal, parts, hashes));
      keep('gl-put-parts, file -> gl-local', await putParts(glLocal, scratch.dir, file));
      keep('gl-put-parts, pipe -> gl-local', await putParts(glLocal, scratch.dir, pipe));
    }

    const seconds = (name: string) => best.get(name)!.seconds;
    const hashingSink = seconds('SDK from memory -> hashing sink');
    const transport = seconds('SDK from memory -> gl-local');
    printTable(
      `1 GiB, ${PART_SIZE / MiB} MiB parts, ${CONCURRENCY} in flight, best of ${ROUNDS}`,
      ['path', 'seconds', 'MiB/s', 'vs hashing sink', 'vs SDK -> gl-local', 'client CPU s', 'server CPU s', 'peak RSS MiB'],
      [...best].map(([name, run]) => [
        name,
        run.seconds,
        mibPerSecond(GiB, run.seconds),
        hashingSink / run.seconds,
        transport / run.seconds,
        run.clientCpu,
        run.serverCpu,
        peakRss.has(name) ? peakRss.get(name)! / MiB : '-',
      ]),
    );

    const file1 = 'gl-put-parts, file -> gl-local';
    const pipe1 = 'gl-put-parts, pipe -> gl-local';
    const limit = CONCURRENCY * PART_SIZE + 100e6;
    const rssRows: (string | number)[][] = [['1 GiB', peakRss.get(file1)! / MiB, peakRss.get(pipe1)! / MiB, mibPerSecond(GiB, seconds(file1)), mibPerSecond(GiB, seconds(pipe1))]];
    let peak = Math.max(...peakRss.values());
    if (process.env.GL_BENCH_SKIP_4GIB !== '1') {
      await writeData(four, 4 * GiB);
      const bigFile = await putParts(glLocal, scratch.dir, `gl-chunk --part-size 64MiB ${four}`);
      const bigPipe = await putParts(glLocal, scratch.dir, `cat ${four} | gl-chunk --part-size 64MiB`);
      rssRows.push(['4 GiB', bigFile.rss! / MiB, bigPipe.rss! / MiB, mibPerSecond(4 * GiB, bigFile.seconds), mibPerSecond(4 * GiB, bigPipe.seconds)]);
      peak = Math.max(peak, bigFile.rss!, bigPipe.rss!);
    }
    printTable(
      `peak RSS of gl-put-parts (limit ${CONCURRENCY} x ${PART_SIZE / MiB} MiB + 100 MB = ${(limit / MiB).toFixed(0)} MiB)`,
      ['input', 'file path MiB', 'pipe path MiB', 'file MiB/s', 'pipe MiB/s'],
      rssRows,
    );
    console.log(`goal: file path >= 0.70x the hashing sink; measured ${(hashingSink / seconds(file1)).toFixed(2)}x (${(transport / seconds(file1)).toFixed(2)}x the SDK sending to gl-local)`);
    console.log(`goal: pipe path >= 0.60x the file path; measured ${(seconds(file1) / seconds(pipe1)).toFixed(2)}x`);
    console.log(`goal: peak RSS <= ${(limit / MiB).toFixed(0)} MiB at 1 GiB${rssRows.length > 1 ? ' and 4 GiB' : ''}; measured ${(peak / MiB).toFixed(0)} MiB at most`);
  } finally {
    await glLocal.stop();
    await sink.stop();
    scratch.remove();
  }
}
