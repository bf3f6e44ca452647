// The upload-stream reader: whole archives in, every broken stream refused with one message
// naming the line, and backpressure all the way to the source.

import t from 'tap';
import { readUploadStream, type UploadEvent, type UploadStreamOptions } from '../../src/records/upload-stream.js';
import { HashPool } from '../../src/treehash/hash-pool.js';
import { encodeDataLine } from '../../src/records/data-line.js';
import { combineTreeHashes, treeHash, TreeHasher } from '../../src/treehash/tree-hash.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';

const json = (record: object) => `${JSON.stringify(record)}\n`;
const upload = (fields: object = {}) => json({ type: 'upload', v: 1, name: 'x', description: 'x', partSize: MiB, size: null, ...fields });
const part = (index: number, size: number, fields: object = {}) => json({ type: 'part', index, start: index * MiB, size, ...fields });
const end = (size: number, parts: number, fields: object = {}) => json({ type: 'end', size, parts, ...fields });
const data = (part: number, offset: number, bytes: Buffer) => encodeDataLine(part, offset, bytes).toString();

/** Inline records for `bytes` in 1 MiB parts, as gl-chunk writes them. */
function inlineArchive(bytes: Buffer, name = 'x'): string {
  let out = upload({ name });
  let parts = 0;
  for (let start = 0; start < bytes.length; start += MiB) {
    const piece = bytes.subarray(start, start + MiB);
    out += data(parts, start, piece) + part(parts, piece.length);
    parts++;
  }
  return out + end(bytes.length, parts);
}

