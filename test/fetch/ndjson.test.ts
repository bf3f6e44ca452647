import t from 'tap';
import { csvToNdjson, fieldNames } from '../../src/fetch/ndjson.js';
import { parseManifest } from '../../src/fetch/manifest.js';
import { resultParseOptions, DEFAULT_CSV_OUTPUT } from '../../src/select/index.js';

async function ndjson(pieces: string[], columns?: string[], output = DEFAULT_CSV_OUTPUT): Promise<unknown[]> {
  async function* input(): AsyncGenerator<Buffer> {
    for (const piece of pieces) yield Buffer.from(piece);
  }
  let text = '';
  for await (const chunk of csvToNdjson(input(), resultParseOptions(output), columns)) text += chunk.toString();
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

t.test('fieldNames: known names, _N past them, a repeated name gives way to its position', async (t) => {
  t.same(fieldNames(['a', 'b'], 3), ['a', 'b', '_3']);
  t.same(fieldNames(undefined, 2), ['_1', '_2']);
  t.same(fieldNames(['a', 'a', '_2'], 3), ['a', '_2', '_3']);
  t.same(fieldNames(['x', 'y', 'z'], 2), ['x', 'y']);
});

t.test('rows become objects, whatever the chunk boundaries', async (t) => {
  const csv = 'ann,"a, b"\nbob,"two\nlines"\n"say ""hi""",\n';
  const expected = [
    { name: 'ann', note: 'a, b' },
    { name: 'bob', note: 'two\nlines' },
    { name: 'say "hi"', note: '' },
  ];
  t.same(await ndjson([csv], ['name', 'note']), expected);
  t.same(await ndjson(csv.split(''), ['name', 'note']), expected, 'one character at a time');
  t.same(await ndjson(['a,b,c\nd\n']), [{ _1: 'a', _2: 'b', _3: 'c' }, { _1: 'd' }], 'records of different widths');
});

t.test("the job's own output serialization is read back", async (t) => {
  const output = { ...DEFAULT_CSV_OUTPUT, fieldDelimiter: ';', recordDelimiter: '\r', quoteCharacter: "'", quoteEscapeCharacter: '\\' };
  t.same(await ndjson(["'a;1';x\r'it\\'s';y\r"], ['k', 'v'], output), [
    { k: 'a;1', v: 'x' },
    { k: "it's", v: 'y' },
  ]);
});

t.test('manifests: one s3:// URI per line; anything else is named', async (t) => {
  t.same(parseManifest('s3://b/p/J/results/part-00000.csv\r\n\ns3://b/p/J/results/with space\n', 'm'), [
    { bucket: 'b', key: 'p/J/results/part-00000.csv' },
    { bucket: 'b', key: 'p/J/results/with space' },
  ]);
  t.same(parseManifest('', 'm'), []);
  t.throws(() => parseManifest('s3://b/k\nhttps://x/y\n', 's3://b/p/result_manifest.txt'), { message: /^s3:\/\/b\/p\/result_manifest.txt:2: not an s3:\/\/BUCKET\/KEY line: "https:\/\/x\/y"$/ });
});
