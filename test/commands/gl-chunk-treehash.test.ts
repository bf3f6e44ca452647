// The two commands together: the end record's tree hash equals gl-treehash of the same bytes,
// inline through a pipe and by reference to a file, for every power-of-two part size.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { combineTreeHashes } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, repoRoot, sh } from '../helpers/shell.js';

type Fields = Record<string, unknown>;

function summary(out: Fields[]) {
  const parts = out.filter((record) => record.type === 'part');
  const end = out.find((record) => record.type === 'end')!;
  return { partHashes: parts.map((part) => part.treeHash as string), partLinear: parts.map((part) => part.sha256 as string), end };
}

t.test('tar c examples | gl-chunk --part-size 1MiB | gl-treehash --records, and by reference', async (t) => {
  const dir = scratch(t);
  const tar = join(dir, 'examples.tar');
  const piped = await sh(`tar c examples | tee ${quote(tar)} | gl-chunk --part-size 1MiB | gl-treehash --records`);
  t.equal(piped.status, 0, piped.stderr);
  const whole = (await sh(`gl-treehash ${quote(tar)}`)).stdout.toString().split(' ')[0];
  const inline = summary(records(piped));
  t.equal(inline.end.treeHash, whole, 'inline: the end tree hash is gl-treehash of the tar');
  const byReference = summary(records(await sh(`gl-chunk --part-size 1MiB ${quote(tar)} | gl-treehash --records`)));
  t.equal(byReference.end.treeHash, whole, 'by reference: the same');
  t.same(byReference.partHashes, inline.partHashes, 'the same part hashes both ways');
  t.same(byReference.partLinear, inline.partLinear, 'the same linear hashes both ways');
});

t.test('every power-of-two part size, both ways, against the Python implementation', async (t) => {
  const dir = scratch(t);
  const size = 9 * MiB + 123;
  const file = writeFile(dir, 'data.bin', seededBytes(size, 42));
  const [python] = execFileSync('python3', [join(repoRoot, 'test', 'helpers', 'tree_hash.py'), file], { encoding: 'utf8' }).split(' ');
  for (let partSize = MiB; partSize < 2 * size; partSize *= 2) {
    const [inline, byReference] = await Promise.all([
      sh(`gl-chunk --part-size ${partSize} < ${quote(file)} | gl-treehash --records`),
      sh(`gl-chunk --part-size ${partSize} ${quote(file)} | gl-treehash --records`),
    ]);
    for (const [how, result] of [['inline', inline], ['by reference', byReference]] as const) {
      t.equal(result.status, 0, result.stderr);
      const { partHashes, end } = summary(records(result));
      t.equal(partHashes.length, Math.ceil(size / partSize), `${how}, ${partSize / MiB} MiB parts: part count`);
      t.equal(combineTreeHashes(partHashes), python, `${how}, ${partSize / MiB} MiB parts: the part hashes combine to the archive hash`);
      t.equal(end.treeHash, python, `${how}, ${partSize / MiB} MiB parts: end carries it`);
    }
  }
});

t.test('npm run demo (examples/demo.sh) passes', async (t) => {
  const result = await sh('bash examples/demo.sh');
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout.toString(), /demo: ok, all three agree\n$/);
});
