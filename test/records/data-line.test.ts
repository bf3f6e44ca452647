// Data records: the fast encoder writes exactly what JSON.stringify would, and the fast decoder
// reads it back, refusing anything that is not strict base64.

import t from 'tap';
import { decodeBase64Field, encodeDataLine, matchDataLine, MAX_DATA_LINE_BYTES } from '../../src/records/data-line.js';
import { MiB, seededBytes } from '../helpers/data.js';

t.test('the line equals JSON.stringify of the record, for every length around the slice and leaf sizes', async (t) => {
  const lengths = [1, 2, 3, 4, 5, 49151, 49152, 49153, 98304, MiB - 1, MiB];
  const reuse = Buffer.alloc(MAX_DATA_LINE_BYTES);
  for (const length of lengths) {
    const bytes = seededBytes(length, length);
    const expected = `${JSON.stringify({ type: 'data', part: 9999, offset: 10485759000000, data: bytes.toString('base64') })}\n`;
    t.equal(encodeDataLine(9999, 10485759000000, bytes).toString(), expected, `${length} bytes, new buffer`);
    const line = encodeDataLine(9999, 10485759000000, bytes, reuse);
    t.equal(line.toString(), expected, `${length} bytes, reused buffer`);
    const fields = matchDataLine(line.subarray(0, -1));
    t.ok(fields, `${length} bytes: recognised`);
    t.same(decodeBase64Field(line, fields!.dataStart, fields!.dataEnd), bytes, `${length} bytes: decoded`);
  }
});

t.test('lines in another shape are left to JSON.parse', async (t) => {
  for (const line of [
    '{"type":"data","offset":0,"part":0,"data":"QUJD"}',
    '{"type":"data","part":00,"offset":0,"data":"QUJD"}',
    '{"type":"data","part":0,"offset":-1,"data":"QUJD"}',
    '{"type":"data","part":0,"offset":1e6,"data":"QUJD"}',
    '{"type":"data","part":0,"offset":0,"data":"QUJD"} ',
    '{"type":"data", "part":0,"offset":0,"data":"QUJD"}',
    '{"type":"data","part":0,"offset":0,"data":"QUJD","x":1}',
  ]) {
    const fields = matchDataLine(Buffer.from(line));
    const decoded = fields && decodeBase64Field(Buffer.from(line), fields.dataStart, fields.dataEnd);
    t.notOk(decoded, line);
  }
});

t.test('only strict padded base64 decodes', async (t) => {
  const decode = (text: string) => decodeBase64Field(Buffer.from(text), 0, text.length);
  t.same(decode('QUJD'), Buffer.from('ABC'));
  t.same(decode('QUI='), Buffer.from('AB'));
  t.same(decode('QQ=='), Buffer.from('A'));
  for (const bad of ['QUJ', 'QU JD', 'QUJ*', 'QQ==QUJD', 'Q===', 'QUJD\\n', 'QUJ"']) t.equal(decode(bad), undefined, JSON.stringify(bad));
  const long = Buffer.from(seededBytes(200000, 3).toString('base64'));
  long[100000] = 0x21; // "!" in the middle of the second slice
  t.equal(decodeBase64Field(long, 0, long.length), undefined, 'a bad character deep inside');
});

t.test('decoding into a given buffer: a view of it when it is long enough', async (t) => {
  const bytes = Buffer.from('any bytes at all \x00\xff');
  const line = encodeDataLine(0, 0, bytes);
  const fields = matchDataLine(line.subarray(0, line.length - 1))!;
  const into = Buffer.alloc(64);
  const decoded = decodeBase64Field(line, fields.dataStart, fields.dataEnd, into)!;
  t.same(decoded, bytes);
  t.equal(decoded.buffer, into.buffer, 'decoded in place');
  const small = Buffer.alloc(4);
  const fresh = decodeBase64Field(line, fields.dataStart, fields.dataEnd, small)!;
  t.same(fresh, bytes);
  t.not(fresh.buffer, small.buffer, 'too small: a new buffer');
  t.equal(decodeBase64Field(Buffer.from('ab!d'), 0, 4, into), undefined, 'not base64: refused');
});
