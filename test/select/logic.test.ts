// Three-valued logic, comparisons, BETWEEN, IN and IS over NULL and MISSING.

import t from 'tap';
import { errorOf, keeps, value } from './helpers.js';

const B = ['TRUE', 'FALSE', 'NULL'] as const;
const truth = { TRUE: true, FALSE: false, NULL: null } as const;

function and(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

const text = (v: boolean | null) => (v === null ? null : String(v));

t.test('AND, OR and NOT truth tables (SQL three-valued logic)', async (t) => {
  for (const a of B) {
    t.equal(value(`NOT ${a}`), text(truth[a] === null ? null : !truth[a]), `NOT ${a}`);
    for (const b of B) {
      t.equal(value(`${a} AND ${b}`), text(and(truth[a], truth[b])), `${a} AND ${b}`);
      t.equal(value(`${a} OR ${b}`), text(or(truth[a], truth[b])), `${a} OR ${b}`);
    }
  }
});

t.test('WHERE keeps a record only when the condition is TRUE', async (t) => {
  t.ok(keeps('TRUE'));
  t.notOk(keeps('FALSE'));
  t.notOk(keeps('NULL = NULL'), 'NULL is not TRUE');
  t.notOk(keeps('NOT (NULL = NULL)'), 'nor is NOT NULL');
  t.ok(keeps("_3 IS MISSING OR _1 = 'a'", ['a', 'b']));
  t.notOk(keeps("_3 = 'x'", ['a']), 'a missing field compares as unknown');
  t.notOk(keeps("_3 <> 'x'", ['a']), 'in both directions');
  t.ok(keeps("_3 IS NULL AND _3 IS MISSING AND _1 IS NOT NULL AND _1 IS NOT MISSING", ['a']));
  t.notOk(keeps('NULL IS MISSING'), 'NULL is not MISSING');
  t.ok(keeps('MISSING IS NULL'), 'but MISSING IS NULL');
});

t.test('comparisons', async (t) => {
  const table: [string, string | null][] = [
    ["'a' < 'b'", 'true'],
    ["'B' < 'a'", 'true'],
    ["'abc' <= 'abc'", 'true'],
    ["'é' > 'z'", 'true'],
    ["'\uffff' < '😀'", 'true'],
    ["'😀' > 'm'", 'true'],
    ['1 <> 2', 'true'],
    ['1 != 1', 'false'],
    ['1 = 1.0', 'true'],
    ['1 < 1.5e0', 'true'],
    ['2.50 = 2.5', 'true'],
    ['9223372036854775807 > 9223372036854775806.5', 'true'],
    ["1 = '1'", 'false'],
    ["1 <> '1'", 'true'],
    ['TRUE > FALSE', 'true'],
    ['`2010-01-01T00:00+01:00` < `2010-01-01T00:00Z`', 'true'],
    ['`2010T` = `2010-01-01T00:00:00.000Z`', 'true'],
    ['NULL < 1', null],
    ['[1, 2] = [1, 2]', 'true'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(errorOf(() => value("TRUE < 'a'")).code, 'InvalidDataType');
  t.equal(errorOf(() => value('[1] < [2]')).code, 'InvalidDataType');
  t.equal(
    errorOf(() => value("CASE WHEN _1 = 'n' THEN 1 ELSE 'x' END < 2", ['s'])).code,
    'InvalidDataType',
    'a mixed static type is checked per record',
  );
  t.equal(value("CASE WHEN _1 = 'n' THEN 1 ELSE 'x' END < 2", ['n']), 'true');
});

t.test('BETWEEN and IN', async (t) => {
  const table: [string, string | null][] = [
    ['2 BETWEEN 1 AND 3', 'true'],
    ['1 BETWEEN 1 AND 3', 'true'],
    ['3 BETWEEN 1 AND 3', 'true'],
    ['4 BETWEEN 1 AND 3', 'false'],
    ['4 NOT BETWEEN 1 AND 3', 'true'],
    ['2 BETWEEN 3 AND 1', 'false'],
    ["'b' BETWEEN 'a' AND 'c'", 'true'],
    ['2 BETWEEN NULL AND 3', null],
    ['5 BETWEEN NULL AND 3', 'false'],
    ["'b' IN ('a', 'b', 'c')", 'true'],
    ["'d' IN ('a', 'b', 'c')", 'false'],
    ["'d' NOT IN ('a', 'b', 'c')", 'true'],
    ["'d' IN ('a', NULL)", null],
    ["'a' IN ('a', NULL)", 'true'],
    ["'d' NOT IN ('a', NULL)", null],
    ['NULL IN (1)', null],
    ["1 IN ('1', 1.0)", 'true'],
    ['1 IN [2, 1]', 'true'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.ok(keeps('CAST(_1 AS INT) BETWEEN 10 AND 20 AND _2 IN (\'x\', \'y\')', ['15', 'y']));
});
