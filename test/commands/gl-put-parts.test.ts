// gl-put-parts in real pipelines against gl-local: from a pipe and from a file, at the sizes
// where parts begin and end, several archives in one stream, descriptions and tags. Every
// archive is read back with an archive-retrieval job and compared byte for byte.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetJobOutputCommand, InitiateJobCommand } from '@aws-sdk/client-glacier';
import t from 'tap';
import { glacierClient, withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';
import { createVault, glTreehash, putEnv, requestsFor, retrieve, sha256 } from '../upload/helpers.js';

t.test('from a pipe and from a file: 1 byte, one part, N parts, N parts + 1 byte', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'sizes');
  const env = putEnv(server);
  const dir = scratch(t);
  const cases = [
    { label: '1 byte', size: 1, parts: 1 },
    { label: 'exactly one part', size: MiB, parts: 1 },
    { label: 'exactly 3 parts', size: 3 * MiB, parts: 3 },
    { label: '3 parts + 1 byte', size: 3 * MiB + 1, parts: 4 },
  ];
  for (const [n, { label, size, parts }] of cases.entries()) {
    const bytes = seededBytes(size, 100 + n);
    const file = writeFile(dir, `in-${n}.bin`, bytes);
    const expected = await glTreehash({ path: file });
    for (const how of ['pipe', 'file'] as const) {
      const from = server.requests.length;
      const input = how === 'pipe' ? `cat ${quote(file)} | gl-chunk --part-size 1MiB --name in-${n}` : `gl-chunk --part-size 1MiB ${quote(file)}`;
      const result = await sh(`${input} | gl-put-parts --vault sizes`, { env });
      t.equal(result.status, 0, `${label} from a ${how}: ${result.stderr}`);
      t.equal(result.stderr, '', `${label} from a ${how}: nothing on stderr`);
      const ledger = records(result);
      t.equal(ledger.length, 1, `${label} from a ${how}: one archive record`);
      const [record] = ledger;
      t.match(record, { type: 'archive', v: 1, vault: 'sizes', size, treeHash: expected }, `${label} from a ${how}: the record, with gl-treehash's tree hash`);
      t.match(record.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const single = how === 'file' && parts === 1;
      if (single) {
        t.equal(requestsFor(server, 'UploadArchive', 201, from).length, 1, `${label} from a file: one UploadArchive`);
        t.equal(requestsFor(server, 'InitiateMultipartUpload', undefined, from).length, 0, `${label} from a file: no multipart upload`);
      } else {
        t.equal(requestsFor(server, 'UploadMultipartPart', 204, from).length, parts, `${label} from a ${how}: ${parts} part(s) sent`);
        t.equal(requestsFor(server, 'CompleteMultipartUpload', 201, from).length, 1);
      }
      t.equal(sha256(await retrieve(server, 'sizes', record.archiveId as string)), sha256(bytes), `${label} from a ${how}: retrieval returns the same bytes`);
    }
  }
});

t.test('several archives in one stream are stored in order, by reference and inline', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'many');
  const env = putEnv(server);
  const dir = scratch(t);
  const inputs = [seededBytes(1, 1), seededBytes(3 * MiB + 1, 2), seededBytes(2 * MiB, 3)].map((bytes, i) => ({ bytes, path: writeFile(dir, `part-${i}.bin`, bytes) }));
  const names = inputs.map(({ path }) => quote(path)).join(' ');

  const byReference = await sh(`gl-chunk --part-size 1MiB ${names} | gl-put-parts --vault many --concurrency 2`, { env });
  t.equal(byReference.status, 0, byReference.stderr);
  const inline = await sh(`for f in ${names}; do gl-chunk --part-size 1MiB --name "$(basename "$f")" < "$f"; done | gl-put-parts --vault many`, { env });
  t.equal(inline.status, 0, inline.stderr);

  for (const [how, result] of [['by reference', byReference], ['inline', inline]] as const) {
    const ledger = records(result);
    t.equal(ledger.length, 3, `${how}: three archive records`);
    for (const [i, record] of ledger.entries()) {
      t.equal(record.size, inputs[i].bytes.length, `${how}: record ${i} is archive ${i}`);
      t.equal(record.treeHash, await glTreehash({ path: inputs[i].path }), `${how}: archive ${i}'s tree hash`);
      t.equal(sha256(await retrieve(server, 'many', record.archiveId as string)), sha256(inputs[i].bytes), `${how}: archive ${i} reads back`);
    }
  }
  t.same(
    records(inline).map((record) => record.name),
    ['part-0.bin', 'part-1.bin', 'part-2.bin'],
  );
});

t.test('--description replaces the description; {} stands for the record own; tags on the upload record reach the ledger', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'desc');
  const env = putEnv(server);
  const dir = scratch(t);
  const a = writeFile(dir, 'a.bin', seededBytes(1000, 5));
  const b = writeFile(dir, 'b.bin', seededBytes(2 * MiB + 5, 6));

  const one = await sh(`gl-chunk ${quote(a)} | jq -c 'if .type == "upload" then .project = "x" else . end' | gl-put-parts --vault desc --description 'weekly backup'`, { env });
  t.equal(one.status, 0, one.stderr);
  const [record] = records(one);
  t.equal(record.description, 'weekly backup');
  t.equal(record.project, 'x', 'a field added to the upload record travels to the ledger');
  const glacier = glacierClient(server);
  const { jobId } = await glacier.send(new InitiateJobCommand({ accountId: '-', vaultName: 'desc', jobParameters: { Type: 'archive-retrieval', ArchiveId: record.archiveId as string } }));
  const output = await glacier.send(new GetJobOutputCommand({ accountId: '-', vaultName: 'desc', jobId }));
  t.equal(output.archiveDescription, 'weekly backup', 'Glacier stored the description given');

  const two = await sh(`gl-chunk --part-size 1MiB --description x ${quote(a)} | gl-put-parts --vault desc --description 'host1: {}' && gl-chunk --part-size 1MiB ${quote(a)} ${quote(b)} | gl-put-parts --vault desc --description 'host1: {}'`, { env });
  t.equal(two.status, 0, two.stderr);
  t.same(
    records(two).map((r) => r.description),
    ['host1: x', `host1: ${a}`, `host1: ${b}`],
  );

  const bad = await sh(`gl-chunk ${quote(a)} | gl-put-parts --vault desc --description 'caf\u00e9'`, { env });
  t.equal(bad.status, 2, 'a description Glacier would refuse is a usage error');
  t.match(bad.stderr, /^gl-put-parts: --description: the description has U\+00E9/);
});

