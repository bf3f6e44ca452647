// Retrieving a 1 GiB archive to a file, `gl-retrieve < ledger | gl-fetch-results --output FILE`
// (every 16 MiB piece tree-hashed and checked, the whole against the ledger, the file written
// through the resumable partial file), next to the transport limit measured in the same run:
// plain SDK v3 GetJobOutput ranged reads of the same job from the same gl-local, the same piece
// size and concurrency, written to a file on the same disk with no hashing. That is what
// gl-fetch-results does minus the verification and the journal, so the ratio is the price of
// verifying (and of the fdatasync before FILE is renamed into place, about 0.5 s per GiB here).
// Goal: >= 0.7x the plain reads. The pipeline row includes gl-retrieve starting the job.
//
// Set-up: gl-local runs as its own process; the archive goes in with gl-chunk | gl-put-parts.
// Each measured run is a separate process whose peak RSS GNU time reports.
//
// Also runnable as the baseline: `node dist/bench/retrieve.bench.js --get URL VAULT JOB SIZE CONCURRENCY CHUNK FILE`.

import { readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetJobOutputCommand, GlacierClient } from '@aws-sdk/client-glacier';
import { orderedMap } from '../src/jobs/ordered-map.js';
import { formatBytes } from '../src/units.js';
import { measureShell, printRatios, scratchDir, shellQuote, startGlLocal } from './lib.js';

const MiB = 1024 * 1024;
const SIZE = 1024 * MiB;
const CHUNK = 16 * MiB;
const CONCURRENCY = 4;
const ROUNDS = 3;
const ENV = 'AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true';

/** The baseline: ranged GetJobOutput reads, `concurrency` at a time, each written at its offset; no checks. */
async function plainReads([endpoint, vault, jobId, size, concurrency, chunk, path]: string[]): Promise<void> {
  const glacier = new GlacierClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const total = Number(size);
  const step = Number(chunk);
  const offsets = Array.from({ length: Math.ceil(total / step) }, (_, i) => i * step);
  const file = await open(path, 'w');
  let bytes = 0;
  try {
    const reads = orderedMap(offsets, Number(concurrency), async (offset) => {
      const last = Math.min(offset + step, total) - 1;
      const answer = await glacier.send(new GetJobOutputCommand({ accountId: '-', vaultName: vault, jobId, range: `bytes=${offset}-${last}` }));
      let at = offset;
      for await (const piece of answer.body as AsyncIterable<Uint8Array>) {
        await file.write(piece, 0, piece.length, at);
        at += piece.length;
      }
      bytes += at - offset;
    });
    for await (const _ of reads);
  } finally {
    await file.close();
  }
  if (bytes !== total) throw new Error(`read ${bytes} bytes, expected ${total}`);
}

export default async function retrieveBench(): Promise<void> {
  const scratch = scratchDir('glp-retrieve-bench-');
  const local = await startGlLocal(join(scratch.dir, 'gl-local'));
  try {
    const q = (name: string) => shellQuote(join(scratch.dir, name));
    const endpoint = `--endpoint-url ${local.url}`;
    // The archive: 1 GiB of pseudo-random bytes, uploaded as a user would, then one retrieval job for the baseline.
    await measureShell(
      `export ${ENV}; head -c ${SIZE} /dev/urandom > ${q('archive.bin')} && gl-vault ${endpoint} create bench > /dev/null && ` +
        `gl-chunk --part-size 64MiB ${q('archive.bin')} | gl-put-parts ${endpoint} --vault bench > ${q('ledger.ndjson')} && ` +
        `gl-retrieve ${endpoint} < ${q('ledger.ndjson')} > ${q('job.ndjson')} && sha256sum < ${q('archive.bin')} | cut -c1-64 > ${q('archive.sha256')}`,
    );
    const job = JSON.parse(readFileSync(join(scratch.dir, 'job.ndjson'), 'utf8')) as { jobId: string };
    const expected = readFileSync(join(scratch.dir, 'archive.sha256'), 'utf8').trim();
    rmSync(join(scratch.dir, 'archive.bin'));
    const self = fileURLToPath(import.meta.url);
    const out = q('out.bin');
    const fetch = `gl-fetch-results ${endpoint} --poll-interval 100ms --concurrency ${CONCURRENCY} --chunk-size ${CHUNK / MiB}MiB`;
    const runs = [
      {
        label: `SDK v3 GetJobOutput ${CHUNK / MiB} MiB ranges, ${CONCURRENCY} in flight, to a file (baseline)`,
        script: `$(measure run) node ${[self, '--get', local.url, 'bench', job.jobId, String(SIZE), String(CONCURRENCY), String(CHUNK), join(scratch.dir, 'out.bin')].map(shellQuote).join(' ')}`,
      },
      { label: `gl-retrieve < ledger | gl-fetch-results --output FILE`, script: `gl-retrieve ${endpoint} < ${q('ledger.ndjson')} | $(measure run) ${fetch} --output ${out}` },
      { label: `gl-fetch-results --output FILE < job (the fetch alone)`, script: `$(measure run) ${fetch} --output ${out} < ${q('job.ndjson')}` },
      { label: `gl-fetch-results < job > FILE (stdout)`, script: `$(measure run) ${fetch} < ${q('job.ndjson')} > ${out}` },
    ];
    const best = new Map<string, { seconds: number; rss: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of runs) {
        rmSync(join(scratch.dir, 'out.bin'), { force: true });
        const { seconds, stages } = await measureShell(`export ${ENV}; ${run.script}`);
        if (run !== runs[0]) {
          // The fetched file must be the archive: the benchmark is void otherwise.
          const check = await measureShell(`sha256sum < ${out} | cut -c1-64 > ${q('out.sha256')}`);
          const got = readFileSync(join(scratch.dir, 'out.sha256'), 'utf8').trim();
          if (got !== expected) throw new Error(`${run.label}: the file's SHA-256 is ${got}, the archive's ${expected} (${check.seconds}s)`);
        }
        const rss = stages.find((stage) => stage.label === 'run')?.maxRssBytes ?? 0;
        const previous = best.get(run.label);
        if (!previous || seconds < previous.seconds) best.set(run.label, { seconds, rss });
      }
    }
    printRatios(
      `retrieving a ${formatBytes(SIZE)} archive from gl-local to a file (best of ${ROUNDS}; goal: gl-fetch-results >= 0.7x the plain reads)`,
      runs.map((run) => run.label),
      best,
      SIZE,
    );
  } finally {
    await local.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    scratch.remove();
  }
}

if (process.argv[2] === '--get' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await plainReads(process.argv.slice(3));
}
