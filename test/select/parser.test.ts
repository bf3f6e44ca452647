// Statement shape, operator precedence (§8.4), reserved words (§8.6) and every refused feature.

import t from 'tap';
import { checkSelect, selectParameters } from '../../src/select/index.js';
import { errorOf, keeps, refusal, shape, value } from './helpers.js';

t.test('one test per precedence level boundary (§8.4)', async (t) => {
  // 1 | 2: unary minus binds tighter than *, / and %.
  t.equal(shape('-_1 * _2 = 0'), '(((-_1) * _2) = 0)');
  t.equal(value('- 7 % 3'), '-1');
  // 2 | 3: * / % before + -.
  t.equal(shape('_1 + _2 * _3 = 0'), '((_1 + (_2 * _3)) = 0)');
  t.equal(value('2 + 3 * 4'), '14');
  t.equal(value('20 - 6 / 3'), '18');
  // 3 | 4: + - before IN.
  t.equal(shape('1 + 1 IN (2)'), '((1 + 1) IN (2))');
  t.equal(value('1 + 1 IN (2)'), 'true');
  // 4 | 5: IN before BETWEEN (the upper bound is `2 IN (2)`, which is TRUE).
  t.equal(shape('_1 BETWEEN _2 AND _3 IN (_4)'), '(_1 BETWEEN _2 AND (_3 IN (_4)))');
  t.equal(value('TRUE BETWEEN FALSE AND 2 IN (2)'), 'true');
  // 5 | 6: BETWEEN before LIKE.
  t.equal(shape("_1 LIKE _2 BETWEEN 'a' AND 'b'"), "(_1 LIKE (_2 BETWEEN 'a' AND 'b'))");
  t.equal(errorOf(() => value("TRUE BETWEEN FALSE AND 'a' LIKE 'a'")).code, 'InvalidDataType', "(TRUE BETWEEN FALSE AND 'a') is refused");
  // 6 | 7: LIKE before < >.
  t.equal(shape("_1 < _2 LIKE 'a%'"), "(_1 < (_2 LIKE 'a%'))");
  t.equal(value("FALSE < 'abc' LIKE 'a%'"), 'true');
  // 7 | 8: < > before =.
  t.equal(shape('_1 = _2 < _3'), '(_1 = (_2 < _3))');
  t.equal(value('TRUE = 1 < 2'), 'true');
  // 8 | 9: = before NOT.
  t.equal(shape('NOT _1 = _2'), '(NOT (_1 = _2))');
  t.equal(value('NOT 1 = 2'), 'true');
  // 9 | 10: NOT before AND.
  t.equal(shape('NOT _1 = _2 AND _3 = _4'), '((NOT (_1 = _2)) AND (_3 = _4))');
  t.equal(value('NOT FALSE AND FALSE'), 'false');
  // 10 | 11: AND before OR.
  t.equal(shape('_1 = _2 OR _3 = _4 AND _5 = _6'), '((_1 = _2) OR ((_3 = _4) AND (_5 = _6)))');
  t.equal(value('TRUE OR TRUE AND FALSE'), 'true');
  t.equal(value('FALSE AND FALSE OR TRUE'), 'true');
});

t.test('associativity', async (t) => {
  t.equal(value('10 - 2 - 3'), '5', '- is left-associative');
  t.equal(value('100 / 10 / 5'), '2', '/ is left-associative');
  t.equal(value('2 * 3 % 4'), '2', '* and % share a level, left to right');
  t.equal(shape('_1 = _2 = _3'), '(_1 = (_2 = _3))', '= is right-associative');
  t.equal(shape('- - _1 = 1'), '((-(-_1)) = 1)', 'unary minus is right-associative');
  t.equal(shape('NOT NOT _1 = _2'), '(NOT (NOT (_1 = _2)))');
  t.equal(shape('_1 IS NOT NULL AND _2 NOT LIKE _3'), '((_1 IS NOT NULL) AND (_2 NOT LIKE _3))');
  t.equal(shape('_1 NOT BETWEEN 1 AND 2 OR _1 NOT IN (1, 2)'), '((_1 NOT BETWEEN 1 AND 2) OR (_1 NOT IN (1, 2)))');
  t.equal(shape('(_1 = _2 OR _3 = _4) AND _5 = _6'), '(((_1 = _2) OR (_3 = _4)) AND (_5 = _6))', 'parentheses');
});

