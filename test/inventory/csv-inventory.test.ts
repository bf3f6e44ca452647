// The CSV inventory: Glacier's quoting rule (a \" inside quotes, backslashes not escaped), read
// through csv-parse; the header row; errors; many archives in constant memory.

import t from 'tap';
import { csvInventoryEntries, csvInventoryRow, unquoteGlacierField } from '../../src/inventory/csv-inventory.js';
import { InventoryError } from '../../src/inventory/inventory-entry.js';
import { csvInventoryStream, generatedArchive, glacierCsvQuote, liveHeap } from './inventory-helpers.js';

const HASH = 'cd'.repeat(32);
const HEADER = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n';

async function parse(chunks: (string | Buffer)[]) {
  const entries = [];
  for await (const entry of csvInventoryEntries(chunks.map((c) => Buffer.from(c)))) entries.push(entry);
  return entries;
}

t.test("Glacier's quoting rule, the documented cases and the awkward ones", async (t) => {
  // §2.16: d,1"2 is written "d,1\"2"; d,1\"2 is written "d,1\\"2".
  t.equal(unquoteGlacierField('"d,1\\"2"'), 'd,1"2');
  t.equal(unquoteGlacierField('"d,1\\\\"2"'), 'd,1\\"2');
  const descriptions = ['d,1"2', 'd,1\\"2', 'ends in a backslash\\', '\\', '"', '""', ',', 'a\\b\\\\c', '\\"\\"', 'plain', ''];
  for (const description of descriptions) {
    const line = `id-${description.length},${glacierCsvQuote(description)},2020-01-01T00:00:00Z,3,${HASH}\n`;
    const [entry] = await parse([HEADER, line]);
    t.equal(entry.description, description, `${JSON.stringify(description)} written as ${glacierCsvQuote(description)}`);
  }
  t.same(csvInventoryRow(['x', 'bare description', '2020-01-01T00:00:00Z', '7', HASH.toUpperCase()], 2), {
    archiveId: 'x',
    description: 'bare description',
    created: '2020-01-01T00:00:00Z',
    size: 7,
    treeHash: HASH,
  }, 'an unquoted field is taken as it is');
});

t.test('every split point gives the same entries; CRLF lines; no header row', async (t) => {
  const rows = [1, 2, 3, 4, 5, 6, 7].map(generatedArchive);
  const text = HEADER + rows.map((a) => `${a.ArchiveId},${glacierCsvQuote(a.ArchiveDescription)},${a.CreationDate},${a.Size},${a.SHA256TreeHash}`).join('\n') + '\n';
  const expected = rows.map((a) => ({ archiveId: a.ArchiveId, description: a.ArchiveDescription, created: a.CreationDate, size: a.Size, treeHash: a.SHA256TreeHash }));
  const bytes = Buffer.from(text);
  for (let at = 0; at <= bytes.length; at += 7) {
    const entries = await parse([bytes.subarray(0, at), bytes.subarray(at)]);
    if (JSON.stringify(entries) !== JSON.stringify(expected)) {
      t.same(entries, expected, `split at byte ${at}`);
      return;
    }
  }
  t.pass('every split agrees');
  t.same(await parse([text.replace(/\n/g, '\r\n')]), expected, 'CRLF line ends');
  t.same(await parse([text.slice(HEADER.length)]), expected, 'without the header row');
  t.same(await parse([HEADER]), [], 'an empty vault: the header alone');
  t.same(await parse([`${HEADER}\n\n`]), [], 'blank lines are nothing');
});

t.test('what is not an inventory line is one clear error naming the line', async (t) => {
  const cases: [string, RegExp][] = [
    [`${HEADER}a,b,c\n`, /CSV inventory, line 2: 3 field\(s\); an inventory line has 5/],
    [`${HEADER}a,"d",2020-01-01T00:00:00Z,many,${HASH}\n`, /line 2: Size is "many"/],
    [`${HEADER}a,"d",2020-01-01T00:00:00Z,1,abc\n`, /line 2: SHA256TreeHash is "abc"/],
    [`${HEADER}a,"d",2020-01-01T00:00:00Z,1,${HASH}\n${HEADER}`, /line 3: a header row .* where an archive should be/],
    [`ArchiveId,Description,Date,Size,Hash\n`, /line 1: a header row .* where ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash should be/],
  ];
  for (const [text, message] of cases) {
    await t.rejects(parse([text]), message);
    await t.rejects(parse([text]), InventoryError);
  }
});

// csv-parse reads about 12 MiB/s here (JSON: about 70); 300,000 archives (75 MB of CSV) are enough
// to show a flat heap without slowing the suite.
t.test('300,000 archives stream through csv-parse in constant memory', async (t) => {
  const count = 300_000;
  const baseline = liveHeap();
  let peak = 0;
  let n = 0;
  let mismatches = 0;
  for await (const entry of csvInventoryEntries(csvInventoryStream(count))) {
    const expected = generatedArchive(n);
    if (entry.archiveId !== expected.ArchiveId || entry.description !== expected.ArchiveDescription || entry.size !== expected.Size) mismatches++;
    n++;
    if (n % 60_000 === 0) peak = Math.max(peak, liveHeap() - baseline);
  }
  t.equal(n, count, 'every archive came out');
  t.equal(mismatches, 0, 'each entry is the archive generated at its place, descriptions with commas, quotes and backslashes included');
  t.ok(peak < 16 * 1024 * 1024, `the live heap grew by at most ${(peak / 2 ** 20).toFixed(1)} MiB while parsing`);
});
