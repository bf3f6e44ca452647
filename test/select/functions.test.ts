// Every documented example of glacier-api.md §8.4–§8.5, evaluated by the engine.

import t from 'tap';
import { errorOf, NOW, value } from './helpers.js';

t.test('LIKE vectors (§8.4)', async (t) => {
  const vectors: [string, string, string | undefined, boolean][] = [
    ['abcd', 'abc_', undefined, true],
    ['abcd', '_b_d', undefined, true],
    ['abcd', '%____', undefined, true],
    ['abcd', '_____', undefined, false],
    ['', '%', undefined, true],
    ['', '_', undefined, false],
    ['a%%d', 'a\\%\\%d', '\\', true],
    ['a%%d', 'a\\%d', '\\', false],
    ['a%__%\\', 'a?%?_?_?%\\', '?', true],
  ];
  for (const [text, pattern, escape, expected] of vectors) {
    const sql = `'${text}' LIKE '${pattern}'${escape ? ` ESCAPE '${escape}'` : ''}`;
    t.equal(value(sql), String(expected), sql);
    t.equal(value(sql.replace(' LIKE ', ' NOT LIKE ')), String(!expected), `NOT: ${sql}`);
  }
  t.equal(value("'Abc' LIKE 'a%'"), 'false', 'LIKE is case-sensitive');
  t.equal(value("'line1\nline2' LIKE 'line1%2'"), 'true', '% spans new lines');
  t.equal(value("'😀x' LIKE '_x'"), 'true', '_ is one character, not one UTF-16 unit');
  t.equal(value("'a.c' LIKE 'a.c'"), 'true');
  t.equal(value("'abc' LIKE 'a.c'"), 'false', 'regular expression characters are literal');
  t.equal(value("'x(y' LIKE '%(%'"), 'true');
  t.equal(value('_1 LIKE _2', ['abc', 'a%']), 'true', 'a pattern from the data');
  t.equal(errorOf(() => value("'a' LIKE 'a!' ESCAPE '!'")).code, 'EvaluatorLikePatternInvalidEscapeSequence');
  t.equal(errorOf(() => value("'a' LIKE 'a' ESCAPE '!!'")).code, 'EvaluatorLikePatternInvalidEscapeSequence');
});

