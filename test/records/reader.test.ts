// The record reader: line numbers, one clear message per bad line, data records decoded on the
// fast path and the JSON path alike, whatever the chunk boundaries.

import { Readable } from 'node:stream';
import t from 'tap';
import { encodeDataLine } from '../../src/records/data-line.js';
import { readRecords, type RecordLine } from '../../src/records/reader.js';
import { InputError } from '../../src/errors.js';
import { MiB, seededBytes } from '../helpers/data.js';

async function read(chunks: (string | Buffer)[], source?: string): Promise<RecordLine[]> {
  const out: RecordLine[] = [];
  for await (const record of readRecords(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), { source })) out.push(record);
  return out;
}

async function failure(text: string, source?: string): Promise<string> {
  try {
    await read([text], source);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  throw new Error('no error');
}

t.test('records with line numbers, blank lines skipped, unknown fields and types kept', async (t) => {
  const lines = await read(['{"type":"note","x":[1,2]}\n\n  \n{"type":"part","index":0,"start":0,"size":5,"tag":"mine"}\n']);
  t.same(
    lines.map(({ line, record }) => ({ line, record })),
    [
      { line: 1, record: { type: 'note', x: [1, 2] } },
      { line: 4, record: { type: 'part', index: 0, start: 0, size: 5, tag: 'mine' } },
    ],
  );
  t.equal(lines[1].raw.toString(), '{"type":"part","index":0,"start":0,"size":5,"tag":"mine"}\n');
});

t.test('a base64 data line split at every boundary', async (t) => {
  const bytes = seededBytes(100, 1);
  const line = encodeDataLine(0, 0, bytes);
  for (let cut = 1; cut < line.length; cut++) {
    const [record] = await read([line.subarray(0, cut), line.subarray(cut)]);
    if (!record || !record.bytes?.equals(bytes)) t.fail(`cut at ${cut}`);
  }
  t.pass(`all ${line.length - 1} cuts decode to the same bytes`);
  const leaf = seededBytes(MiB, 2);
  const big = encodeDataLine(3, 3 * MiB, leaf);
  const pieces: Buffer[] = [];
  for (let at = 0; at < big.length; at += 4099) pieces.push(big.subarray(at, at + 4099));
  const [record] = await read(pieces);
  t.same(record.record, { type: 'data', part: 3, offset: 3 * MiB }, 'the record has no base64 text');
  t.ok(record.bytes!.equals(leaf), 'a full leaf in 4,099-byte pieces');
  t.ok(record.raw.equals(big), 'raw is the line as read');
});

t.test('a data record in another shape takes the JSON path and keeps its other fields', async (t) => {
  const [record] = await read(['{ "data": "QUJD", "offset": 1048576, "type": "data", "part": 1, "note": "x" }\n']);
  t.same(record.record, { offset: MiB, type: 'data', part: 1, note: 'x' });
  t.same(record.bytes, Buffer.from('ABC'));
});

t.test('a bad line is one message naming the source and line', async (t) => {
  // The words after "not valid JSON" are V8's and change between Node versions.
  t.match(await failure('{"type":"a"}\n{"type":"b"\n'), /^stdin:2: not valid JSON \(.+\)$/);
  t.equal(await failure('[1,2]\n', 'list.ndjson'), 'list.ndjson:1: not a JSON object');
  t.equal(await failure('{"x":1}\n'), 'stdin:1: no "type" (every record needs one)');
  t.equal(await failure('{"type":"upload","v":2}\n'), 'stdin:1: record version 2 is newer than this glacier-pipes understands (1)');
  t.equal(await failure('{"type":"whatever","v":7}\n'), 'stdin:1: record version 7 is newer than this glacier-pipes understands (1)');
  t.equal(await failure('{"type":"x","v":0}\n'), 'stdin:1: "v" is 0, not a positive whole number');
  t.equal(await failure('{"type":"data","part":0,"offset":0,"data":"QUJ*"}\n'), 'stdin:1: data is not standard padded base64');
  t.equal(await failure('{"type":"data","part":0,"offset":5,"data":"QUJD"}\n'), 'stdin:1: data offset 5 is not on a 1 MiB tree-hash leaf boundary');
  t.equal(await failure('{"type":"data","part":0,"offset":0,"data":""}\n'), 'stdin:1: data record carries no bytes');
  t.equal(await failure(encodeDataLine(0, 0, Buffer.alloc(MiB + 3)).toString()), `stdin:1: data record carries ${MiB + 3} bytes; at most one 1 MiB leaf (${MiB}) per record`);
  t.equal(await failure('{"type":"part","index":"0","start":0,"size":1}\n'), 'stdin:1: part "index" is "0", not a part index from 0 to 9999');
  const binary = await failure('{"type":"a"}\n\u0000\u0001binary\n');
  t.match(binary, /^stdin:2: not valid JSON \(/);
  t.notMatch(binary, /[\x00-\x1f]/, 'control characters are escaped in the message');
});

t.test('records before a bad line are handed out first', async (t) => {
  const seen: number[] = [];
  const reading = (async () => {
    for await (const record of readRecords(Readable.from([Buffer.from('{"type":"a"}\n{"type":"b"}\nnot json\n')]))) seen.push(record.line);
  })();
  await t.rejects(reading, { message: /^stdin:3: not valid JSON/ });
  t.same(seen, [1, 2]);
});

t.test('a line with no end in sight is refused before it fills memory', async (t) => {
  const endless = Readable.from((function* () {
    for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024, 0x41);
  })());
  const reading = (async () => {
    for await (const _ of readRecords(endless, { maxLineBytes: MiB })) t.fail('no record expected');
  })();
  await t.rejects(reading, { message: /^stdin:1: line is longer than 1048576 bytes/ });
});
