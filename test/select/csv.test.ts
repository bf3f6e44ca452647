// CSV input and output options, awkward chunk boundaries, record size limits, run-time errors
// located at their record, and backpressure through the stream.

import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { parse } from 'csv-parse/sync';
import { compileSelect, MAX_RECORD_BYTES, resultParseOptions, selectParameters } from '../../src/select/index.js';
import { rejectionOf, run } from './helpers.js';

t.test('worked examples of §8.7', async (t) => {
  const letters = 'a,b,c\ne,r,f\ny,u,i\nq,w,y';
  t.equal(await run('SELECT * FROM archive', letters), 'a,b,c\ne,r,f\ny,u,i\nq,w,y\n');
  t.equal(await run('SELECT * FROM archive', letters, {}, { FieldDelimiter: ':' }), 'a:b:c\ne:r:f\ny:u:i\nq:w:y\n');
  const minio = 'one,two,three\n-1,foo,true\n,bar,false\n2.5,baz,true\n';
  t.equal(await run('SELECT one, two, three from archive', minio, { FileHeaderInfo: 'USE' }), '-1,foo,true\n,bar,false\n2.5,baz,true\n');
  const mixed = 'id,time,num,num2,text\n1,2010-01-01T,7867786,4565.908123,"a text, with comma"\n2,2017-01-02T03:04Z,-5, 0.765111,\n';
  const use = { FileHeaderInfo: 'USE' };
  // MinIO compares `id = 1` loosely; here a CSV field is a string and needs CAST (docs/select.md).
  t.equal(await run('SELECT text FROM archive s WHERE id = 1', mixed, use), '');
  t.equal(await run('SELECT text FROM archive s WHERE CAST(id AS INT) = 1', mixed, use), '"a text, with comma"\n');
  t.equal(await run("SELECT num2 FROM archive s WHERE id = '2'", mixed, use), ' 0.765111\n', 'the leading space is kept');
  t.equal(await run('SELECT _2 FROM archive WHERE _2 IS NOT NULL', mixed, use), '2010-01-01T\n2017-01-02T03:04Z\n');
  t.equal(await run('SELECT * FROM archive', 'x\ny\n'), 'x\ny\n', 'the DG example: every record');
});

t.test('input options', async (t) => {
  t.equal(await run('SELECT _2, _1 FROM archive', 'a|b\nc|d\n', { FieldDelimiter: '|' }), 'b,a\nd,c\n', 'FieldDelimiter');
  t.equal(await run('SELECT _2 FROM archive', "'x,y',z\n", { QuoteCharacter: "'" }), 'z\n', 'QuoteCharacter');
  t.equal(await run('SELECT _1 FROM archive', "'x,y',z\n", { QuoteCharacter: "'" }), '"x,y"\n');
  t.equal(await run('SELECT _1 FROM archive', '"a\\"b",c\n', { QuoteEscapeCharacter: '\\' }), '"a""b"\n', 'QuoteEscapeCharacter');
  t.equal(await run('SELECT _1 FROM archive', '"a""b",c\n'), '"a""b"\n', 'the default escape is a doubled quote');
  t.equal(await run('SELECT * FROM archive', 'a,b;c,d;', { RecordDelimiter: ';' }), 'a,b\nc,d\n', 'RecordDelimiter');
  t.equal(await run('SELECT * FROM archive', 'a,b\r\nc,d\r\n', { RecordDelimiter: '\r\n' }), 'a,b\nc,d\n', 'RecordDelimiter \\r\\n');
  t.equal(await run('SELECT _2 FROM archive', 'a,b\r\nc,d\r\n'), 'b\nd\n', 'CRLF records with the default \\n: no stray \\r');
  t.equal(await run('SELECT _1 FROM archive', '#note\na\n#more\nb,#c\n'), 'a\nb\n', "Comments '#' by default, only at a line start");
  t.equal(await run('SELECT _2 FROM archive', 'a,#b\n'), '#b\n');
  t.equal(await run('SELECT _1 FROM archive', '#a\n;b\n', { Comments: ';' }), '#a\n', 'Comments');
  t.equal(await run('SELECT _1 FROM archive', '#a\nb\n', { Comments: '' }), '#a\nb\n', 'Comments "" turns comments off');
  t.equal(await run('SELECT _2 FROM archive', '"multi\nline",x\n'), 'x\n', 'a quoted record delimiter stays in its field');
  t.equal(await run('SELECT * FROM archive', '\ufeffa,b\n'), 'a,b\n', 'a UTF-8 byte order mark is dropped');
  t.equal(await run('SELECT * FROM archive', 'a\n\nb\n'), 'a\n\nb\n', 'a blank line is a record of one empty field');
  t.equal(await run('SELECT * FROM archive', 'a,b'), 'a,b\n', 'no final record delimiter');
  t.equal(await run('SELECT * FROM archive', ''), '', 'empty input');
  t.equal(await run('SELECT _1 FROM archive WHERE _3 IS MISSING', 'a,b,c\nd,e\n'), 'd\n', 'records may differ in length');
});

