// gl-local on file systems that do not behave like this machine's disk, each mounted in a
// private mount namespace (root and unshare(1) only): ramfs, which refuses O_DIRECT once the
// file already exists, where bodies must go through the page cache; and a full tmpfs, where a
// body fails with ENOSPC, leaves no file behind and gives its memory back.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, repoRoot, sh } from '../helpers/shell.js';

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['-m', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = canMount() ? false : 'needs root and unshare(1) for a private mount namespace';

/** Runs `script` in bash in a private mount namespace, with bin/ on PATH. */
function inNamespace(script: string, cwd: string) {
  return sh(`unshare -m bash -o pipefail -c ${quote(script)}`, { cwd });
}

t.test('ramfs refuses O_DIRECT: gl-local stores through the page cache, and the archive comes back whole', { skip }, async (t) => {
  const dir = scratch(t);
  const input = seededBytes(9 * MiB + 7, 41);
  writeFile(dir, 'input.bin', input);
  const run = await inNamespace(
    `mkdir ram && mount -t ramfs none ram
gl-local --data-dir ram/data --vault v > url 2> local.log &
for i in $(seq 100); do [ -s url ] && break; sleep 0.1; done
export AWS_ENDPOINT_URL=$(cat url) AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
gl-chunk --part-size 4MiB input.bin | gl-put-parts --vault v > ledger.ndjson
gl-retrieve < ledger.ndjson | gl-fetch-results --poll-interval 100ms > back.bin
gl-treehash input.bin
ls -A ram/data/glacier/tmp | wc -l`,
    dir,
  );
  t.equal(run.status, 0, run.stderr);
  const ledger = JSON.parse(readFileSync(join(dir, 'ledger.ndjson'), 'utf8')) as { treeHash: string; size: number };
  const [treeHashLine, leftovers] = run.stdout.toString().trim().split('\n');
  t.equal(ledger.treeHash, treeHashLine.split(' ')[0], "the ledger's tree hash is gl-treehash's of the input");
  t.equal(ledger.size, input.length);
  t.ok(readFileSync(join(dir, 'back.bin')).equals(input), 'the archive retrieved is the input, byte for byte');
  t.equal(leftovers, '0', 'nothing left in tmp/');
});

t.test('a full disk: the body fails with ENOSPC, its file is gone and its blocks are free', { skip }, async (t) => {
  const dir = scratch(t);
  const script = writeFile(
    dir,
    'full.mjs',
    `import { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { receiveBlocks, receiveToFile } from ${JSON.stringify(join(repoRoot, 'dist/src/local/glacier/receive.js'))};
const chunks = Array.from({ length: 160 }, (_, i) => Buffer.alloc(65536, i));
const outcome = await receiveToFile(Readable.from(chunks, { objectMode: false }), 'small/body').then(() => 'stored', (err) => err.code);
console.log(JSON.stringify({ outcome, exists: existsSync('small/body'), ...receiveBlocks.counts }));
`,
  );
  const run = await inNamespace(`mkdir small && mount -t tmpfs -o size=6m none small && node ${quote(script)}`, dir);
  t.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.toString()) as { outcome: string; exists: boolean; made: number; free: number };
  t.equal(result.outcome, 'ENOSPC', '10 MiB into 6 MiB fails with ENOSPC');
  t.equal(result.exists, false, 'the partial file is removed');
  t.equal(result.free, result.made, 'every block is free again');
});

