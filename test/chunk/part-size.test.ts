import t from 'tap';
import { AUTO_PART_SIZE_FLOOR, choosePartSize, DEFAULT_PIPE_PART_SIZE, parsePartSize, parseSizeHint } from '../../src/chunk/part-size.js';
import { UsageError } from '../../src/errors.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

t.test('--part-size values', async (t) => {
  t.equal(parsePartSize('64MiB'), 64 * MiB);
  t.equal(parsePartSize('1GiB'), GiB);
  t.equal(parsePartSize('4194304'), 4 * MiB);
  t.equal(parsePartSize('1M'), MiB);
  t.equal(parsePartSize('4GiB'), 4 * GiB);
  t.equal(parsePartSize('AUTO'), 'auto');
  for (const bad of ['3MiB', '512KiB', '8GiB', '1MB', '1.5MiB', 'lots', '', '-1']) {
    t.throws(() => parsePartSize(bad), new UsageError(`--part-size ${bad}: must be a power of two from 1MiB to 4GiB (for example 64MiB, 1GiB, 4194304) or auto`), bad);
  }
  t.equal(parseSizeHint('2TB'), 2e12);
  t.throws(() => parseSizeHint('0'), UsageError);
});

t.test('auto: the smallest size within 10,000 parts, never below the floor', async (t) => {
  t.equal(choosePartSize('auto', 1, 'f'), AUTO_PART_SIZE_FLOOR, 'a tiny file gets the floor');
  t.equal(choosePartSize('auto', 10000 * AUTO_PART_SIZE_FLOOR, 'f'), AUTO_PART_SIZE_FLOOR, 'exactly 10,000 parts of the floor');
  t.equal(choosePartSize('auto', 10000 * AUTO_PART_SIZE_FLOOR + 1, 'f'), 2 * AUTO_PART_SIZE_FLOOR);
  t.equal(choosePartSize('auto', 4 * 1024 * GiB, 'f'), 512 * MiB, '4 TiB');
  t.equal(choosePartSize('auto', 40000 * GiB, 'f'), 4 * GiB, 'the largest archive');
  t.throws(() => choosePartSize('auto', 40000 * GiB + 1, 'f'), new UsageError("f: 39.1 TiB is more than Glacier's largest archive (10000 parts of 4 GiB)"));
  t.equal(choosePartSize('auto', undefined, 'stdin'), DEFAULT_PIPE_PART_SIZE, 'a pipe with no hint');
});

t.test('an explicit size too small for a known size or hint fails now', async (t) => {
  t.equal(choosePartSize(MiB, 10000 * MiB, 'f'), MiB);
  t.throws(() => choosePartSize(MiB, 10000 * MiB + 1, 'stdin'), new UsageError('stdin: 9.8 GiB needs 10001 parts of 1 MiB; Glacier allows 10000: use a part size of 2 MiB or more'));
  t.equal(choosePartSize(MiB, undefined, 'stdin'), MiB, 'no size, no check');
});