t.test('SELECT list, FROM and aliases', async (t) => {
  t.same(checkSelect(selectParameters('SELECT * FROM archive')).ok, true);
  for (const sql of [
    'select * from ARCHIVE',
    'SELECT * FROM object',
    'SELECT s.* FROM archive s',
    'SELECT s._1 FROM archive AS s',
    'SELECT S._1 FROM archive s',
    'SELECT archive._1 FROM archive',
    'SELECT _1 AS a, _2 b, UPPER(_3) "C d" FROM archive',
    "SELECT _1 FROM archive WHERE _2 = 'x' -- a comment",
    'SELECT /* inline */ _1\nFROM archive\nWHERE _1 <> _2 AND _1 != _3',
    "SELECT _1 FROM archive WHERE _1 IN ['a', 'b']",
  ]) {
    const result = checkSelect(selectParameters(sql));
    t.ok(result.ok, sql);
  }
  t.equal(refusal('SELECT t._1 FROM archive s').code, 'InvalidTableAlias');
  t.equal(refusal('SELECT archive._1 FROM archive s').code, 'InvalidTableAlias', 'once aliased, the alias it is');
  t.equal(refusal('SELECT *, _1 FROM archive').code, 'ParseAsteriskIsNotAloneInSelectList');
  t.equal(refusal('SELECT FROM archive').code, 'ParseEmptySelect');
  t.equal(refusal('SELECT _1').code, 'ParseSelectMissingFrom');
  t.equal(refusal('SELECT * FROM S3Object').code, 'InvalidDataSource');
  t.match(refusal('SELECT * FROM S3Object').message, /ARCHIVE/);
  t.equal(refusal('SELECT * FROM bucket').code, 'InvalidDataSource');
  t.equal(refusal('SELECT * FROM archive;').code, 'ParseUnexpectedToken');
  t.equal(refusal('SELECT _0 FROM archive').code, 'InvalidColumnIndex');
  t.equal(refusal('SELECT _1048577 FROM archive').code, 'InvalidColumnIndex');
});

t.test('literals', async (t) => {
  t.equal(value("'it''s'"), "it's", "'' inside a string");
  t.equal(value('TRUE'), 'true');
  t.equal(value('NULL'), null);
  t.equal(value('MISSING'), null);
  t.equal(value('`2010-01-01T`'), '2010-01-01', 'back-ticked timestamps');
  t.equal(value('1.250'), '1.250', 'a number with a point is a DECIMAL, exact');
  t.equal(value('1.5e1'), '15', 'an exponent makes a FLOAT');
  t.equal(refusal('SELECT `hello` FROM archive').code, 'LexerInvalidIONLiteral');
  t.equal(refusal("SELECT 'open FROM archive").code, 'LexerInvalidLiteral');
  t.equal(refusal('SELECT 12abc FROM archive').code, 'LexerInvalidLiteral');
  t.equal(refusal('SELECT _1 FROM archive WHERE _1 = @x').code, 'LexerInvalidChar');
});

t.test('parse errors carry line and column', async (t) => {
  const error = refusal("SELECT _1,\n  FROM archive");
  t.equal(error.code, 'ParseExpectedExpression');
  t.same(error.position, { line: 2, column: 3 });
  t.match(error.message, /^line 2, column 3: expected an expression, found 'FROM'/);
  const info = checkSelect(selectParameters('SELECT * FROM archive WHERE (_1 = 1'));
  t.same(info, { ok: false, error: { code: 'ParseUnexpectedToken', message: "line 1, column 36: expected ')', found the end of the query", line: 1, column: 36 } });
  t.same(refusal("SELECT _1 FROM archive WHERE _1 = 'x' AND").position, { line: 1, column: 42 });
});

t.test('reserved words (§8.6) must be quoted as names', async (t) => {
  const error = refusal('SELECT s.cast FROM archive s', { FileHeaderInfo: 'USE' });
  t.equal(error.code, 'ParseUnexpectedKeyword');
  t.match(error.message, /CAST|cast/);
  t.match(error.message, /"cast"/, 'the message shows the quoted form');
  t.equal(refusal('SELECT date FROM archive', { FileHeaderInfo: 'USE' }).code, 'ParseUnexpectedKeyword');
  t.equal(refusal('SELECT _1 AS value FROM archive').code, 'ParseUnexpectedKeyword', 'aliases too');
  t.ok(checkSelect(selectParameters('SELECT s."CAST", "date", _1 AS "value" FROM archive s', { FileHeaderInfo: 'USE' })).ok);
  t.ok(checkSelect(selectParameters('SELECT archive_name, object_id FROM archive', { FileHeaderInfo: 'USE' })).ok, 'words merely containing keywords are fine');
});

