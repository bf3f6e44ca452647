// Shared helpers for the select engine tests.

import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Expr, SelectStatement } from '../../src/select/ast.js';
import { compileSelect, SelectError, selectParameters, Timestamp } from '../../src/select/index.js';
import type { CsvInputSerialization, CsvOutputSerialization } from '../../src/select/index.js';
import { parseSelect } from '../../src/select/parser.js';

/** A fixed UTCNOW() for the tests. */
export const NOW = Timestamp.parse('2017-10-13T16:02:11.123Z')!;

/** The output text of `expr` evaluated on one record (default: a single empty field); null for an empty field. */
export function value(expr: string, fields: string[] = [''], input: CsvInputSerialization = {}): string | null {
  const query = compileSelect(selectParameters(`SELECT ${expr} FROM archive`, input));
  const output = query.engine({ now: NOW }).push(fields);
  if (!output) throw new Error('the record was dropped');
  return output[0] ?? null;
}

/** Whether `condition` keeps a record with these fields. */
export function keeps(condition: string, fields: string[] = ['']): boolean {
  const query = compileSelect(selectParameters(`SELECT * FROM archive WHERE ${condition}`));
  return query.engine({ now: NOW }).push(fields) !== undefined;
}

/** Runs a query over CSV given as one string or as chunks; resolves to the output text. */
export async function run(
  sql: string,
  csv: string | (string | Buffer)[],
  input: CsvInputSerialization = {},
  output: CsvOutputSerialization = {},
): Promise<string> {
  const query = compileSelect(selectParameters(sql, input, output));
  const chunks = (typeof csv === 'string' ? [csv] : csv).map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  const out = await buffer(Readable.from(chunks, { objectMode: false }).pipe(query.stream({ now: NOW })));
  return out.toString('utf8');
}

/** The SelectError a function throws (or a promise rejects with); fails the test otherwise. */
export function errorOf(work: () => unknown): SelectError {
  try {
    work();
  } catch (err) {
    if (err instanceof SelectError) return err;
    throw err;
  }
  throw new Error('expected a SelectError, nothing was thrown');
}

export async function rejectionOf(work: () => Promise<unknown>): Promise<SelectError> {
  try {
    await work();
  } catch (err) {
    if (err instanceof SelectError) return err;
    throw err;
  }
  throw new Error('expected a SelectError, the promise resolved');
}

/** Compiles a query and returns the error it is refused with. */
export function refusal(sql: string, input: CsvInputSerialization = {}): SelectError {
  return errorOf(() => compileSelect(selectParameters(sql, input)));
}

/** The WHERE expression of `SELECT * FROM archive WHERE <expr>`, fully parenthesized. */
export function shape(expr: string): string {
  const statement: SelectStatement = parseSelect(`SELECT * FROM archive WHERE ${expr}`);
  return print(statement.where!);
}

function print(node: Expr): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    case 'column':
      return node.ref.kind === 'position' ? `_${node.ref.index + 1}` : node.ref.name;
    case 'negate':
      return `(-${print(node.operand)})`;
    case 'not':
      return `(NOT ${print(node.operand)})`;
    case 'arithmetic':
    case 'compare':
      return `(${print(node.left)} ${node.op} ${print(node.right)})`;
    case 'and':
    case 'or':
      return `(${print(node.left)} ${node.kind.toUpperCase()} ${print(node.right)})`;
    case 'like':
      return `(${print(node.value)}${node.negated ? ' NOT' : ''} LIKE ${print(node.pattern)})`;
    case 'between':
      return `(${print(node.value)}${node.negated ? ' NOT' : ''} BETWEEN ${print(node.low)} AND ${print(node.high)})`;
    case 'in':
      return `(${print(node.value)}${node.negated ? ' NOT' : ''} IN (${node.items.map(print).join(', ')}))`;
    case 'is':
      return `(${print(node.value)} IS${node.negated ? ' NOT' : ''} ${node.test})`;
    default:
      return `<${node.kind}>`;
  }
}
