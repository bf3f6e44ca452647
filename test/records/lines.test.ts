// The line splitter fed awkward chunk boundaries by hand.

import t from 'tap';
import { MAX_LINE_BYTES, splitLines, type Line } from '../../src/records/lines.js';

async function* feed(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
}

async function split(chunks: AsyncIterable<Buffer>, maxLineBytes?: number): Promise<Line[]> {
  const lines: Line[] = [];
  const tooLong = (line: number, bytes: number): never => {
    throw new Error(`line ${line} too long (${bytes})`);
  };
  for await (const line of splitLines(chunks, { maxLineBytes, onTooLong: tooLong })) lines.push(line);
  return lines;
}

const texts = (lines: Line[]) => lines.map((line) => line.bytes.toString('utf8'));

t.test('a line split across writes, and several lines in one write', async (t) => {
  const lines = await split(feed('{"a":', '1}\n{"b"', ':2}\n{"c":3}\n{"d":4}\n'));
  t.same(texts(lines), ['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']);
  t.same(lines.map((line) => line.number), [1, 2, 3, 4]);
  t.same(lines.map((line) => line.raw.toString()), ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n', '{"d":4}\n'], 'raw keeps the newline');
});

t.test('a multi-byte character split between writes', async (t) => {
  const text = Buffer.from('{"name":"Zürich – 東京"}\n');
  for (let cut = 1; cut < text.length; cut++) {
    const lines = await split(feed(text.subarray(0, cut), text.subarray(cut)));
    t.same(texts(lines), ['{"name":"Zürich – 東京"}'], `cut at byte ${cut}`);
  }
});

t.test('one byte per write, CRLF, blank lines and a last line without newline', async (t) => {
  const input = Buffer.from('one\r\n\ntwo\nthree');
  const lines = await split(feed(...[...input].map((byte) => Buffer.from([byte]))));
  t.same(texts(lines), ['one', '', 'two', 'three']);
  t.same(lines.map((line) => line.raw.toString()), ['one\r\n', '\n', 'two\n', 'three']);
});

t.test('skipBlank: blank lines are left out but counted, whether they fall inside a chunk or across chunks', async (t) => {
  const tooLong = (line: number, bytes: number): never => {
    throw new Error(`line ${line} too long (${bytes})`);
  };
  const input = '\n\n \t\r\n{"a":1}\n\n\n  {"b":2}\r\n\n  \n \n';
  const expected = [
    { number: 4, text: '{"a":1}' },
    { number: 7, text: '  {"b":2}' },
  ];
  const skipped = async (chunks: AsyncIterable<Buffer>) => {
    const seen: { number: number; text: string }[] = [];
    for await (const line of splitLines(chunks, { skipBlank: true, onTooLong: tooLong })) seen.push({ number: line.number, text: line.bytes.toString() });
    return seen;
  };
  t.same(await skipped(feed(input)), expected, 'one chunk');
  t.same(await skipped(feed(...[...Buffer.from(input)].map((byte) => Buffer.from([byte])))), expected, 'one byte per chunk');
  t.same(await skipped(feed(input, '   ')), expected, 'a last line of spaces without a newline');
  t.same(await skipped(feed(input, ' x')), [...expected, { number: 11, text: ' x' }], 'a last line that is not blank');
  t.same(await skipped(feed('\n'.repeat(100_000), '{"c":3}\n')), [{ number: 100_001, text: '{"c":3}' }], 'many blank lines');
  await t.rejects(skipped((async function* () { yield Buffer.from(`\n${' '.repeat(MAX_LINE_BYTES + 1)}\n`); })()), /line 2 too long/, 'a blank line longer than the limit is still too long');
});

t.test('a line longer than the limit stops the split, whether or not its newline has come', async (t) => {
  await t.rejects(split(feed('short\n', 'x'.repeat(11), '\n'), 10), /line 2 too long \(11\)/);
  await t.rejects(split(feed('short\n', 'x'.repeat(6), 'x'.repeat(6)), 10), /line 2 too long \(12\)/);
  t.same(texts(await split(feed('x'.repeat(10), '\n'), 10)), ['x'.repeat(10)], 'exactly the limit is fine');
});

t.test('reuse: a line that spans chunks comes in one buffer kept for the next such line', async (t) => {
  const tooLong = (line: number, bytes: number): never => {
    throw new Error(`line ${line} too long (${bytes})`);
  };
  const long = 'y'.repeat(300);
  const input = feed('{"a":', '1}\n{"b"', `:"${long}`, `${long}"}\nshort\n`, 'tail', 'end');
  const seen: { text: string; raw: string; buffer: ArrayBufferLike }[] = [];
  // Copied as they come: a reused line is valid only until the next one is pulled.
  for await (const line of splitLines(input, { reuse: true, onTooLong: tooLong })) {
    seen.push({ text: line.bytes.toString(), raw: line.raw.toString(), buffer: line.raw.buffer });
  }
  t.same(
    seen.map((line) => line.text),
    ['{"a":1}', `{"b":"${long}${long}"}`, 'short', 'tailend'],
  );
  t.same(seen.map((line) => line.raw), ['{"a":1}\n', `{"b":"${long}${long}"}\n`, 'short\n', 'tailend']);
  t.equal(seen[1].buffer, seen[3].buffer, 'a line that spans chunks reuses the buffer of the one before (grown only when it must)');
  await t.rejects(
    (async () => {
      for await (const _ of splitLines(feed('short\n', 'x'.repeat(6), 'x'.repeat(6)), { reuse: true, maxLineBytes: 10, onTooLong: tooLong }));
    })(),
    /line 2 too long \(12\)/,
    'the limit holds while the line is held',
  );
});