t.test('SUBSTRING (§8.5)', async (t) => {
  const table: [string, string][] = [
    ["SUBSTRING('123456789', 0)", '123456789'],
    ["SUBSTRING('123456789', 1)", '123456789'],
    ["SUBSTRING('123456789', 2)", '23456789'],
    ["SUBSTRING('123456789', -4)", '123456789'],
    ["SUBSTRING('123456789', 0, 999)", '123456789'],
    ["SUBSTRING('123456789', 1, 5)", '12345'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value("SUBSTRING('123456789' FROM 2 FOR 3)"), '234', 'FROM … FOR form');
  t.equal(value("SUBSTRING('123456789' FROM 7)"), '789', 'FROM form');
  t.equal(value("SUBSTRING('123456789', -1, 3)"), '1', 'start below 1 shortens the length');
  t.equal(value("SUBSTRING('123456789', -4, 3)"), '', 'nothing left');
  t.equal(value("SUBSTRING('123456789', 3, 0)"), '');
  t.equal(value("SUBSTRING('123456789', 3, -2)"), '');
  t.equal(value("SUBSTRING('é😀ab', 2, 2)"), '😀a', 'positions count characters');
  t.equal(value('SUBSTRING(NULL, 1)'), null);
  t.equal(errorOf(() => value("SUBSTRING('abc', '1')")).code, 'IncorrectSqlFunctionArgumentType');
});

t.test('TRIM (§8.5)', async (t) => {
  const table: [string, string][] = [
    ["TRIM('   foobar   ')", 'foobar'],
    ["TRIM('  \tfoobar\t  ')", '\tfoobar\t'],
    ["TRIM(LEADING FROM '   foobar   ')", 'foobar   '],
    ["TRIM(TRAILING FROM '   foobar   ')", '   foobar'],
    ["TRIM(BOTH FROM '   foobar   ')", 'foobar'],
    ["TRIM(BOTH '12' FROM '1112211foobar22211122')", 'foobar'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value("TRIM('xy' FROM 'xxfooyx')"), 'foo', 'characters without a side trim both sides');
  t.equal(value("TRIM(LEADING 'x' FROM 'xxfoox')"), 'foox');
});

t.test('CHAR_LENGTH, CHARACTER_LENGTH, LOWER, UPPER (§8.5)', async (t) => {
  t.equal(value("CHAR_LENGTH('')"), '0');
  t.equal(value("CHAR_LENGTH('abcdefg')"), '7');
  t.equal(value("CHARACTER_LENGTH('abcdefg')"), '7');
  t.equal(value("CHAR_LENGTH('é😀')"), '2', 'characters, not bytes or UTF-16 units');
  t.equal(value("LOWER('AbCdEfG!@#$')"), 'abcdefg!@#$');
  t.equal(value("UPPER('AbCdEfG!@#$')"), 'ABCDEFG!@#$');
  t.equal(value('UPPER(_1)', ['straße']), 'STRASSE');
  t.equal(errorOf(() => value('LOWER(1)')).code, 'IncorrectSqlFunctionArgumentType');
  t.equal(errorOf(() => value("LOWER('a', 'b')")).code, 'EvaluatorInvalidArguments');
});

t.test('COALESCE and NULLIF tables (§8.5)', async (t) => {
  const table: [string, string | null][] = [
    ['COALESCE(1)', '1'],
    ['COALESCE(null)', null],
    ['COALESCE(null, null)', null],
    ['COALESCE(missing)', null],
    ['COALESCE(missing, missing)', null],
    ['COALESCE(1, null)', '1'],
    ['COALESCE(null, null, 1)', '1'],
    ["COALESCE(null, 'string')", 'string'],
    ['COALESCE(missing, 1)', '1'],
    ['NULLIF(1, 1)', null],
    ['NULLIF(1, 2)', '1'],
    ['NULLIF(1.0, 1)', null],
    ["NULLIF(1, '1')", '1'],
    ['NULLIF([1], [1])', null],
    ['NULLIF(1, NULL)', '1'],
    ['NULLIF(NULL, 1)', null],
    ['NULLIF(null, null)', null],
    ['NULLIF(missing, null)', null],
    ['NULLIF(missing, missing)', null],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value('COALESCE(_5, _1)', ['a']), 'a', 'a field past the end of the record is MISSING');
  t.equal(value('COALESCE(_1, _2)', ['', 'b']), '', 'an empty field is an empty string, not NULL');
});

t.test('CASE, both forms', async (t) => {
  t.equal(value("CASE _1 WHEN 'a' THEN 'first' WHEN 'b' THEN 'second' ELSE 'other' END", ['b']), 'second');
  t.equal(value("CASE _1 WHEN 'a' THEN 'first' END", ['z']), null, 'no ELSE gives NULL');
  t.equal(value("CASE WHEN CAST(_1 AS INT) > 10 THEN 'big' WHEN CAST(_1 AS INT) > 5 THEN 'medium' ELSE 'small' END", ['7']), 'medium');
  t.equal(value("CASE WHEN NULL THEN 'x' ELSE 'y' END"), 'y', 'a NULL condition is not taken');
  t.equal(value("CASE NULL WHEN NULL THEN 'x' ELSE 'y' END"), 'y', 'NULL never equals NULL');
  t.equal(errorOf(() => value("CASE WHEN _1 THEN 'x' END")).code, 'InvalidDataType', 'WHEN needs a condition');
  t.equal(errorOf(() => value('CASE _1 ELSE 1 END')).code, 'ParseExpectedWhenClause');
});

t.test('CAST (§8.3, §8.5)', async (t) => {
  t.equal(value("CAST('2007-04-05T14:30Z' AS TIMESTAMP)"), '2007-04-05T14:30Z');
  t.equal(value('CAST(0.456 AS FLOAT)'), '0.456');
  const table: [string, string | null][] = [
    ["CAST(' 42 ' AS INT)", '42'],
    ["CAST('-9223372036854775808' AS INTEGER)", '-9223372036854775808'],
    ['CAST(3.99 AS INT)', '3'],
    ['CAST(-3.99 AS INT)', '-3'],
    ["CAST('1.50' AS DECIMAL)", '1.50'],
    ["CAST('1.5e2' AS NUMERIC)", '150'],
    ["CAST('2.5' AS DECIMAL(10, 2))", '2.5'],
    ["CAST('1e3' AS FLOAT)", '1000'],
    ["CAST('TRUE' AS BOOL)", 'true'],
    ['CAST(0 AS BOOL)', 'false'],
    ['CAST(TRUE AS INT)', '1'],
    ['CAST(12 AS STRING)', '12'],
    ['CAST(`2010T` AS STRING)', '2010T'],
    ['CAST(NULL AS INT)', null],
    ['CAST(_9 AS INT)', null],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  for (const sql of ["CAST(_1 AS INT)", "CAST(_1 AS FLOAT)", "CAST(_1 AS DECIMAL)", "CAST(_1 AS BOOL)", "CAST(_1 AS TIMESTAMP)"]) {
    t.equal(errorOf(() => value(sql, ['abc'])).code, 'CastFailed', sql);
  }
  t.equal(errorOf(() => value('CAST(_1 AS INT)', ['3.5'])).code, 'CastFailed', 'an int CAST takes whole numbers only');
  t.equal(errorOf(() => value('CAST(_1 AS INT)', ['9223372036854775808'])).code, 'CastFailed', 'beyond 64 bits');
  t.equal(errorOf(() => value('CAST(TRUE AS TIMESTAMP)')).code, 'InvalidCast');
  t.equal(errorOf(() => value('CAST(`2010T` AS INT)')).code, 'InvalidCast');
  t.equal(errorOf(() => value('CAST(_1 AS VARCHAR)')).code, 'InvalidDataType');
});

t.test('DATE_ADD table (§8.5)', async (t) => {
  const table: [string, string][] = [
    ['DATE_ADD(year, 5, `2010-01-01T`)', '2015-01-01'],
    ['DATE_ADD(month, 1, `2010T`)', '2010-02T'],
    ['DATE_ADD(month, 13, `2010T`)', '2011-02T'],
    ['DATE_ADD(day, -1, `2017-01-10T`)', '2017-01-09'],
    ['DATE_ADD(hour, 1, `2017T`)', '2017-01-01T01:00-00:00'],
    ['DATE_ADD(hour, 1, `2017-01-02T03:04Z`)', '2017-01-02T04:04Z'],
    ['DATE_ADD(minute, 1, `2017-01-02T03:04:05.006Z`)', '2017-01-02T03:05:05.006Z'],
    ['DATE_ADD(second, 1, `2017-01-02T03:04:05.006Z`)', '2017-01-02T03:04:06.006Z'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value('DATE_ADD(month, 1, `2016-01-31T`)'), '2016-02-29', 'the day is clamped to the month');
  t.equal(value('DATE_ADD(day, 1, `2016-12-31T23:30+05:00`)'), '2017-01-01T23:30+05:00', 'local fields keep their offset');
  t.equal(value('DATE_ADD(year, 5, TO_TIMESTAMP(_1))', ['2010T']), '2015T');
  t.equal(errorOf(() => value('DATE_ADD(year, 9000, `2010T`)')).code, 'IllegalSqlFunctionArgument');
  t.equal(errorOf(() => value("DATE_ADD(year, 1, '2010T')")).code, 'IncorrectSqlFunctionArgumentType', 'a string is not a timestamp');
  t.equal(errorOf(() => value('DATE_ADD(week, 1, `2010T`)')).code, 'ParseExpectedDatePart');
});

t.test('DATE_DIFF table (§8.5)', async (t) => {
  const table: [string, string][] = [
    ['DATE_DIFF(year, `2010-01-01T`, `2011-01-01T`)', '1'],
    // The doc prints 4 here; 2010-01 to 2010-05 is four months and no whole year (docs/select.md).
    ['DATE_DIFF(year, `2010T`, `2010-05T`)', '0'],
    ['DATE_DIFF(month, `2010T`, `2011T`)', '12'],
    ['DATE_DIFF(month, `2011T`, `2010T`)', '-12'],
    ['DATE_DIFF(day, `2010-01-01T23:00Z`, `2010-01-02T01:00Z`)', '0'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value('DATE_DIFF(month, `2010T`, `2010-05T`)'), '4', 'the doc’s 4 is the month count');
  t.equal(value('DATE_DIFF(year, `2010-03-15T`, `2011-03-14T`)'), '0', 'a day short of a year');
  t.equal(value('DATE_DIFF(hour, `2010-01-01T00:00Z`, `2010-01-01T05:30+05:00`)'), '0', 'offsets count: the same instant');
  t.equal(value('DATE_DIFF(second, `2017-01-02T03:04:05.9Z`, `2017-01-02T03:04:07.1Z`)'), '1', 'whole seconds, fractions included');
});

t.test('EXTRACT table (§8.5)', async (t) => {
  const table: [string, string][] = [
    ['EXTRACT(YEAR FROM `2010-01-01T`)', '2010'],
    ['EXTRACT(MONTH FROM `2010T`)', '1'],
    ['EXTRACT(MONTH FROM `2010-10T`)', '10'],
    ['EXTRACT(HOUR FROM `2017-01-02T03:04:05+07:08`)', '3'],
    ['EXTRACT(MINUTE FROM `2017-01-02T03:04:05+07:08`)', '4'],
    ['EXTRACT(TIMEZONE_HOUR FROM `2017-01-02T03:04:05+07:08`)', '7'],
    ['EXTRACT(TIMEZONE_MINUTE FROM `2017-01-02T03:04:05+07:08`)', '8'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  t.equal(value('EXTRACT(TIMEZONE_MINUTE FROM `2017-01-02T03:04:05-08:30`)'), '-30');
  t.equal(value('EXTRACT(SECOND FROM `2017-01-02T03:04:05.75Z`)'), '5', 'whole seconds');
});

t.test('TO_STRING table (§8.5)', async (t) => {
  const moon = '`1969-07-20T20:18Z`';
  const table: [string, string][] = [
    [`TO_STRING(${moon}, 'MMMM d, y')`, 'July 20, 1969'],
    [`TO_STRING(${moon}, 'MMM d, yyyy')`, 'Jul 20, 1969'],
    [`TO_STRING(${moon}, 'M-d-yy')`, '7-20-69'],
    [`TO_STRING(${moon}, 'MM-d-y')`, '07-20-1969'],
    [`TO_STRING(${moon}, 'MMMM d, y h:m a')`, 'July 20, 1969 8:18 PM'],
    [`TO_STRING(${moon}, 'y-MM-dd''T''H:m:ssX')`, '1969-07-20T20:18:00Z'],
    ["TO_STRING(`1969-07-20T20:18+08:00`, 'y-MM-dd''T''H:m:ssXXXX')", '1969-07-20T20:18:00+0800'],
    ["TO_STRING(`1969-07-20T20:18+08:00`, 'y-MM-dd''T''H:m:ssXXXXX')", '1969-07-20T20:18:00+08:00'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql), expected, sql);
  // The doc's `1969-07-20T20:18+08:00Z` has two offsets; it is not a timestamp (docs/select.md).
  t.equal(errorOf(() => value("TO_STRING(`1969-07-20T20:18+08:00Z`, 'y-MM-dd''T''H:m:ssX')")).code, 'LexerInvalidIONLiteral');
  t.equal(value("TO_STRING(`2017-01-02T03:04:05.006-08:30`, 'x xx xxx X HH:mm:ss.SSS n')"), '-0830 -0830 -08:30 -0830 03:04:05.006 6000000');
  t.equal(errorOf(() => value(`TO_STRING(${moon}, 'QQ')`)).code, 'EvaluatorInvalidTimestampFormatPatternSymbol');
  t.equal(errorOf(() => value(`TO_STRING(${moon}, 'y ''open')`)).code, 'EvaluatorUnterminatedTimestampFormatPatternToken');
  t.equal(errorOf(() => value('TO_STRING(_1, _2)', ['x', 'y'])).code, 'IncorrectSqlFunctionArgumentType');
});

t.test('TO_TIMESTAMP and UTCNOW (§8.5)', async (t) => {
  t.equal(value("TO_TIMESTAMP('2007T')"), '2007T');
  t.equal(value("TO_TIMESTAMP('2007-02-23T12:14:33.079-08:00')"), '2007-02-23T12:14:33.079-08:00');
  t.equal(value('TO_TIMESTAMP(_1)', ['2007-02-23']), '2007-02-23');
  t.equal(errorOf(() => value('TO_TIMESTAMP(_1)', ['2007-02-30'])).code, 'ValueParseFailure');
  t.equal(errorOf(() => value('TO_TIMESTAMP(_1)', ['2007-02-23T12:14'])).code, 'ValueParseFailure', 'a time needs an offset');
  t.equal(value('UTCNOW()'), NOW.toString());
  t.match(value('UTCNOW()'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.equal(value('DATE_DIFF(second, UTCNOW(), UTCNOW())'), '0', 'one value per run');
});

t.test('arithmetic and number types', async (t) => {
  const table: [string, string | null][] = [
    ['7 / 2', '3'],
    ['-7 / 2', '-3'],
    ['-7 % 3', '-1'],
    ['7.0 / 2', '3.5'],
    ['1.0 / 3', '0.33333333333333333333333333333333333333'],
    ['0.1 + 0.2', '0.3'],
    ['1.50 * 2', '3.00'],
    ['1e0 / 4', '0.25'],
    ['1e0 / 0', '+inf'],
    ['2 * 1.5e0', '3'],
    ['9223372036854775807 - 1', '9223372036854775806'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['NULL + 1', null],
    ['CAST(_1 AS INT) + CAST(_2 AS DECIMAL)', '3.25'],
  ];
  for (const [sql, expected] of table) t.equal(value(sql, ['1', '2.25']), expected, sql);
  t.equal(errorOf(() => value('9223372036854775807 + 1')).code, 'IntegerOverflow');
  t.equal(errorOf(() => value('9223372036854775808')).code, 'IntegerOverflow');
  t.equal(errorOf(() => value('1 / 0')).code, 'DivisionByZero');
  t.equal(errorOf(() => value('1.5 % 0')).code, 'DivisionByZero');
  t.equal(errorOf(() => value('_1 + 1', ['1'])).code, 'InvalidDataType', 'a CSV field is a string until CAST');
  t.equal(errorOf(() => value("- 'a'")).code, 'InvalidDataType');
});
