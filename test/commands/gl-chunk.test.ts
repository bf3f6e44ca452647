// gl-chunk run as users run it, in bash -o pipefail pipelines.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';

t.test('stdin becomes inline data records', async (t) => {
  const bytes = seededBytes(2 * MiB + 10, 1);
  const result = await sh('gl-chunk --part-size 1MiB --name db.sql --description "nightly dump"', { input: bytes });
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stderr, '');
  const out = records(result);
  t.same(out[0], { type: 'upload', v: 1, name: 'db.sql', description: 'nightly dump', partSize: MiB, size: null });
  t.same(
    out.filter((record) => record.type !== 'data'),
    [out[0], { type: 'part', index: 0, start: 0, size: MiB }, { type: 'part', index: 1, start: MiB, size: MiB }, { type: 'part', index: 2, start: 2 * MiB, size: 10 }, { type: 'end', size: bytes.length, parts: 3 }],
  );
  const decoded = Buffer.concat(out.filter((record) => record.type === 'data').map((record) => Buffer.from(record.data as string, 'base64')));
  t.ok(decoded.equals(bytes), 'the data records carry exactly the input');
  const defaults = records(await sh('gl-chunk', { input: 'x' }));
  t.same(defaults[0], { type: 'upload', v: 1, name: '-', description: '', partSize: 64 * MiB, size: null }, 'a pipe gets 64 MiB parts and no description by default');
});

t.test('--size-hint picks a part size the pipe fits in; stdin from a file counts as a hint', async (t) => {
  const hinted = records(await sh('gl-chunk --size-hint 1TiB', { input: 'x' }));
  t.equal(hinted[0].partSize, 128 * MiB, '1 TiB needs 128 MiB parts');
  const small = records(await sh('gl-chunk --size-hint 1GiB', { input: 'x' }));
  t.equal(small[0].partSize, 16 * MiB, 'never below the 16 MiB floor');
  const dir = scratch(t);
  const file = writeFile(dir, 'f', 'hello');
  const redirected = records(await sh(`gl-chunk < ${quote(file)}`));
  t.same(redirected[0], { type: 'upload', v: 1, name: '-', description: '', partSize: 16 * MiB, size: null });
  t.equal(redirected.filter((record) => record.type === 'data').length, 1, 'still inline: stdin has no path');
});

t.test('regular files become parts by reference; several files, several archives', async (t) => {
  const dir = scratch(t);
  const big = writeFile(dir, 'big.bin', seededBytes(3 * MiB + 5, 2));
  const small = writeFile(dir, 'small.txt', 'small');
  const result = await sh(`cd ${quote(dir)} && gl-chunk --part-size 1MiB big.bin small.txt`);
  t.equal(result.status, 0, result.stderr);
  t.same(records(result), [
    { type: 'upload', v: 1, name: 'big.bin', description: 'big.bin', partSize: MiB, size: 3 * MiB + 5 },
    { type: 'part', index: 0, start: 0, size: MiB, file: big },
    { type: 'part', index: 1, start: MiB, size: MiB, file: big },
    { type: 'part', index: 2, start: 2 * MiB, size: MiB, file: big },
    { type: 'part', index: 3, start: 3 * MiB, size: 5, file: big },
    { type: 'end', size: 3 * MiB + 5, parts: 4 },
    { type: 'upload', v: 1, name: 'small.txt', description: 'small.txt', partSize: MiB, size: 5 },
    { type: 'part', index: 0, start: 0, size: 5, file: small },
    { type: 'end', size: 5, parts: 1 },
  ]);
  const auto = records(await sh(`gl-chunk ${quote(big)}`));
  t.equal(auto[0].partSize, 16 * MiB, 'auto gives a small file the 16 MiB floor');
  const mixed = records(await sh(`gl-chunk --part-size 1MiB ${quote(small)} - <(printf fifo)`, { input: 'piped' }));
  t.same(
    mixed.filter((record) => record.type === 'upload').map((record) => record.name),
    [small, '-', mixed.find((record) => record.type === 'upload' && String(record.name).startsWith('/dev/fd/'))?.name],
    'a file, stdin and a FIFO',
  );
  t.same(
    mixed.filter((record) => record.type === 'data').map((record) => Buffer.from(record.data as string, 'base64').toString()),
    ['piped', 'fifo'],
    'stdin and the FIFO travel inline',
  );
});

