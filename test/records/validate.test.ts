// One validator per record type: each names the field and what it should be.

import t from 'tap';
import { descriptionProblem, partSizeProblem, smallestPartSizeFor, tooManyPartsProblem } from '../../src/records/limits.js';
import { recordProblem } from '../../src/records/validate.js';

const GOOD = {
  upload: { type: 'upload', v: 1, name: 'x.tar', description: 'x.tar', partSize: 1048576, size: null },
  part: { type: 'part', index: 0, start: 0, size: 10, file: '/x.tar', treeHash: 'a'.repeat(64), sha256: 'b'.repeat(64) },
  data: { type: 'data', part: 0, offset: 0, data: 'QUJD' },
  end: { type: 'end', size: 10, parts: 1, treeHash: 'c'.repeat(64) },
  archive: { type: 'archive', v: 1, vault: 'photos', archiveId: 'abc', treeHash: 'd'.repeat(64), size: 10, description: '', name: '-', created: '2026-11-22T10:00:00.000Z' },
  job: { type: 'job', v: 1, vault: 'photos', jobId: 'j', action: 'select', archiveId: 'abc', created: '2026-11-22T10:00:00.000Z', output: { bucket: 'b', prefix: 'p', path: 'p/j/' } },
  unknown: { type: 'note', anything: [1] },
};

t.test('good records pass', async (t) => {
  for (const [name, record] of Object.entries(GOOD)) t.equal(recordProblem(record), undefined, name);
  t.equal(recordProblem({ ...GOOD.job, action: 'inventory-retrieval', archiveId: undefined, output: undefined, format: 'CSV' }), undefined, 'an inventory job');
});

t.test('bad records say what is wrong', async (t) => {
  const cases: [object, string][] = [
    [{ ...GOOD.upload, v: undefined }, 'upload record without "v"'],
    [{ ...GOOD.upload, name: '' }, 'upload "name" is "", not a non-empty string'],
    [{ ...GOOD.upload, partSize: 3 * 1048576 }, 'upload: part size 3145728 is not a power of two from 1 MiB (1048576) to 4 GiB (4294967296)'],
    [{ ...GOOD.upload, partSize: 8 * 1024 ** 3 }, 'upload: part size 8589934592 is not a power of two from 1 MiB (1048576) to 4 GiB (4294967296)'],
    [{ ...GOOD.upload, description: 'caf\u00e9' }, 'upload: the description has U+00E9 at character 4; Glacier allows printable ASCII only (0x20-0x7E)'],
    [{ ...GOOD.upload, size: 0 }, 'upload "size" is 0, not null or a byte count of at least 1'],
    [{ ...GOOD.upload, size: 10001 * 1048576 }, 'upload: 9.8 GiB needs 10001 parts of 1 MiB; Glacier allows 10000: use a part size of 2 MiB or more'],
    [{ ...GOOD.part, index: 10000 }, 'part "index" is 10000, not a part index from 0 to 9999'],
    [{ ...GOOD.part, size: 1.5 }, 'part "size" is 1.5, not a byte count of at least 1'],
    [{ ...GOOD.part, treeHash: 'A'.repeat(64) }, `part "treeHash" is "${'A'.repeat(36)}..., not 64 lower-case hex digits`],
    [{ ...GOOD.part, start: undefined }, 'part record without "start"'],
    [{ ...GOOD.data, data: 5 }, 'data "data" is 5, not a base64 string'],
    [{ ...GOOD.end, parts: 0 }, 'end "parts" is 0, not a part count from 1 to 10000'],
    [{ ...GOOD.archive, vault: 'a/b' }, 'archive "vault" is "a/b", not a vault name (1-255 of A-Z a-z 0-9 _ - .)'],
    [{ ...GOOD.archive, created: 'yesterday' }, 'archive "created" is "yesterday", not an ISO 8601 time'],
    [{ ...GOOD.job, action: 'retrieve' }, 'job "action" is "retrieve", not select, archive-retrieval, inventory-retrieval'],
    [{ ...GOOD.job, output: undefined }, 'a select job record needs "output"'],
    [{ ...GOOD.job, archiveId: undefined }, 'a select job record needs "archiveId"'],
    [{ ...GOOD.job, range: { start: 5, end: 4 } }, 'job "range" is {"start":5,"end":4}, not an object with start <= end byte offsets'],
  ];
  for (const [record, message] of cases) t.equal(recordProblem(JSON.parse(JSON.stringify(record))), message, message);
});

t.test('Glacier limits', async (t) => {
  for (let n = 0; n <= 12; n++) t.equal(partSizeProblem(1048576 * 2 ** n), undefined, `${2 ** n} MiB`);
  for (const bad of [0, 1048575, 1048577, 3 * 1048576, 2 ** 33, 1.5 * 1048576]) t.ok(partSizeProblem(bad), `${bad} refused`);
  t.equal(descriptionProblem('x'.repeat(1024)), undefined, '1,024 bytes');
  t.equal(descriptionProblem('x'.repeat(1025)), 'the description is 1025 bytes; Glacier allows 1024');
  t.equal(descriptionProblem('tab\there'), 'the description has U+0009 at character 4; Glacier allows printable ASCII only (0x20-0x7E)');
  t.equal(descriptionProblem(' lead'), 'the description starts with a space, which Glacier would strip');
  t.equal(descriptionProblem(''), undefined, 'empty is allowed');
  // boto2's minimum_part_size cases, with the 1 MiB floor: 8 MiB x 10,000 fits 1 MiB parts exactly ten-fold...
  t.equal(smallestPartSizeFor(8 * 1048576 * 10000), 8 * 1048576);
  t.equal(smallestPartSizeFor(4 * 1024 ** 4), 512 * 1048576, '4 TiB needs 512 MiB parts');
  t.equal(smallestPartSizeFor(40000 * 1024 ** 3 + 1), undefined, 'over 40,000 GiB fits no part size');
  t.equal(tooManyPartsProblem(10000 * 1048576, 1048576), undefined, 'exactly 10,000 parts');
});
