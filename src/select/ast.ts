// The syntax tree of a Glacier Select statement. Every node keeps its span in the SQL text so
// errors, compile-time and run-time, can point at it.

import type { DatePart, ExtractPart } from './timestamp.js';
import type { CastType, Value } from './values.js';

export interface Span {
  start: number;
  end: number;
}

export type ColumnRef =
  /** `_3` or `s._3`: index counts from 0. */
  | { kind: 'position'; index: number }
  /** `name`, `"Name"`, `s.name`: only meaningful with FileHeaderInfo USE. */
  | { kind: 'name'; name: string; quoted: boolean };

export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

export type FunctionName =
  | 'COALESCE'
  | 'NULLIF'
  | 'CHAR_LENGTH'
  | 'LOWER'
  | 'UPPER'
  | 'SUBSTRING'
  | 'TRIM'
  | 'DATE_ADD'
  | 'DATE_DIFF'
  | 'EXTRACT'
  | 'TO_STRING'
  | 'TO_TIMESTAMP'
  | 'UTCNOW';

export type TrimSide = 'BOTH' | 'LEADING' | 'TRAILING';

export type Expr = Span &
  (
    | { kind: 'literal'; value: Value }
    | { kind: 'column'; ref: ColumnRef; qualifier?: string }
    | { kind: 'negate'; operand: Expr }
    | { kind: 'not'; operand: Expr }
    | { kind: 'arithmetic'; op: ArithmeticOperator; left: Expr; right: Expr }
    | { kind: 'compare'; op: ComparisonOperator; left: Expr; right: Expr }
    | { kind: 'and' | 'or'; left: Expr; right: Expr }
    | { kind: 'like'; negated: boolean; value: Expr; pattern: Expr; escape?: Expr }
    | { kind: 'between'; negated: boolean; value: Expr; low: Expr; high: Expr }
    | { kind: 'in'; negated: boolean; value: Expr; items: Expr[] }
    | { kind: 'is'; negated: boolean; value: Expr; test: 'NULL' | 'MISSING' }
    | { kind: 'cast'; value: Expr; type: CastType }
    | { kind: 'case'; subject?: Expr; branches: { when: Expr; then: Expr }[]; otherwise?: Expr }
    | { kind: 'list'; items: Expr[] }
    | { kind: 'call'; name: FunctionName; args: Expr[]; part?: DatePart | ExtractPart; side?: TrimSide }
  );

export interface SelectItem extends Span {
  expr: Expr;
  alias?: string;
}

export interface SelectStatement {
  /** `*` (or `alias.*`) selects every field of each record unchanged. */
  projection: '*' | SelectItem[];
  table: { name: string; alias?: string } & Span;
  where?: Expr;
}
