// FileHeaderInfo USE / IGNORE / NONE, header names and their case rules (§8.2), column names.

import t from 'tap';
import { compileSelect, selectParameters } from '../../src/select/index.js';
import { refusal, rejectionOf, run } from './helpers.js';

const USE = { FileHeaderInfo: 'USE' };

t.test('NONE reads the header line as data; IGNORE skips it; USE names the columns', async (t) => {
  const csv = 'name,region\nann,EU\nbob,US\n';
  t.equal(await run('SELECT * FROM archive', csv), csv, 'NONE is the default');
  t.equal(await run('SELECT * FROM archive', csv, { FileHeaderInfo: 'none' }), csv);
  t.equal(await run('SELECT _1 FROM archive', csv, { FileHeaderInfo: 'IGNORE' }), 'ann\nbob\n');
  t.equal(await run('SELECT * FROM archive', csv, USE), 'ann,EU\nbob,US\n');
  t.equal(await run("SELECT region, name FROM archive WHERE name = 'bob'", csv, USE), 'US,bob\n');
  t.equal(await run('SELECT s._2, s.name FROM archive s', csv, USE), 'EU,ann\nUS,bob\n', 'positions work with USE too');
  t.equal(refusal('SELECT name FROM archive').code, 'EvaluatorBindingDoesNotExist', 'names need USE (NONE)');
  t.equal(refusal('SELECT name FROM archive', { FileHeaderInfo: 'IGNORE' }).code, 'EvaluatorBindingDoesNotExist', 'names need USE (IGNORE)');
  t.equal(await run('SELECT name FROM archive', '', USE), '', 'no input, no header, no error');
});

t.test('unquoted names match case-insensitively; two matches are AmbiguousFieldName', async (t) => {
  t.equal(await run('SELECT NAME, Region FROM archive', 'name,region\nann,EU\n', USE), 'ann,EU\n');
  const error = await rejectionOf(() => run('SELECT name FROM archive', 'NAME,name\na,b\n', USE));
  t.equal(error.code, 'AmbiguousFieldName');
  t.equal(error.record, 1, 'found on the header record');
  t.match(error.message, /"NAME" at _1.*"name" at _2/);
  t.equal((await rejectionOf(() => run('SELECT "a" FROM archive', 'a,a\n1,2\n', USE))).code, 'AmbiguousFieldName', 'a duplicated name, quoted');
});

t.test('double-quoted names match case-sensitively; no match is MissingHeaderName', async (t) => {
  t.equal(await run('SELECT "NAME" FROM archive', 'NAME,name\nA,b\n', USE), 'A\n');
  t.equal(await run('SELECT s."name" FROM archive s', 'NAME,name\nA,b\n', USE), 'b\n');
  const error = await rejectionOf(() => run('SELECT "Name" FROM archive', 'name,region\nann,EU\n', USE));
  t.equal(error.code, 'MissingHeaderName');
  t.equal(error.record, 1);
  t.match(error.message, /"Name" is not a column of the header; quoted names match case exactly, the header has "name"/);
  t.same(error.position, { line: 1, column: 8 }, 'and points at the name in the SQL');
  t.equal((await rejectionOf(() => run('SELECT nope FROM archive', 'name\nann\n', USE))).code, 'MissingHeaderName', 'an unquoted name that matches nothing');
});

t.test('awkward header names', async (t) => {
  t.equal(await run('SELECT s."CAST", "na.me" FROM archive s', 'CAST,na.me\n1,2\n', USE), '1,2\n', 'reserved words and dots, quoted');
  t.equal(await run('SELECT "a ""b""" FROM archive', '"a ""b"""\nx\n', USE), 'x\n', 'quotes inside a quoted name');
  t.equal(await run('SELECT "" FROM archive', ',b\nx,y\n', USE), 'x\n', 'an empty header name');
  t.equal(await run('SELECT b, c FROM archive', 'a,b,c\n1,2\n', USE), '2,\n', 'a short record: the missing field is empty');
});

t.test('output column names', async (t) => {
  const names = (sql: string, input = {}) => compileSelect(selectParameters(sql, input)).columnNames();
  t.same(names('SELECT name, region AS r FROM archive', USE), ['name', 'r']);
  t.same(names('SELECT s.Name, s."Region" x, _3 FROM archive s', USE), ['Name', 'x', '_3']);
  t.same(names('SELECT UPPER(_1), _2, CAST(_3 AS INT) AS n FROM archive'), ['_1', '_2', 'n'], 'unnamed expressions are _N by position');
  t.equal(names('SELECT * FROM archive', USE), undefined, 'SELECT * with USE: unknown until the header is read');
  t.equal(names('SELECT * FROM archive'), undefined, 'SELECT * without USE: positional');
  const query = compileSelect(selectParameters('SELECT * FROM archive', USE));
  t.same(query.columnNames(['id', 'name']), ['id', 'name']);
  t.same(query.columnNamesFor(3, ['id', 'name']), ['id', 'name', '_3']);
  t.same(compileSelect(selectParameters('SELECT * FROM archive')).columnNamesFor(2), ['_1', '_2']);

  const stream = query.stream();
  const announced = new Promise<string[]>((resolve) => stream.once('columns', resolve));
  stream.end('id,name\n1,ann\n');
  stream.resume();
  t.same(await announced, ['id', 'name'], "the stream emits 'columns' once the header is read");
  t.same(stream.columnNames, ['id', 'name']);
  t.same(stream.engine.headerRow, ['id', 'name']);
});