t.test('output options', async (t) => {
  const csv = 'a,"b,c","d""e",\n';
  t.equal(await run('SELECT * FROM archive', csv), 'a,"b,c","d""e",\n', 'ASNEEDED by default');
  t.equal(await run('SELECT * FROM archive', csv, {}, { QuoteFields: 'ALWAYS' }), '"a","b,c","d""e",""\n', 'ALWAYS');
  t.equal(await run('SELECT _1, NULL FROM archive', 'a\n', {}, { QuoteFields: 'always' }), '"a",""\n');
  t.equal(await run('SELECT * FROM archive', csv, {}, { FieldDelimiter: ';' }), 'a;b,c;"d""e";\n');
  t.equal(await run('SELECT * FROM archive', csv, {}, { FieldDelimiter: '\t' }), 'a\tb,c\t"d""e"\t\n', 'a tab is fine on output');
  t.equal(await run('SELECT * FROM archive', csv, {}, { QuoteCharacter: "'" }), "a,'b,c',d\"e,\n");
  t.equal(await run('SELECT * FROM archive', csv, {}, { QuoteEscapeCharacter: '\\' }), 'a,"b,c","d\\"e",\n');
  t.equal(await run('SELECT * FROM archive', 'a,b\nc,d\n', {}, { RecordDelimiter: '\r\n' }), 'a,b\r\nc,d\r\n');
  t.equal(await run('SELECT * FROM archive', 'a,b\nc,d\n', {}, { RecordDelimiter: '_' }), 'a,b_c,d_', 'every record ends with the delimiter');
  t.equal(await run('SELECT _1 FROM archive', '"x\ny"\n'), '"x\ny"\n', 'a field holding a record delimiter is quoted');
  t.equal(await run('SELECT _1 FROM archive', 'a_b\n', {}, { RecordDelimiter: '_' }), '"a_b"_');
});

t.test('resultParseOptions reads the output back into the same records', async (t) => {
  const csv = 'a,"b,c","d""e",\n"x\ny",\\,\'q\',\n';
  const outputs = [{}, { QuoteFields: 'ALWAYS' }, { FieldDelimiter: '\t', RecordDelimiter: '\r\n' }, { QuoteCharacter: "'", QuoteEscapeCharacter: '\\' }, { RecordDelimiter: '_' }];
  for (const output of outputs) {
    const query = compileSelect(selectParameters('SELECT * FROM archive', {}, output));
    const text = await run('SELECT * FROM archive', csv, {}, output);
    t.same(parse(text, resultParseOptions(query.output)), [['a', 'b,c', 'd"e', ''], ['x\ny', '\\', "'q'", '']], JSON.stringify(output));
  }
});

t.test('awkward chunk boundaries give the same output', async (t) => {
  const csv = 'id,name,note\r\n1,"Zoë ""the"" 😀",x\r\n#comment\r\n2,"line\r\nbreak",€\r\n3,plain,\r\n';
  const sql = "SELECT name, note FROM archive WHERE id <> '9'";
  const use = { FileHeaderInfo: 'USE' };
  const whole = await run(sql, csv, use);
  t.equal(whole, '"Zoë ""the"" 😀",x\n"line\r\nbreak",€\nplain,\n');
  const bytes = Buffer.from(csv);
  const byteByByte = Array.from(bytes, (byte) => Buffer.from([byte]));
  t.equal(await run(sql, byteByByte, use), whole, 'one byte at a time: split characters, CRLF and "" pairs');
  for (let cut = 1; cut < bytes.length; cut++) {
    const output = await run(sql, [bytes.subarray(0, cut), bytes.subarray(cut)], use);
    if (output !== whole) t.fail(`split at byte ${cut} changed the output: ${JSON.stringify(output)}`);
  }
  t.pass('every two-chunk split gives the same output');
});

