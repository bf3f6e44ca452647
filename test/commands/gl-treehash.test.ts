// gl-treehash run as users run it: sha256sum-style lists, --check, and --records.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { encodeDataLine } from '../../src/records/data-line.js';
import { treeHash, TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';

t.test('FILE... prints HASH  FILE lines and carries on past a bad file', async (t) => {
  const dir = scratch(t);
  const a = writeFile(dir, 'a', seededBytes(3 * MiB, 1));
  const b = writeFile(dir, 'b', 'bee');
  mkdirSync(join(dir, 'sub'));
  const result = await sh(`gl-treehash ${quote(a)} ${quote(join(dir, 'missing'))} ${quote(join(dir, 'sub'))} - ${quote(b)}`, { input: 'from stdin' });
  t.equal(result.status, 1);
  t.equal(result.stdout.toString(), `${treeHash(seededBytes(3 * MiB, 1))}  ${a}\n${treeHash(Buffer.from('from stdin'))}  -\n${treeHash(Buffer.from('bee'))}  ${b}\n`);
  t.equal(result.stderr, `gl-treehash: ${join(dir, 'missing')}: no such file\ngl-treehash: ${join(dir, 'sub')}: is a directory\n`);
  const fifo = await sh('gl-treehash <(printf abc)');
  t.match(fifo.stdout.toString(), /^ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad {2}\/dev\/fd\/\d+\n$/, 'a FIFO is hashed as a stream');
});

t.test('--check verifies a list and names each mismatch', async (t) => {
  const dir = scratch(t);
  const names = ['one', 'two words', 'new\nline'];
  for (const name of names) writeFile(dir, name, `contents of ${name}`);
  const made = await sh(`cd ${quote(dir)} && gl-treehash one 'two words' $'new\\nline' > list && gl-treehash --check list`);
  t.equal(made.status, 0, made.stderr);
  t.equal(made.stdout.toString(), 'one: OK\ntwo words: OK\n\\new\\nline: OK\n', 'a name with a newline is escaped as sha256sum -c does');
  writeFileSync(join(dir, 'two words'), 'changed');
  const checked = await sh(`cd ${quote(dir)} && rm one && gl-treehash -c list`);
  t.equal(checked.status, 1);
  t.equal(checked.stdout.toString(), 'one: FAILED open or read\ntwo words: FAILED\n\\new\\nline: OK\n');
  t.equal(checked.stderr, 'gl-treehash: one: no such file\ngl-treehash: WARNING: 1 listed file(s) could not be read\ngl-treehash: WARNING: 1 computed tree hash(es) did NOT match\n');
  const quiet = await sh(`cd ${quote(dir)} && printf 'not a checksum line\\n' >> list && gl-treehash --check list --quiet`);
  t.equal(quiet.status, 1);
  t.equal(quiet.stdout.toString(), 'one: FAILED open or read\ntwo words: FAILED\n', '--quiet leaves out the OK lines');
  t.match(quiet.stderr, /^gl-treehash: list:4: not a "HASH {2}FILE" line$/m);
  const fromStdin = await sh(`cd ${quote(dir)} && gl-treehash 'new'$'\\n''line' | gl-treehash --check -`);
  t.equal(fromStdin.stdout.toString(), '\\new\\nline: OK\n', 'LIST - reads stdin');
  const missing = await sh(`gl-treehash --check ${quote(join(dir, 'nolist'))}`);
  t.equal(missing.status, 1);
  t.equal(missing.stderr, `gl-treehash: ${join(dir, 'nolist')}: no such file\n`);
  // -cc LIST is -c twice: it reached the check as two lists ("path must be of type string").
  for (const twice of ['-cc list', `-c${quote(join(dir, 'list'))} -c${quote(join(dir, 'list'))}`]) {
    const run = await sh(`cd ${quote(dir)} && gl-treehash ${twice}`);
    t.same([run.status, run.stderr], [2, 'gl-treehash: --check is given more than once\n'], twice);
  }
});

t.test('--records fills in part and end hashes and passes everything else through unchanged', async (t) => {
  const bytes = seededBytes(2 * MiB + 3, 2);
  const leaves = [bytes.subarray(0, MiB), bytes.subarray(MiB, 2 * MiB), bytes.subarray(2 * MiB)];
  const hashed = new TreeHasher().update(leaves[2]).digest();
  const stranger = '{"type":"note","text":"kept as written" , "n":1}\n';
  const input = [
    '{"type":"upload","v":1,"name":"x","description":"x","partSize":2097152,"size":null,"project":"p1"}\n',
    encodeDataLine(0, 0, leaves[0]).toString(),
    stranger,
    encodeDataLine(0, MiB, leaves[1]).toString(),
    '{"type":"part","index":0,"start":0,"size":2097152,"tag":"t"}\n',
    encodeDataLine(1, 2 * MiB, leaves[2]).toString(),
    `{"type":"part","index":1,"start":2097152,"size":3,"treeHash":"${hashed.treeHash}","sha256":"${hashed.sha256}"}\n`,
    '{"type":"end","size":2097155,"parts":2}\n',
  ];
  const result = await sh('gl-treehash --records', { input: input.join('') });
  t.equal(result.status, 0, result.stderr);
  const lines = result.stdout.toString().split(/(?<=\n)/);
  t.equal(lines.length, input.length);
  for (const i of [0, 1, 2, 3, 5, 6]) t.equal(lines[i], input[i], `line ${i + 1} passes byte for byte`);
  const first = new TreeHasher().update(bytes.subarray(0, 2 * MiB)).digest();
  t.same(JSON.parse(lines[4]), { type: 'part', index: 0, start: 0, size: 2 * MiB, tag: 't', ...first }, 'part hashes filled in, its own fields kept');
  t.same(JSON.parse(lines[7]), { type: 'end', size: bytes.length, parts: 2, treeHash: treeHash(bytes) });
  const fromFile = await sh(`gl-treehash --records ${quote(writeFile(scratch(t), 'in.ndjson', input.join('')))}`);
  t.equal(fromFile.stdout.toString(), result.stdout.toString(), 'the same from a FILE argument');
});

t.test('--records refuses broken upload streams with one line naming the line', async (t) => {
  const dir = scratch(t);
  const file = writeFile(dir, 'f', seededBytes(3 * MiB, 3));
  const header = (partSize = MiB) => `{"type":"upload","v":1,"name":"f","description":"f","partSize":${partSize},"size":null}`;
  const part = (index: number, start = index * MiB, size = MiB) => `{"type":"part","index":${index},"start":${start},"size":${size},"file":"${file}"}`;
  const cases: [string[], string][] = [
    [[header(), part(0), '{"type":"part",'], 'stdin:3: not valid JSON'],
    [[header(), part(0), part(2)], 'stdin:3: part 2 follows part 0'],
    [[header(), part(1)], "stdin:2: part 1 comes first; an archive's parts begin at 0"],
    [[header(), part(0), part(1, MiB, 2 * MiB)], "stdin:3: part 1 is 2097152 bytes, more than the upload's part size 1048576 (the part size cannot change within an archive)"],
    [[header(2 * MiB), part(0, 0, 2 * MiB), part(1, MiB, MiB)], 'stdin:3: part 1 begins at byte 1048576; with part size 2097152 it must begin at byte 2097152'],
    [[header(), part(0).replace(file, join(dir, 'gone'))], `stdin:2: part 0: ${join(dir, 'gone')}: no such file`],
    [[header(), part(0).replace(file, dir)], `stdin:2: part 0: ${dir}: is a directory`],
    [[header(), `${part(0).slice(0, -1)},"treeHash":"${'0'.repeat(64)}"}`], `stdin:2: part 0: treeHash ${'0'.repeat(64)} in the record does not match its bytes`],
    [[header(), part(0)], 'stdin:2: the stream ended inside archive "f" (begun at line 1) after 1 part(s) and no end record: truncated archive'],
  ];
  const results = await Promise.all(cases.map(([lines]) => sh('gl-treehash --records', { input: `${lines.join('\n')}\n` })));
  for (const [i, [, message]] of cases.entries()) {
    t.equal(results[i].status, 1, `${message}: exit 1`);
    t.equal(results[i].stderr.split('\n').length, 2, `${message}: one line`);
    t.ok(results[i].stderr.startsWith(`gl-treehash: ${message}`), message);
    t.notOk(records({ ...results[i] }).some((record) => record.type === 'end'), `${message}: no end record`);
  }
  const usage = await sh('gl-treehash --records --check x');
  t.equal(usage.status, 2);
  t.match(usage.stderr, /^gl-treehash: Arguments check and records are mutually exclusive/);
  const missingValue = await sh('gl-treehash --check');
  t.same([missingValue.status, missingValue.stderr], [2, 'gl-treehash: Not enough arguments following: check\n'], 'a flag without its value is a usage error');
});