t.test('progress on a terminal: redrawn on stderr, never on stdout', async (t) => {
  const server = await withLocal(t, { faults: 'UploadMultipartPart:latency=300ms', vaults: ['v'] });
  const dir = scratch(t);
  const file = writeFile(dir, 'in.bin', seededBytes(6 * MiB, 7));
  const ledger = join(dir, 'ledger.ndjson');
  // script(1) gives the pipeline a terminal: stderr is a TTY, stdout goes to the ledger file.
  writeFile(dir, 'run.sh', `set -o pipefail\ngl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault v --concurrency 2 > ${quote(ledger)}\n`);
  const result = await sh(`script -qec ${quote(`bash ${quote(join(dir, 'run.sh'))}`)} /dev/null`, { env: putEnv(server) });
  t.equal(result.status, 0, result.stdout.toString());
  const terminal = result.stdout.toString();
  t.match(terminal, /\rgl-put-parts: ".*in\.bin", [\d.]+ [KM]iB of 6 MiB \(\d+%\), [\d.]+ [KM]iB\/s(, ETA \d+:\d\d)?\x1b\[K/, 'a status line redrawn in place');
  t.match(terminal, /gl-put-parts: ".*in\.bin": stored 6 MiB in [\d.]+ s/);
  const lines = readFileSync(ledger, 'utf8').trimEnd().split('\n');
  t.equal(lines.length, 1);
  t.match(JSON.parse(lines[0]), { type: 'archive', size: 6 * MiB }, 'stdout holds the ledger record only');
});

t.test('--help shows a pipeline; usage errors exit 2', async (t) => {
  const help = await sh('gl-put-parts --help');
  t.equal(help.status, 0);
  t.match(help.stdout.toString().replace(/\s+/g, ' '), 'tar c photos/ | gl-chunk --part-size 64MiB --name photos.tar | gl-put-parts --vault photos >> archives.ndjson');
  for (const [args, message] of [
    ['', /Missing required argument: vault/],
    ['--vault v --concurrency 0', /^gl-put-parts: --concurrency: "0" is not a whole number from 1 to 64\n$/],
    ['--vault v --concurrency abc', /^gl-put-parts: --concurrency: "abc" is not a whole number from 1 to 64\n$/],
    ['--vault v --resume', /--resume needs --journal FILE/],
  ] as const) {
    const result = await sh(`gl-put-parts ${args} < /dev/null`);
    t.equal(result.status, 2, args);
    t.match(result.stderr, message);
    t.equal(result.stdout.length, 0);
  }
});

// Blank lines are ignored (docs/records.md). 200 MB of them once took minutes (one async yield
// per line), so the old code runs into this test's timeout; now they go at the speed of reading.
t.test('200 MB of blank lines before, between and after the records are skipped', { timeout: 60_000 }, async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'blank');
  const env = putEnv(server);
  const bytes = seededBytes(2 * MiB + 1, 11);
  const file = writeFile(scratch(t), 'in.bin', bytes);
  const blankLines = (count: number) => `head -c ${count} /dev/zero | tr '\\0' '\\n'`;
  const result = await sh(
    `{ ${blankLines(100_000_000)}; gl-chunk --part-size 1MiB ${quote(file)} | awk '{ print; print "  " }'; ${blankLines(100_000_000)}; } | gl-put-parts --vault blank`,
    { env },
  );
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stderr, '', 'nothing on stderr');
  const ledger = records(result);
  t.match(ledger, [{ type: 'archive', vault: 'blank', size: bytes.length, treeHash: await glTreehash({ bytes }) }], 'one archive record');
  t.equal(sha256(await retrieve(server, 'blank', ledger[0].archiveId as string)), sha256(bytes), 'the archive holds the bytes');
});

t.test('a file that grew after it was chunked: the archive holds the bytes chunked, and one line says so', async (t) => {
  const server = await withLocal(t, { jobDelay: 0 });
  await createVault(server, 'grown');
  const dir = scratch(t);
  const bytes = seededBytes(2 * MiB + 5, 61);
  const file = writeFile(dir, 'live.log', bytes);
  // Appended between gl-chunk and gl-put-parts, as a log or a dump still being written would be.
  const result = await sh(`gl-chunk --part-size 1MiB ${quote(file)} > records && printf 'more' >> ${quote(file)} && gl-put-parts --vault grown < records`, { env: putEnv(server), cwd: dir });
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stderr, `gl-put-parts: stdin:4: part 2: ${file} is ${bytes.length + 4} bytes now; its archive holds the first ${bytes.length}, as chunked (the file grew since)\n`);
  const [record] = records(result);
  t.match(record, { size: bytes.length, treeHash: await glTreehash({ bytes }) });
  t.same(await retrieve(server, 'grown', record.archiveId as string), bytes, 'the bytes chunked, read back');
  const unchanged = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault grown`, { env: putEnv(server) });
  t.equal(unchanged.stderr, '', 'a file as chunked: nothing said');
});