async function* source(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

async function events(text: string, options: UploadStreamOptions = {}): Promise<UploadEvent[]> {
  const out: UploadEvent[] = [];
  for await (const event of readUploadStream(source(text), options)) out.push(event);
  return out;
}

async function failure(text: string, options: UploadStreamOptions = {}): Promise<string> {
  try {
    await events(text, options);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

t.test('two inline archives and a stranger record: events, hashes, kept bytes', async (t) => {
  const first = seededBytes(2 * MiB + 5, 1);
  const second = seededBytes(10, 2);
  const text = inlineArchive(first, 'first') + json({ type: 'note', says: 'hi' }) + inlineArchive(second, 'second');
  const seen = await events(text, { keepData: true });
  t.same(
    seen.map((event) => event.kind),
    ['upload', 'data', 'part', 'data', 'part', 'data', 'part', 'end', 'other', 'upload', 'data', 'part', 'end'],
  );
  const parts = seen.filter((event) => event.kind === 'part');
  for (const event of parts) {
    const bytes = Buffer.concat(event.data!);
    t.equal(bytes.length, event.record.size, `part ${event.record.index} of ${event.upload.name}: all its bytes`);
    t.same({ treeHash: event.treeHash, sha256: event.sha256 }, new TreeHasher().update(bytes).digest(), 'hashes of its bytes');
    t.equal(event.verified, true);
  }
  const ends = seen.filter((event) => event.kind === 'end');
  t.same(ends.map((event) => event.treeHash), [treeHash(first), treeHash(second)], 'end carries each archive tree hash');
  t.equal(seen.map((event) => event.raw.toString()).join(''), text, 'raw lines are the input, byte for byte');
  const withoutKeep = await events(text);
  t.equal(withoutKeep.find((event) => event.kind === 'part')?.data, undefined, 'no bytes kept unless asked');
});

t.test('file parts are hashed in worker threads, or taken as given', async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(3 * MiB + 1, 3);
  const file = writeFile(dir, 'f', bytes);
  const records = upload({ size: bytes.length }) + [0, 1, 2].map((i) => part(i, MiB, { file })).join('') + part(3, 1, { file }) + end(bytes.length, 4);
  const seen = await events(records);
  const parts = seen.filter((event) => event.kind === 'part');
  t.same(parts.map((event) => event.treeHash), [0, 1, 2, 3].map((i) => treeHash(bytes.subarray(i * MiB, (i + 1) * MiB))));
  t.equal(seen.find((event) => event.kind === 'end')?.treeHash, treeHash(bytes));
  const unhashed = await events(records, { hashFiles: false });
  t.same(unhashed.filter((event) => event.kind === 'part').map((event) => [event.treeHash, event.verified]), [[undefined, false], [undefined, false], [undefined, false], [undefined, false]]);
  t.equal(unhashed.find((event) => event.kind === 'end')?.treeHash, undefined, 'no archive hash without part hashes');
  const given = upload() + part(0, 1, { file, treeHash: 'ab'.repeat(32) }) + end(1, 1);
  t.equal((await events(given, { hashFiles: false })).find((event) => event.kind === 'end')?.treeHash, 'ab'.repeat(32), 'a given part hash is used unchecked when files are not read');
  t.equal(await failure(given), `stdin:2: part 0: treeHash ${'ab'.repeat(32)} in the record does not match its bytes (${treeHash(bytes.subarray(0, 1))})`);
  t.equal(await failure(upload() + part(0, 5, { file: `${dir}/missing` }) + end(5, 1)), `stdin:2: part 0: ${dir}/missing: no such file`);
  t.equal(await failure(upload() + part(0, MiB, { file: dir }) + end(MiB, 1)), `stdin:2: part 0: ${dir}: is a directory`);
  t.equal(
    await failure(upload() + part(0, MiB, { file }) + part(1, MiB, { file }) + part(2, MiB, { file }) + part(3, 2, { file }) + end(3 * MiB + 2, 4)),
    `stdin:5: part 3: ${file}: the file ends at byte ${3 * MiB + 1}, before the end of bytes ${3 * MiB}-${3 * MiB + 1} (changed since it was chunked?)`,
  );
});

t.test('every broken stream is one message naming the line', async (t) => {
  const leaf = seededBytes(MiB, 4);
  const tail = Buffer.from('tail');
  const leafHash = treeHash(leaf);
  const cases: [string, string][] = [
    [part(0, 1, { file: '/f' }), 'stdin:1: part record before any upload record'],
    [data(0, 0, tail), 'stdin:1: data record before any upload record'],
    [end(1, 1), 'stdin:1: end record before any upload record'],
    [upload() + upload(), 'stdin:2: upload record inside archive "x" (begun at line 1, no end record yet)'],
    [upload() + data(1, MiB, tail) + part(1, 4), 'stdin:2: data for part 1 while part 0 is the next part'],
    [upload() + data(0, 0, leaf) + part(0, MiB) + data(0, MiB, tail), 'stdin:4: data for part 0, which is already complete'],
    [upload() + data(0, 0, leaf) + part(0, MiB) + data(2, 2 * MiB, tail) + part(2, 4), 'stdin:4: data for part 2 while part 1 is the next part'],
    [upload() + data(0, 0, leaf) + part(0, MiB) + data(1, MiB, tail) + part(2, 4), 'stdin:5: part 2 follows part 0'],
    [upload() + data(1, MiB, tail) + part(1, 4), 'stdin:2: data for part 1 while part 0 is the next part'],
    [upload() + json({ type: 'part', index: 1, start: MiB, size: 4, file: '/f' }), 'stdin:2: part 1 comes first; an archive\'s parts begin at 0'],
    [upload({ partSize: 2 * MiB }) + data(0, MiB, leaf), 'stdin:2: data for part 0 begins at byte 1048576; part 0 begins at byte 0'],
    [upload({ partSize: 4 * MiB }) + data(0, 0, leaf) + data(0, 2 * MiB, leaf), 'stdin:3: data at byte 2097152 in part 0; the part\'s bytes so far end at byte 1048576 (gap or overlap)'],
    [upload({ partSize: 4 * MiB }) + data(0, 0, tail) + data(0, MiB, leaf), 'stdin:3: data at byte 1048576 in part 0; the part\'s bytes so far end at byte 4 (gap or overlap)'],
    [upload() + data(0, 0, leaf) + data(0, MiB, tail), 'stdin:3: data for part 0 runs past the part size (1048576 bytes)'],
    [upload() + data(0, 0, tail) + part(0, 4) + data(1, MiB, tail), 'stdin:4: data for part 1 after part 0, which was short (4 bytes) and so the last'],
    [upload() + data(0, 0, tail) + part(0, 4) + part(1, 1, { file: '/f' }), 'stdin:4: part 1 follows part 0 of 4 bytes; only the last part may be smaller than the part size 1048576'],
    [upload() + json({ type: 'part', index: 0, start: 0, size: 2 * MiB, file: '/f' }), 'stdin:2: part 0 is 2097152 bytes, more than the upload\'s part size 1048576 (the part size cannot change within an archive)'],
    [upload() + data(0, 0, leaf) + part(0, MiB) + json({ type: 'part', index: 1, start: 2 * MiB, size: 5, file: '/f' }), 'stdin:4: part 1 begins at byte 2097152; with part size 1048576 it must begin at byte 1048576'],
    [upload() + part(0, 4), 'stdin:2: inline part 0 (no "file") has no data records before it'],
    [upload() + data(0, 0, tail) + part(0, 5), 'stdin:3: part 0 is 5 bytes but its data records carry 4'],
    [upload() + data(0, 0, tail) + part(0, 4, { file: '/f' }), 'stdin:3: part 0 names a file, but data records for it came before it'],
    [upload() + data(0, 0, tail) + end(4, 1), 'stdin:3: end record, but part 0\'s data records have no part record'],
    [upload() + data(0, 0, tail) + part(0, 4) + end(4, 2), 'stdin:4: end record says 2 part(s), but 1 came'],
    [upload() + data(0, 0, tail) + part(0, 4) + end(5, 1), 'stdin:4: end record says 5 bytes, but the parts hold 4'],
    [upload({ size: 5 }) + data(0, 0, tail) + part(0, 4) + end(4, 1), 'stdin:4: the archive is 4 bytes, but its upload record said 5'],
    [upload({ size: 3 }) + data(0, 0, tail) + part(0, 4), 'stdin:3: part 0 ends at byte 4, past the archive size 3 in the upload record'],
    [upload() + data(0, 0, leaf) + part(0, MiB, { treeHash: 'f'.repeat(64) }), `stdin:3: part 0: treeHash ${'f'.repeat(64)} in the record does not match its bytes (${leafHash})`],
    [upload() + data(0, 0, leaf) + part(0, MiB, { sha256: 'f'.repeat(64) }), `stdin:3: part 0: sha256 ${'f'.repeat(64)} in the record does not match its bytes (${leafHash})`],
    [upload() + data(0, 0, tail) + part(0, 4) + end(4, 1, { treeHash: 'e'.repeat(64) }), `stdin:4: end record's treeHash ${'e'.repeat(64)} does not match the archive's parts (${treeHash(tail)})`],
    [upload() + data(0, 0, leaf) + part(0, MiB) + data(1, MiB, tail), 'stdin:4: the stream ended inside archive "x" (begun at line 1) after 1 part(s) and no end record: truncated archive'],
    [upload(), 'stdin:1: the stream ended inside archive "x" (begun at line 1) after 0 part(s) and no end record: truncated archive'],
    [upload({ v: 2 }), 'stdin:1: record version 2 is newer than this glacier-pipes understands (1)'],
  ];
  for (const [text, message] of cases) t.equal(await failure(text), message, message);
  t.equal(await failure(upload() + part(0, 4), { source: 'plan.ndjson' }), 'plan.ndjson:2: inline part 0 (no "file") has no data records before it', 'SOURCE is the file name');
});

t.test('the archive hash combines the part hashes', async (t) => {
  const bytes = seededBytes(5 * MiB + 3, 5);
  const seen = await events(inlineArchive(bytes));
  const partHashes = seen.flatMap((event) => (event.kind === 'part' ? [event.treeHash!] : []));
  t.equal(combineTreeHashes(partHashes), treeHash(bytes));
  const last = seen.at(-1);
  t.equal(last?.kind === 'end' ? last.treeHash : undefined, treeHash(bytes));
});

t.test('file parts hashed ahead: the events before a broken line come first, and an earlier part\'s error wins', async (t) => {
  const dir = scratch(t);
  const bytes = seededBytes(2 * MiB, 8);
  const file = writeFile(dir, 'f', bytes);
  // Four workers: both parts are hashed ahead whatever this machine's core count.
  const pool = new HashPool(4);
  t.teardown(() => pool.close());
  const seen: string[] = [];
  let message = 'no error';
  try {
    for await (const event of readUploadStream(source(upload() + part(0, MiB, { file }) + part(1, MiB, { file }) + '{"type":\n'), { pool })) {
      seen.push(event.kind === 'part' ? `part ${event.record.index} ${event.treeHash}` : event.kind);
    }
  } catch (err) {
    message = (err as Error).message;
  }
  t.same(seen, ['upload', `part 0 ${treeHash(bytes.subarray(0, MiB))}`, `part 1 ${treeHash(bytes.subarray(MiB))}`]);
  t.match(message, /^stdin:4: /, 'then the broken line');
  const missing = `${dir}/missing`;
  t.equal(await failure(upload() + part(0, MiB, { file }) + part(1, MiB, { file: missing }) + '{"type":\n', { pool }), `stdin:3: part 1: ${missing}: no such file`);
  t.equal(await failure(upload() + part(0, MiB, { file }) + part(2, MiB, { file }) + part(3, 1, { file }) + end(3 * MiB + 1, 3), { pool }), 'stdin:3: part 2 follows part 0', 'not the error of the part after it');
});

t.test('pulling one event at a time reads only as far as needed', async (t) => {
  let produced = 0;
  async function* lines(): AsyncGenerator<Buffer> {
    yield Buffer.from(upload());
    for (let i = 0; i < 50; i++) {
      produced++;
      yield Buffer.from(data(i, i * MiB, seededBytes(MiB, i)) + part(i, MiB));
    }
    yield Buffer.from(end(50 * MiB, 50));
  }
  const iterator = readUploadStream(lines());
  for (let i = 0; i < 5; i++) await iterator.next();
  t.ok(produced <= 3, `after 5 events the source produced ${produced} of 50 parts`);
  await iterator.return(undefined);
});

t.test('kept leaves given back with release() hold later parts, and the bytes stay right', async (t) => {
  const bytes = seededBytes(4 * MiB + 3, 9);
  const iterator = readUploadStream(source(inlineArchive(bytes)), { keepData: true, reuseLines: true });
  const buffers: ArrayBufferLike[][] = [];
  let at = 0;
  for await (const event of iterator) {
    if (event.kind !== 'part') continue;
    const expected = bytes.subarray(at, at + event.record.size);
    at += event.record.size;
    t.ok(Buffer.concat(event.data!).equals(expected), `part ${event.record.index}: its bytes`);
    t.same({ treeHash: event.treeHash, sha256: event.sha256 }, new TreeHasher().update(expected).digest(), `part ${event.record.index}: its hashes`);
    buffers.push(event.data!.map((leaf) => leaf.buffer));
    // Parts 0 and 1 are given back; part 2 must then reuse one of their leaves.
    if (event.record.index < 2) event.release!();
  }
  t.equal(at, bytes.length);
  t.ok(buffers.flat().every((buffer) => buffer instanceof SharedArrayBuffer), 'leaves are shared memory, hashed where they are');
  t.ok([...buffers[0], ...buffers[1]].includes(buffers[2][0]), 'a released leaf holds a later part');
  t.notOk(buffers[3].some((buffer) => buffers[2].includes(buffer)), 'a leaf not given back is never reused');
});