t.test('what Glacier Select does not support is refused, naming the feature', async (t) => {
  const refused: [string, string, RegExp][] = [
    ['SELECT COUNT(*) FROM archive', 'UnsupportedFunction', /aggregate function COUNT/],
    ['SELECT AVG(CAST(_1 AS INT)) FROM archive', 'UnsupportedFunction', /aggregate function AVG/],
    ['SELECT max(_1) FROM archive', 'UnsupportedFunction', /aggregate function MAX/],
    ['SELECT MIN(_1) FROM archive', 'UnsupportedFunction', /aggregate function MIN/],
    ['SELECT SUM(CAST(_1 AS INT)) FROM archive', 'UnsupportedFunction', /aggregate function SUM/],
    ['SELECT _1 FROM archive GROUP BY _1', 'ParseUnsupportedSyntax', /GROUP BY/],
    ['SELECT _1 FROM archive WHERE _2 = 1 GROUP BY _1', 'ParseUnsupportedSyntax', /GROUP BY/],
    ['SELECT _1 FROM archive HAVING _1 = 1', 'ParseUnsupportedSyntax', /HAVING/],
    ['SELECT _1 FROM archive ORDER BY _1', 'ParseUnsupportedSyntax', /ORDER BY/],
    ['SELECT * FROM archive s LIMIT 10', 'ParseUnsupportedSyntax', /LIMIT/],
    ['SELECT * FROM archive OFFSET 10', 'ParseUnsupportedSyntax', /OFFSET/],
    ['SELECT DISTINCT _1 FROM archive', 'ParseUnsupportedSyntax', /DISTINCT/],
    ['SELECT _1 FROM archive UNION SELECT _2 FROM archive', 'ParseUnsupportedSyntax', /UNION/],
    ['SELECT _1 FROM archive INTERSECT SELECT _2 FROM archive', 'ParseUnsupportedSyntax', /INTERSECT/],
    ['SELECT _1 FROM archive EXCEPT SELECT _2 FROM archive', 'ParseUnsupportedSyntax', /EXCEPT/],
    ['SELECT * FROM archive a JOIN archive b ON a._1 = b._1', 'ParseMalformedJoin', /joins/],
    ['SELECT * FROM archive a INNER JOIN archive b ON a._1 = b._1', 'ParseMalformedJoin', /joins/],
    ['SELECT * FROM archive a, archive b', 'ParseMalformedJoin', /joins/],
    ['SELECT * FROM (SELECT * FROM archive)', 'ParseUnsupportedSyntax', /subqueries/],
    ['SELECT * FROM archive WHERE _1 IN (SELECT _1 FROM archive)', 'ParseUnsupportedSyntax', /subqueries/],
    ['SELECT (SELECT _1 FROM archive) FROM archive', 'ParseUnsupportedSyntax', /subqueries/],
    ['SELECT s.a.b FROM archive s', 'ParseUnsupportedSyntax', /JSON paths/],
    ['SELECT s._1[0] FROM archive s', 'ParseUnsupportedSyntax', /JSON paths/],
    ['SELECT * FROM archive[*].records', 'ParseUnsupportedSyntax', /JSON paths/],
    ["SELECT _1 || 'x' FROM archive", 'ParseUnsupportedSyntax', /concatenation/],
    ['INSERT INTO archive VALUES (1)', 'ParseUnsupportedSyntax', /INSERT/],
    ['SELECT ABS(1) FROM archive', 'UnsupportedFunction', /ABS is not a Glacier Select function/],
    ['SELECT POSITION(_1) FROM archive', 'UnsupportedFunction', /POSITION/],
  ];
  for (const [sql, code, message] of refused) {
    const error = refusal(sql);
    t.equal(error.code, code, sql);
    t.match(error.message, message, sql);
    t.ok(error.position, `${sql}: located`);
  }
});

t.test('a WHERE clause must be a condition', async (t) => {
  t.equal(refusal('SELECT * FROM archive WHERE _1').code, 'InvalidDataType');
  t.equal(refusal("SELECT * FROM archive WHERE _1 < 10").code, 'InvalidDataType', 'ordering a string field against a number');
  t.match(refusal('SELECT * FROM archive WHERE _1 < 10').message, /CAST/);
  t.ok(keeps('CAST(_1 AS INT) < 10', ['9']));
  t.notOk(keeps('CAST(_1 AS INT) < 10', ['10']));
  t.ok(keeps("_1 < 'b'", ['a']), 'strings order as strings');
});

t.test('warnings for legal but suspicious queries', async (t) => {
  const warn = (sql: string) => {
    const result = checkSelect(selectParameters(sql));
    if (!result.ok) throw new Error(result.error.message);
    return result.query.warnings;
  };
  t.match(warn('SELECT * FROM archive WHERE _1 = 5'), [/never equal.*CAST/]);
  t.match(warn('SELECT * FROM archive WHERE _1 = NULL'), [/IS NULL/]);
  t.match(warn("SELECT CASE WHEN _1 = 'x' THEN CAST('abc' AS INT) END FROM archive"), [/always fails/]);
  t.same(warn("SELECT * FROM archive WHERE _1 = '5'"), []);
});