t.test('records over 1 MB are refused (OverMaxRecordSize)', async (t) => {
  const field = (size: number, char = 'a') => char.repeat(size);
  // The record's content: fields plus delimiters. Exactly the limit passes.
  t.equal(await run('SELECT _2 FROM archive', `${field(MAX_RECORD_BYTES - 2)},b\n`), 'b\n', 'a record of exactly 1,048,576 bytes');
  const over = await rejectionOf(() => run('SELECT _2 FROM archive', `x\n${field(MAX_RECORD_BYTES - 1)},b\ny\n`));
  t.equal(over.code, 'OverMaxRecordSize');
  t.equal(over.record, 2, 'on the second record');
  const multiByte = await rejectionOf(() => run('SELECT _1 FROM archive', `${field(350_000, '€')}\n`));
  t.equal(multiByte.code, 'OverMaxRecordSize', '350,000 characters of 3 bytes each');
  t.equal(await run('SELECT CHAR_LENGTH(_1) FROM archive', `${field(340_000, '€')}\n`), '340000\n', '340,000 of them fit');
  const unclosed = await rejectionOf(() => run('SELECT _1 FROM archive', ['a\n"never closed', ...Array.from({ length: 40 }, () => field(65_536))]));
  t.equal(unclosed.code, 'OverMaxRecordSize', 'an unclosed quote stops at the limit instead of reading on');
  t.equal(unclosed.record, 2);
  const output = await rejectionOf(() => run('SELECT _1, _1 FROM archive', `${field(600_000)}\n`));
  t.equal(output.code, 'OverMaxRecordSize', 'an output record over the limit');
  t.match(output.message, /output record/);
});

t.test('a CAST failing at run time names the record', async (t) => {
  const rows = Array.from({ length: 6000 }, (_, i) => `${i + 1},${i + 1 === 5000 ? 'oops' : i * 3}`);
  const csv = `id,amount\n${rows.join('\n')}\n`;
  const error = await rejectionOf(() => run('SELECT id FROM archive WHERE CAST(amount AS INT) > 10', csv, { FileHeaderInfo: 'USE' }));
  t.equal(error.code, 'CastFailed');
  t.equal(error.record, 5001, 'data row 5,000 is record 5,001 after the header');
  t.match(error.message, /^record 5001, SQL line 1, column 30: cannot CAST 'oops' AS INT: not an integer$/);
  t.same(error.toJSON(), { code: 'CastFailed', message: error.message, line: 1, column: 30, record: 5001 });
  const none = await rejectionOf(() => run('SELECT _1 FROM archive WHERE CAST(_2 AS INT) > 10', rows.join('\n')));
  t.equal(none.record, 5000, 'without a header, row 5,000 is record 5,000');
});

t.test('CSV errors and what comes before them', async (t) => {
  const quote = await rejectionOf(() => run('SELECT _1 FROM archive', 'a\nb"c\nd\n'));
  t.equal(quote.code, 'CSVUnescapedQuote');
  t.equal(quote.record, 2);
  const closing = await rejectionOf(() => run('SELECT _1 FROM archive', 'a\n"b"c\n'));
  t.equal(closing.code, 'CSVUnescapedQuote');
  const open = await rejectionOf(() => run('SELECT _1 FROM archive', 'a\n"b\n'));
  t.equal(open.code, 'CSVParsingError');

  // Output already produced before the bad record is delivered, then the stream fails.
  const query = compileSelect(selectParameters('SELECT _1 FROM archive'));
  const stream = query.stream();
  const received: string[] = [];
  const failure = pipeline(Readable.from([Buffer.from('a\nb\nc"d\ne\n')]), stream, new Writable({
    write(chunk, _encoding, callback) {
      received.push(String(chunk));
      callback();
    },
  }));
  await t.rejects(failure, { code: 'CSVUnescapedQuote', record: 3 });
  t.equal(received.join(''), 'a\nb\n');
  t.same(stream.stats.recordsIn, 2);
});

t.test('backpressure: a reader that stops, stops the input', async (t) => {
  const query = compileSelect(selectParameters('SELECT * FROM archive'));
  const block = Buffer.from(`${'x'.repeat(60)},${'y'.repeat(60)}\n`.repeat(64));
  const blocks = 500;
  let pulled = 0;
  const source = new Readable({
    read() {
      this.push(pulled < blocks * block.length ? block : null);
      pulled += block.length;
    },
  });
  const stream = query.stream();
  source.pipe(stream);
  // Nobody reads the output: the source must soon stop being asked for data.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stalled = pulled;
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(pulled, stalled, 'no more input is read while the output waits');
  t.ok(stalled < 1_048_576, `only ${stalled} of ${blocks * block.length} bytes were pulled`);
  // Reading the output lets the rest through, unchanged.
  let out = 0;
  stream.on('data', (chunk: Buffer) => (out += chunk.length));
  await new Promise((resolve) => stream.on('end', resolve));
  t.equal(out, blocks * block.length);
});