t.test('bad input: one clear line on stderr, nothing on stdout, non-zero exit', async (t) => {
  const dir = scratch(t);
  const file = writeFile(dir, 'f', 'data');
  const empty = writeFile(dir, 'empty', '');
  mkdirSync(join(dir, 'photos'));
  const cases: [string, number, string][] = [
    [`gl-chunk ${quote(file)} ${quote(join(dir, 'missing'))}`, 1, `gl-chunk: ${join(dir, 'missing')}: no such file`],
    [`gl-chunk ${quote(join(dir, 'photos'))}`, 1, `gl-chunk: ${join(dir, 'photos')}: is a directory (make it one stream first: tar c ${join(dir, 'photos')} | gl-chunk --name ${join(dir, 'photos')}.tar)`],
    [`gl-chunk ${quote(empty)}`, 1, `gl-chunk: ${empty}: empty file; a Glacier archive holds at least 1 byte`],
    ['gl-chunk < /dev/null', 1, 'gl-chunk: stdin: empty input; a Glacier archive holds at least 1 byte'],
    [`gl-chunk --part-size 3MiB ${quote(file)}`, 2, 'gl-chunk: --part-size 3MiB: must be a power of two from 1MiB to 4GiB (for example 64MiB, 1GiB, 4194304) or auto'],
    [`gl-chunk --part-size 8GiB ${quote(file)}`, 2, 'gl-chunk: --part-size 8GiB: must be a power of two from 1MiB to 4GiB (for example 64MiB, 1GiB, 4194304) or auto'],
    ['gl-chunk --part-size 1MiB --size-hint 20GiB', 2, 'gl-chunk: stdin: 20 GiB needs 20480 parts of 1 MiB; Glacier allows 10000: use a part size of 4 MiB or more'],
    ['gl-chunk --size-hint lots', 2, 'gl-chunk: --size-hint lots: not a byte count (for example 200GiB, 5TB, 1073741824)'],
    ['gl-chunk --description "caf\u00e9"', 2, 'gl-chunk: --description: the description has U+00E9 at character 4; Glacier allows printable ASCII only (0x20-0x7E)'],
    [`gl-chunk --description "${'x'.repeat(1025)}"`, 2, 'gl-chunk: --description: the description is 1025 bytes; Glacier allows 1024'],
    [`gl-chunk --name n ${quote(file)} ${quote(file)}`, 2, 'gl-chunk: --description and --name name one archive; with several inputs each takes its file name'],
    ['gl-chunk - -', 2, 'gl-chunk: stdin (-) can be read only once'],
    ['gl-chunk --partsize 1MiB', 2, 'gl-chunk: Unknown argument: partsize'],
    [`gl-chunk --part-size 1MiB --part-size 2MiB ${quote(file)}`, 2, 'gl-chunk: --part-size is given more than once'],
    [`gl-chunk ${quote(file)} --part-size`, 2, 'gl-chunk: Not enough arguments following: part-size'],
  ];
  const results = await Promise.all(cases.map(([script]) => sh(script, { input: '' })));
  for (const [i, [script, status, message]] of cases.entries()) {
    const result = results[i];
    t.equal(result.status, status, `${script}: exit ${status}`);
    t.equal(result.stderr, `${message}\n`, message);
    t.equal(result.stdout.length, 0, `${script}: no records`);
  }
});

t.test('a closed stdout ends gl-chunk quietly', async (t) => {
  const dir = scratch(t);
  const file = writeFile(dir, 'f', seededBytes(8 * MiB, 3));
  const result = await sh(`gl-chunk --part-size 1MiB < ${quote(file)} | head -c 100 > /dev/null`);
  t.equal(result.status, 0);
  t.equal(result.stderr, '');
});

t.test('--help shows a real pipeline', async (t) => {
  const result = await sh('gl-chunk --help');
  t.equal(result.status, 0);
  t.match(result.stdout.toString(), /tar c photos\/ \| gl-chunk --part-size 64MiB/);
});
