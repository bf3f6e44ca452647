// The JSON inventory parser: every entry, whatever the chunking; clear errors for what is not an
// inventory; a million archives in constant memory.

import t from 'tap';
import { InventoryError } from '../../src/inventory/inventory-entry.js';
import { JsonInventoryParser, jsonInventoryEntries, MAX_ELEMENT_BYTES } from '../../src/inventory/json-inventory.js';
import { generatedArchive, jsonInventoryStream, liveHeap } from './inventory-helpers.js';

const HASH = 'ab'.repeat(32);

function entryOf(n: number) {
  const a = generatedArchive(n);
  return { archiveId: a.ArchiveId, description: a.ArchiveDescription, created: a.CreationDate, size: a.Size, treeHash: a.SHA256TreeHash };
}

async function parse(chunks: (string | Buffer)[]) {
  const entries = [];
  for await (const entry of jsonInventoryEntries(chunks.map((c) => Buffer.from(c)))) entries.push(entry);
  return entries;
}

t.test('every split point of a small inventory gives the same entries', async (t) => {
  // Pretty-printed, with strings holding braces, brackets, escaped quotes, backslashes and UTF-8.
  const list = [0, 1, 2, 3, 4, 5, 6, 7].map(generatedArchive);
  list[1].ArchiveDescription = 'tricky }]{[ ,: \\"';
  list[2].ArchiveDescription = 'naïve ☃';
  const document = Buffer.from(JSON.stringify({ VaultARN: 'arn:x', InventoryDate: '2026-01-01T00:00:00Z', ArchiveList: list, Extra: { nested: [1, { a: '}' }] } }, null, 2));
  const expected = list.map((a) => ({ archiveId: a.ArchiveId, description: a.ArchiveDescription, created: a.CreationDate, size: a.Size, treeHash: a.SHA256TreeHash }));
  for (let at = 0; at <= document.length; at++) {
    const entries = await parse([document.subarray(0, at), document.subarray(at)]);
    if (JSON.stringify(entries) !== JSON.stringify(expected)) {
      t.same(entries, expected, `split at byte ${at}`);
      return;
    }
  }
  t.pass(`all ${document.length + 1} two-chunk splits agree`);
  const byteByByte = await parse([...document].map((byte) => Buffer.from([byte])));
  t.same(byteByByte, expected, 'one byte at a time');
  const parser = new JsonInventoryParser();
  parser.push(document);
  parser.end();
  t.same(parser.header, { VaultARN: 'arn:x', InventoryDate: '2026-01-01T00:00:00Z', Extra: { nested: [1, { a: '}' }] } }, 'top-level members other than ArchiveList are kept');
  t.equal(parser.count, 8);
});

t.test('an empty vault, and members in any order', async (t) => {
  t.same(await parse(['{"VaultARN":"a","InventoryDate":"b","ArchiveList":[]}']), []);
  t.same(await parse([' \n{ "ArchiveList" : [ ] , "VaultARN" : "a" }\n ']), []);
  const one = { ArchiveId: 'id', ArchiveDescription: null, CreationDate: '2020-01-01T00:00:00Z', Size: 1, SHA256TreeHash: HASH.toUpperCase() };
  t.same(await parse([JSON.stringify({ ArchiveList: [one] })]), [{ archiveId: 'id', description: '', created: '2020-01-01T00:00:00Z', size: 1, treeHash: HASH }], 'a null description is empty; the hash in lower case');
});

t.test('what is not an inventory is one clear error', async (t) => {
  const good = JSON.stringify(generatedArchive(1));
  const cases: [string, RegExp][] = [
    ['', /byte 0: the inventory ends before its closing brace/],
    [`{"ArchiveList":[${good},${good}`, /the inventory ends before its closing brace \(truncated\?\)/],
    ['[1,2]', /byte 0: "\[" where the opening \{ of an inventory should be/],
    ['{"VaultARN":"a"}', /no ArchiveList/],
    ['{"ArchiveList":{}}', /ArchiveList is not a list/],
    ['{"ArchiveList":[1]}', /ArchiveList entry 1: not an object/],
    [`{"ArchiveList":[${good} ${good}]}`, /"\{" where , or \] in ArchiveList should be/],
    [`{"ArchiveList":[${good},]}`, /not valid JSON/],
    [`{"ArchiveList":[]} x`, /"x" where nothing after the inventory should be/],
    [`{"ArchiveList":[{"ArchiveId":"a","CreationDate":"2020-01-01T00:00:00Z","Size":-1,"SHA256TreeHash":"${HASH}"}]}`, /entry 1: Size is -1/],
    [`{"ArchiveList":[${good},{"ArchiveId":"a","CreationDate":"2020-01-01T00:00:00Z","Size":1,"SHA256TreeHash":"nope"}]}`, /entry 2: SHA256TreeHash is "nope"/],
    [`{"ArchiveList":[{"ArchiveId":"","CreationDate":"x","Size":1,"SHA256TreeHash":"${HASH}"}]}`, /entry 1: ArchiveId is ""/],
    [`{"ArchiveList":[{"ArchiveId":"a","CreationDate":"yesterday","Size":1,"SHA256TreeHash":"${HASH}"}]}`, /entry 1: CreationDate is "yesterday"/],
    [`{"ArchiveList":["${'x'.repeat(MAX_ELEMENT_BYTES)}"]}`, /a value longer than 1048576 bytes/],
  ];
  for (const [text, message] of cases) {
    await t.rejects(parse([text]), message, JSON.stringify(text.slice(0, 60)));
    await t.rejects(parse([text]), InventoryError);
  }
});

t.test('300,000 archives stream through in constant memory', async (t) => {
  const count = 300_000;
  const baseline = liveHeap();
  let peak = 0;
  let n = 0;
  let mismatches = 0;
  for await (const entry of jsonInventoryEntries(jsonInventoryStream(count))) {
    // Every entry in its place; every 997th compared field by field.
    if (n % 997 === 0 ? JSON.stringify(entry) !== JSON.stringify(entryOf(n)) : entry.size !== 1 + (n % 5_000_000)) mismatches++;
    n++;
    if (n % 60_000 === 0) peak = Math.max(peak, liveHeap() - baseline);
  }
  t.equal(n, count, 'every archive came out');
  t.equal(mismatches, 0, 'each entry is the archive generated at its place');
  // The inventory is about 90 MB of JSON; holding it, or its entries, would take hundreds of MiB.
  t.ok(peak < 16 * 1024 * 1024, `the live heap grew by at most ${(peak / 2 ** 20).toFixed(1)} MiB while parsing`);
});
