// Streams become inline upload records; an input too large for its part size or an empty one
// fails with no end record.

import { Writable } from 'node:stream';
import t from 'tap';
import { chunkStream } from '../../src/chunk/chunk-stream.js';
import { fileUploadRecords } from '../../src/chunk/chunk-file.js';
import { RecordWriter } from '../../src/records/writer.js';
import { MiB, seededBytes } from '../helpers/data.js';

function collector() {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { writer: new RecordWriter(sink), records: () => Buffer.concat(chunks).toString().split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const label = { name: 'in', description: 'in', partSize: 2 * MiB, source: 'stdin' };

t.test('leaves, parts after their data, end last', async (t) => {
  const bytes = seededBytes(5 * MiB + 3, 1);
  const { writer, records } = collector();
  t.same(await chunkStream(pieces(bytes, 65536 + 7), writer, label), { size: bytes.length, parts: 3 });
  await writer.flush();
  const summary = records().map((record) => (record.type === 'data' ? `data ${record.part}@${record.offset / MiB}` : record.type === 'part' ? `part ${record.index}:${record.size}` : record.type));
  t.same(summary, ['upload', 'data 0@0', 'data 0@1', `part 0:${2 * MiB}`, 'data 1@2', 'data 1@3', `part 1:${2 * MiB}`, 'data 2@4', 'data 2@5', `part 2:${MiB + 3}`, 'end']);
  const decoded = Buffer.concat(records().filter((record) => record.type === 'data').map((record) => Buffer.from(record.data, 'base64')));
  t.ok(decoded.equals(bytes), 'the data records carry the input');
  t.same(records()[0], { type: 'upload', v: 1, name: 'in', description: 'in', partSize: 2 * MiB, size: null });
  t.same(records().at(-1), { type: 'end', size: bytes.length, parts: 3 });
});

t.test('an input ending on a part boundary', async (t) => {
  const { writer, records } = collector();
  await chunkStream(pieces(seededBytes(4 * MiB, 2), MiB), writer, label);
  await writer.flush();
  t.same(records().filter((record) => record.type !== 'data').map((record) => record.type), ['upload', 'part', 'part', 'end']);
});

t.test('one byte past the last allowed part fails at once, without an end record', async (t) => {
  const { writer, records } = collector();
  const bytes = seededBytes(3 * 2 * MiB + 1, 3);
  await t.rejects(chunkStream(pieces(bytes, MiB), writer, { ...label, maxParts: 3 }), {
    code: 'TOO_MANY_PARTS',
    message: 'stdin: the input is larger than 3 parts of 2 MiB (6 MiB), Glacier\'s limit for this part size: run again with --size-hint (the expected size) or a larger --part-size; no end record was written',
  });
  await writer.flush();
  t.notOk(records().some((record) => record.type === 'end'), 'no end record');
  const exact = collector();
  await chunkStream(pieces(bytes.subarray(0, 6 * MiB), MiB), exact.writer, { ...label, maxParts: 3 });
  await exact.writer.flush();
  t.equal(exact.records().at(-1).type, 'end', 'exactly 3 parts is fine');
});

t.test('empty input writes nothing and fails', async (t) => {
  const { writer, records } = collector();
  await t.rejects(chunkStream(pieces(Buffer.alloc(0), 1), writer, label), { code: 'EMPTY_INPUT', message: 'stdin: empty input; a Glacier archive holds at least 1 byte' });
  await writer.flush();
  t.same(records(), []);
});

t.test('file records point into the file', async (t) => {
  const records = [...fileUploadRecords('some/file.tar', 5 * MiB + 1, { name: 'some/file.tar', description: 'd', partSize: 2 * MiB })];
  const file = `${process.cwd()}/some/file.tar`;
  t.same(records, [
    { type: 'upload', v: 1, name: 'some/file.tar', description: 'd', partSize: 2 * MiB, size: 5 * MiB + 1 },
    { type: 'part', index: 0, start: 0, size: 2 * MiB, file },
    { type: 'part', index: 1, start: 2 * MiB, size: 2 * MiB, file },
    { type: 'part', index: 2, start: 4 * MiB, size: MiB + 1, file },
    { type: 'end', size: 5 * MiB + 1, parts: 3 },
  ]);
});
