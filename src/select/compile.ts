// Turns a parsed statement into closures over a record's fields, checking types on the way.
//
// Every expression gets a static type: a set of the types it can have. CSV fields are strings
// (or MISSING past the end of a short record), so a comparison such as `_3 < 10` is known to be
// wrong before any data is read, and is refused at compile time. Where the static type allows
// more than one kind (a CASE returning a string or an int), the same check runs per record.

import type { ColumnRef, Expr, SelectStatement } from './ast.js';
import { SelectError, type SelectErrorCode, type SqlPosition } from './errors.js';
import { positionAt } from './lexer.js';
import { charLength, likeMatcher, substring, trim } from './strings.js';
import { formatTimestamp, parsePattern, PatternError, Timestamp, TimestampRangeError, type DatePart, type ExtractPart } from './timestamp.js';
import {
  arithmetic,
  castValue,
  compareStrings,
  compareValues,
  describe,
  formatValue,
  negate,
  typeName,
  valuesEqual,
  type CastType,
  type Value,
} from './values.js';

export type HeaderMode = 'USE' | 'IGNORE' | 'NONE';

/** Evaluates an expression against one record's fields. */
export type Evaluator = (fields: readonly string[]) => Value;

// Static types: bit sets.
const STRING = 1;
const INT = 2;
const FLOAT = 4;
const DECIMAL = 8;
const BOOL = 16;
const TIMESTAMP = 32;
const LIST = 64;
const NULL = 128; // NULL or MISSING
const NUMBER = INT | FLOAT | DECIMAL;

const TYPE_NAMES: [number, string][] = [
  [STRING, 'string'],
  [INT, 'int'],
  [FLOAT, 'float'],
  [DECIMAL, 'decimal'],
  [BOOL, 'bool'],
  [TIMESTAMP, 'timestamp'],
  [LIST, 'list'],
];

function typeText(type: number): string {
  const names = TYPE_NAMES.filter(([bit]) => type & bit).map(([, name]) => name);
  return names.length ? names.join(' or ') : 'NULL';
}

/** The kinds that compare with each other. */
const KINDS = [NUMBER, STRING, BOOL, TIMESTAMP, LIST];

function sharesKind(a: number, b: number): boolean {
  return KINDS.some((kind) => a & kind && b & kind);
}

function staticType(value: Value): number {
  switch (typeName(value)) {
    case 'string':
      return STRING;
    case 'int':
      return INT;
    case 'float':
      return FLOAT;
    case 'decimal':
      return DECIMAL;
    case 'bool':
      return BOOL;
    case 'timestamp':
      return TIMESTAMP;
    case 'list':
      return LIST;
    default:
      return NULL;
  }
}

/** Result type of arithmetic: int with int is int, anything with float is float, else decimal. */
function arithmeticType(a: number, b: number): number {
  let type = (a | b) & NULL;
  if (a & INT && b & INT) type |= INT;
  if (a & FLOAT || b & FLOAT) type |= FLOAT;
  if ((a & DECIMAL && b & (INT | DECIMAL)) || (b & DECIMAL && a & (INT | DECIMAL))) type |= DECIMAL;
  return type;
}

interface Compiled {
  run: Evaluator;
  type: number;
  /** Set when the expression has the same value for every record (literals). */
  constant?: { value: Value };
}

/** A header name used in the query; its index is filled in when the header row is read. */
export interface NameBinding {
  name: string;
  quoted: boolean;
  position: SqlPosition;
  index: number;
}

export type OutputField = (fields: readonly string[]) => string | null | undefined;

export interface Program {
  /** Undefined when there is no WHERE clause. */
  where?: (fields: readonly string[]) => boolean;
  /** Undefined for SELECT *. Each returns the output field's text; null or undefined for an empty field. */
  projection?: OutputField[];
  /** Output column names of a projection (alias, column name as written, or _N). */
  columnNames?: string[];
  bindings: NameBinding[];
  warnings: string[];
}

export interface CompileOptions {
  headerMode: HeaderMode;
  /** The value of UTCNOW() for this run. */
  now: Timestamp;
}

function withPosition(err: unknown, position: SqlPosition): unknown {
  if (err instanceof SelectError && !err.position) return new SelectError(err.code, err.reason, position, err.record);
  if (err instanceof SelectError || !(err instanceof Error)) return err;
  return new SelectError('InternalError', err.message, position);
}

class Compiler {
  readonly bindings: NameBinding[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly sql: string,
    private readonly statement: SelectStatement,
    private readonly options: CompileOptions,
  ) {}

  private at(node: Expr): SqlPosition {
    return positionAt(this.sql, node.start);
  }

  /** The node's SQL text, shortened for messages. */
  private text(node: Expr): string {
    const text = this.sql.slice(node.start, node.end).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  }

  private fail(code: SelectErrorCode, reason: string, node: Expr): never {
    throw new SelectError(code, reason, this.at(node));
  }

  private warn(reason: string, node: Expr): void {
    const { line, column } = this.at(node);
    const warning = `line ${line}, column ${column}: ${reason}`;
    if (!this.warnings.includes(warning)) this.warnings.push(warning);
  }

  /** Wraps a closure so that its run-time errors point at the node. */
  private located(node: Expr, run: Evaluator): Evaluator {
    const position = this.at(node);
    return (fields) => {
      try {
        return run(fields);
      } catch (err) {
        throw withPosition(err, position);
      }
    };
  }

  /** Requires the static type to allow one of `wanted`; returns whether a run-time check is needed. */
  private require(node: Expr, compiled: Compiled, wanted: number, what: string, code: SelectErrorCode = 'InvalidDataType'): boolean {
    const concrete = compiled.type & ~NULL;
    if (concrete && !(concrete & wanted)) {
      const hint = compiled.type & STRING && wanted & (NUMBER | TIMESTAMP) ? `; CSV fields are strings: CAST ${this.text(node)} first` : '';
      this.fail(code, `${what} needs ${typeText(wanted)}, but ${this.text(node)} is ${typeText(compiled.type)}${hint}`, node);
    }
    return (compiled.type & ~(wanted | NULL)) !== 0;
  }

  private check(value: Value, wanted: number, what: string, code: SelectErrorCode = 'InvalidDataType'): void {
    if (value != null && !(staticType(value) & wanted)) {
      throw new SelectError(code, `${what} needs ${typeText(wanted)}, got ${typeName(value)} ${describe(value)}`);
    }
  }

  program(): Program {
    const { projection, where, table } = this.statement;
    for (const node of [...(projection === '*' ? [] : projection.map((item) => item.expr)), ...(where ? [where] : [])]) {
      this.checkQualifiers(node, table);
    }
    const program: Program = { bindings: this.bindings, warnings: this.warnings };
    if (where) {
      const condition = this.compile(where);
      const checked = this.require(where, condition, BOOL, 'WHERE');
      if (condition.type === NULL) this.warn('the WHERE condition is always NULL, so no record is returned', where);
      const run = checked
        ? this.located(where, (fields) => {
            const value = condition.run(fields);
            this.check(value, BOOL, 'WHERE');
            return value;
          })
        : condition.run;
      program.where = (fields) => run(fields) === true;
    }
    if (projection !== '*') {
      program.columnNames = projection.map((item, i) => item.alias ?? (item.expr.kind === 'column' ? refName(item.expr.ref) : `_${i + 1}`));
      program.projection = projection.map((item) => {
        const compiled = this.compile(item.expr);
        if (compiled.type === LIST) this.fail('InvalidDataType', `${this.text(item.expr)} is a list, which cannot be written to CSV`, item.expr);
        const run = compiled.run;
        if (compiled.type === (STRING | NULL) || compiled.type === STRING) return run as OutputField;
        return this.located(item.expr, (fields) => formatValue(run(fields))) as OutputField;
      });
    }
    return program;
  }

  private checkQualifiers(node: Expr, table: SelectStatement['table']): void {
    if (node.kind === 'column' && node.qualifier !== undefined) {
      const expected = table.alias ?? table.name;
      if (node.qualifier.toLowerCase() !== expected.toLowerCase()) {
        this.fail('InvalidTableAlias', `${node.qualifier} is not the table's ${table.alias ? 'alias' : 'name'}: write ${expected}.${refName(node.ref)} or just ${refName(node.ref)}`, node);
      }
    }
    for (const child of children(node)) this.checkQualifiers(child, table);
  }

  compile(node: Expr): Compiled {
    switch (node.kind) {
      case 'literal':
        return { run: () => node.value, type: staticType(node.value), constant: { value: node.value } };
      case 'column':
        return this.column(node.ref, node);
      case 'list': {
        const items = node.items.map((item) => this.compile(item).run);
        return { run: (fields) => items.map((item) => item(fields)), type: LIST };
      }
      case 'negate': {
        const operand = this.compile(node.operand);
        this.require(node.operand, operand, NUMBER, 'unary -');
        const run = operand.run;
        return { run: this.located(node, (fields) => negate(run(fields))), type: operand.type & (NUMBER | NULL) };
      }
      case 'not': {
        const operand = this.compile(node.operand);
        const checked = this.require(node.operand, operand, BOOL, 'NOT');
        const run = operand.run;
        return {
          run: this.located(node, (fields) => {
            const value = run(fields);
            if (checked) this.check(value, BOOL, 'NOT');
            return value == null ? null : !value;
          }),
          type: BOOL | (operand.type & NULL),
        };
      }
      case 'and':
      case 'or':
        return this.logic(node);
      case 'arithmetic': {
        const left = this.compile(node.left);
        const right = this.compile(node.right);
        this.require(node.left, left, NUMBER, `${node.op}`);
        this.require(node.right, right, NUMBER, `${node.op}`);
        const { op } = node;
        const [l, r] = [left.run, right.run];
        return { run: this.located(node, (fields) => arithmetic(op, l(fields), r(fields))), type: arithmeticType(left.type, right.type) };
      }
      case 'compare':
        return this.comparison(node);
      case 'between':
        return this.between(node);
      case 'in':
        return this.in(node);
      case 'is': {
        const run = this.compile(node.value).run;
        const missing = node.test === 'MISSING';
        const negated = node.negated;
        return {
          run: (fields) => {
            const value = run(fields);
            return (missing ? value === undefined : value == null) !== negated;
          },
          type: BOOL,
        };
      }
      case 'like':
        return this.like(node);
      case 'cast':
        return this.cast(node);
      case 'case':
        return this.caseExpression(node);
      case 'call':
        return this.call(node);
    }
  }

  private column(ref: ColumnRef, node: Expr): Compiled {
    if (ref.kind === 'position') {
      const index = ref.index;
      return { run: (fields) => fields[index], type: STRING | NULL };
    }
    if (this.options.headerMode !== 'USE') {
      this.fail(
        'EvaluatorBindingDoesNotExist',
        `column ${ref.quoted ? `"${ref.name}"` : ref.name} is a header name, which needs FileHeaderInfo USE (with ${this.options.headerMode} columns are _1, _2, ...)`,
        node,
      );
    }
    let binding = this.bindings.find((b) => b.name === ref.name && b.quoted === ref.quoted);
    if (!binding) {
      binding = { name: ref.name, quoted: ref.quoted, position: this.at(node), index: -1 };
      this.bindings.push(binding);
    }
    const bound = binding;
    return { run: (fields) => fields[bound.index], type: STRING | NULL };
  }

  private logic(node: Extract<Expr, { kind: 'and' | 'or' }>): Compiled {
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    const op = node.kind.toUpperCase();
    const checked = this.require(node.left, left, BOOL, op) || this.require(node.right, right, BOOL, op);
    const [l, r] = [left.run, right.run];
    const type = BOOL | ((left.type | right.type) & NULL);
    // Three-valued logic: FALSE decides AND, TRUE decides OR, otherwise NULL stays unknown.
    const decisive = node.kind === 'and' ? false : true;
    const run: Evaluator = (fields) => {
      const a = l(fields);
      if (checked) this.check(a, BOOL, op);
      if (a === decisive) return decisive;
      const b = r(fields);
      if (checked) this.check(b, BOOL, op);
      if (b === decisive) return decisive;
      return a == null || b == null ? null : !decisive;
    };
    return { run: checked ? this.located(node, run) : run, type };
  }

  private comparison(node: Extract<Expr, { kind: 'compare' }>): Compiled {
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    const [l, r] = [left.run, right.run];
    const type = BOOL | ((left.type | right.type) & NULL);
    const strings = (left.type & ~NULL) === STRING && (right.type & ~NULL) === STRING;
    if (node.op === '=' || node.op === '<>') {
      const equal = node.op === '=';
      if (left.type === NULL || right.type === NULL) {
        this.warn(`${this.text(node)} is always NULL: use IS NULL or IS MISSING to test for a missing value`, node);
      } else if (!sharesKind(left.type, right.type)) {
        this.warn(
          `${this.text(node)} compares ${typeText(left.type)} with ${typeText(right.type)}, which are never equal${left.type & STRING || right.type & STRING ? '; CSV fields are strings: CAST them to compare as numbers' : ''}`,
          node,
        );
      }
      if (strings) {
        return {
          run: (fields) => {
            const a = l(fields);
            const b = r(fields);
            return a == null || b == null ? null : (a === b) === equal;
          },
          type,
        };
      }
      return {
        run: (fields) => {
          const a = l(fields);
          const b = r(fields);
          return a == null || b == null ? null : valuesEqual(a, b) === equal;
        },
        type,
      };
    }
    this.requireOrdered(node, left, right);
    const test = { '<': (c: number) => c < 0, '>': (c: number) => c > 0, '<=': (c: number) => c <= 0, '>=': (c: number) => c >= 0 }[node.op];
    const compare = strings ? (a: Value, b: Value) => compareStrings(a as string, b as string) : compareValues;
    return {
      run: this.located(node, (fields) => {
        const a = l(fields);
        const b = r(fields);
        return a == null || b == null ? null : test(compare(a, b));
      }),
      type,
    };
  }

  /** Ordering needs both sides of the same kind; a string against a number is refused. */
  private requireOrdered(node: Expr, left: Compiled, right: Compiled): void {
    if (left.type & LIST || right.type & LIST) this.fail('InvalidDataType', `lists cannot be ordered in ${this.text(node)}`, node);
    const a = left.type & ~NULL;
    const b = right.type & ~NULL;
    if (a && b && !sharesKind(a, b)) {
      const hint = (a | b) & STRING ? '; CSV fields are strings: CAST them to compare as numbers or timestamps' : '';
      this.fail('InvalidDataType', `${this.text(node)} compares ${typeText(a)} with ${typeText(b)}, which cannot be ordered${hint}`, node);
    }
  }

  private between(node: Extract<Expr, { kind: 'between' }>): Compiled {
    const value = this.compile(node.value);
    const low = this.compile(node.low);
    const high = this.compile(node.high);
    this.requireOrdered(node, value, low);
    this.requireOrdered(node, value, high);
    const [v, lo, hi] = [value.run, low.run, high.run];
    const negated = node.negated;
    return {
      run: this.located(node, (fields) => {
        const x = v(fields);
        const a = lo(fields);
        const b = hi(fields);
        const above = x == null || a == null ? null : compareValues(x, a) >= 0;
        const below = x == null || b == null ? null : compareValues(x, b) <= 0;
        const inside = above === false || below === false ? false : above === null || below === null ? null : true;
        return inside === null ? null : inside !== negated;
      }),
      type: BOOL | ((value.type | low.type | high.type) & NULL),
    };
  }

  private in(node: Extract<Expr, { kind: 'in' }>): Compiled {
    const value = this.compile(node.value);
    const items = node.items.map((item) => this.compile(item));
    if (value.type !== NULL && items.length > 0 && !items.some((item) => item.type === NULL || sharesKind(value.type, item.type))) {
      this.warn(`no item of the IN list has the type of ${this.text(node.value)} (${typeText(value.type)}), so it never matches`, node);
    }
    const v = value.run;
    const runs = items.map((item) => item.run);
    const negated = node.negated;
    return {
      run: (fields) => {
        const x = v(fields);
        if (x == null) return null;
        let unknown = false;
        for (const item of runs) {
          const y = item(fields);
          if (y == null) unknown = true;
          else if (valuesEqual(x, y)) return !negated;
        }
        return unknown ? null : negated;
      },
      type: BOOL | NULL,
    };
  }

  private like(node: Extract<Expr, { kind: 'like' }>): Compiled {
    const value = this.compile(node.value);
    const pattern = this.compile(node.pattern);
    const escape = node.escape ? this.compile(node.escape) : undefined;
    const checked = [
      this.require(node.value, value, STRING, 'LIKE'),
      this.require(node.pattern, pattern, STRING, 'LIKE'),
      escape ? this.require(node.escape!, escape, STRING, 'ESCAPE') : false,
    ].some(Boolean);
    const negated = node.negated;
    const v = value.run;
    const constantPattern = pattern.constant && (!escape || escape.constant);
    let cachedKey: string | undefined;
    let cached: ((s: string) => boolean) | undefined;
    const matcherFor = (p: string, e: string | undefined) => {
      const key = `${e ?? ''}\u0000${p}`;
      if (key !== cachedKey) {
        cached = likeMatcher(p, e);
        cachedKey = key;
      }
      return cached!;
    };
    if (constantPattern) {
      const p = pattern.constant!.value;
      const e = escape?.constant!.value;
      if (p == null || (escape && e == null)) return { run: () => null, type: BOOL | NULL };
      try {
        matcherFor(p as string, e as string | undefined);
      } catch (err) {
        throw withPosition(err, this.at(node));
      }
    }
    const p = pattern.run;
    const e = escape?.run;
    return {
      run: this.located(node, (fields) => {
        const s = v(fields);
        const patternValue = p(fields);
        const escapeValue = e?.(fields);
        if (s == null || patternValue == null || (e && escapeValue == null)) return null;
        if (checked) {
          this.check(s, STRING, 'LIKE');
          this.check(patternValue, STRING, 'LIKE');
          this.check(escapeValue, STRING, 'ESCAPE');
        }
        return matcherFor(patternValue as string, escapeValue as string | undefined)(s as string) !== negated;
      }),
      type: BOOL | ((value.type | pattern.type | (escape?.type ?? 0)) & NULL),
    };
  }

  private cast(node: Extract<Expr, { kind: 'cast' }>): Compiled {
    const value = this.compile(node.value);
    const castable: Record<CastType, number> = {
      string: STRING | NUMBER | BOOL | TIMESTAMP,
      int: STRING | NUMBER | BOOL,
      float: STRING | NUMBER | BOOL,
      decimal: STRING | NUMBER | BOOL,
      bool: STRING | NUMBER | BOOL,
      timestamp: STRING | TIMESTAMP,
    };
    const { type } = node;
    if (!(value.type & (castable[type] | NULL))) {
      this.fail('InvalidCast', `${typeText(value.type)} cannot be CAST AS ${type.toUpperCase()}`, node);
    }
    const resultType = { string: STRING, int: INT, float: FLOAT, decimal: DECIMAL, bool: BOOL, timestamp: TIMESTAMP }[type] | (value.type & NULL);
    const run = value.run;
    if (value.constant) {
      // Fold constants. One that cannot convert fails when evaluated, as SQL would, and is
      // flagged now: it may sit in a CASE branch that no record reaches.
      try {
        const folded = castValue(value.constant.value, type);
        return { run: () => folded, type: resultType, constant: { value: folded } };
      } catch (err) {
        const located = withPosition(err, this.at(node));
        this.warn(`${this.text(node)} always fails: ${err instanceof SelectError ? err.reason : String(err)}`, node);
        return {
          run: () => {
            throw located;
          },
          type: resultType,
        };
      }
    }
    return { run: this.located(node, (fields) => castValue(run(fields), type)), type: resultType };
  }

  private caseExpression(node: Extract<Expr, { kind: 'case' }>): Compiled {
    const subject = node.subject ? this.compile(node.subject) : undefined;
    const branches = node.branches.map(({ when, then }) => {
      const condition = this.compile(when);
      const checked = subject ? false : this.require(when, condition, BOOL, 'WHEN');
      return { when: condition.run, then: this.compile(then), checked };
    });
    const otherwise = node.otherwise ? this.compile(node.otherwise) : undefined;
    const type = branches.reduce((t, branch) => t | branch.then.type, otherwise ? otherwise.type : NULL);
    const s = subject?.run;
    const thens = branches.map((branch) => branch.then.run);
    const fallback = otherwise?.run;
    const run: Evaluator = (fields) => {
      const key = s ? s(fields) : undefined;
      for (let i = 0; i < branches.length; i++) {
        const condition = branches[i].when(fields);
        const taken = s ? key != null && condition != null && valuesEqual(key, condition) : condition === true;
        if (!s && branches[i].checked) this.check(condition, BOOL, 'WHEN');
        if (taken) return thens[i](fields);
      }
      return fallback ? fallback(fields) : null;
    };
    return { run: this.located(node, run), type };
  }

  private call(node: Extract<Expr, { kind: 'call' }>): Compiled {
    const args = node.args.map((arg) => this.compile(arg));
    const runs = args.map((arg) => arg.run);
    const name = node.name;
    const argument = (i: number, wanted: number) => {
      const checked = this.require(node.args[i], args[i], wanted, `argument ${i + 1} of ${name}`, 'IncorrectSqlFunctionArgumentType');
      const run = runs[i];
      return checked
        ? (fields: readonly string[]) => {
            const value = run(fields);
            this.check(value, wanted, `argument ${i + 1} of ${name}`, 'IncorrectSqlFunctionArgumentType');
            return value;
          }
        : run;
    };
    const nullable = args.reduce((t, arg) => t | (arg.type & NULL), 0);
    const make = (type: number, run: Evaluator): Compiled => ({ run: this.located(node, run), type });

    switch (name) {
      case 'COALESCE': {
        const type = args.reduce((t, arg) => t | (arg.type & ~NULL), args.every((arg) => arg.type & NULL) ? NULL : 0);
        return make(type, (fields) => {
          for (const run of runs) {
            const value = run(fields);
            if (value != null) return value;
          }
          return null;
        });
      }
      case 'NULLIF': {
        const [a, b] = runs;
        return make(args[0].type | NULL, (fields) => {
          const x = a(fields);
          if (x == null) return null;
          const y = b(fields);
          return y != null && valuesEqual(x, y) ? null : x;
        });
      }
      case 'CHAR_LENGTH': {
        const s = argument(0, STRING);
        return make(INT | nullable, (fields) => {
          const value = s(fields);
          return value == null ? null : BigInt(charLength(value as string));
        });
      }
      case 'LOWER':
      case 'UPPER': {
        const s = argument(0, STRING);
        const upper = name === 'UPPER';
        return make(STRING | nullable, (fields) => {
          const value = s(fields) as string | null | undefined;
          return value == null ? null : upper ? value.toUpperCase() : value.toLowerCase();
        });
      }
      case 'SUBSTRING': {
        const s = argument(0, STRING);
        const start = argument(1, INT);
        const length = args.length > 2 ? argument(2, INT) : undefined;
        return make(STRING | nullable, (fields) => {
          const value = s(fields);
          const from = start(fields);
          const count = length?.(fields);
          if (value == null || from == null || (length && count == null)) return null;
          return substring(value as string, clampToNumber(from as bigint), count === undefined ? undefined : clampToNumber(count as bigint));
        });
      }
      case 'TRIM': {
        const s = argument(0, STRING);
        const chars = args.length > 1 ? argument(1, STRING) : undefined;
        const side = node.side!;
        return make(STRING | nullable, (fields) => {
          const value = s(fields);
          const remove = chars?.(fields);
          if (value == null || (chars && remove == null)) return null;
          return trim(value as string, side, remove as string | undefined);
        });
      }
      case 'DATE_ADD': {
        const quantity = argument(0, INT);
        const timestamp = argument(1, TIMESTAMP);
        const part = node.part as DatePart;
        return make(TIMESTAMP | nullable, (fields) => {
          const amount = quantity(fields);
          const ts = timestamp(fields);
          if (amount == null || ts == null) return null;
          try {
            return (ts as Timestamp).add(part, clampToNumber(amount as bigint));
          } catch (err) {
            if (err instanceof TimestampRangeError) throw new SelectError('IllegalSqlFunctionArgument', `DATE_ADD(${part}, ${amount}, ${describe(ts)}): ${err.message}`);
            throw err;
          }
        });
      }
      case 'DATE_DIFF': {
        const first = argument(0, TIMESTAMP);
        const second = argument(1, TIMESTAMP);
        const part = node.part as DatePart;
        return make(INT | nullable, (fields) => {
          const a = first(fields);
          const b = second(fields);
          return a == null || b == null ? null : (a as Timestamp).diff(part, b as Timestamp);
        });
      }
      case 'EXTRACT': {
        const timestamp = argument(0, TIMESTAMP);
        const part = node.part as ExtractPart;
        return make(INT | nullable, (fields) => {
          const ts = timestamp(fields);
          return ts == null ? null : (ts as Timestamp).extract(part);
        });
      }
      case 'TO_STRING': {
        const timestamp = argument(0, TIMESTAMP);
        const pattern = argument(1, STRING);
        const compilePattern = (text: string) => {
          try {
            return parsePattern(text);
          } catch (err) {
            if (!(err instanceof PatternError)) throw err;
            throw new SelectError(err.unterminated ? 'EvaluatorUnterminatedTimestampFormatPatternToken' : 'EvaluatorInvalidTimestampFormatPatternSymbol', err.message);
          }
        };
        const fixed = args[1].constant?.value;
        const pieces = typeof fixed === 'string' ? this.atNode(node, () => compilePattern(fixed)) : undefined;
        return make(STRING | nullable, (fields) => {
          const ts = timestamp(fields);
          const text = pattern(fields);
          if (ts == null || text == null) return null;
          return formatTimestamp(ts as Timestamp, pieces ?? compilePattern(text as string));
        });
      }
      case 'TO_TIMESTAMP': {
        const s = argument(0, STRING);
        return make(TIMESTAMP | nullable, (fields) => {
          const value = s(fields) as string | null | undefined;
          if (value == null) return null;
          const ts = Timestamp.parse(value.trim());
          if (!ts) throw new SelectError('ValueParseFailure', `TO_TIMESTAMP cannot read ${describe(value)}: expected a timestamp such as 2007-02-23T12:14:33.079-08:00`);
          return ts;
        });
      }
      case 'UTCNOW': {
        const now = this.options.now;
        return { run: () => now, type: TIMESTAMP };
      }
    }
  }

  private atNode<T>(node: Expr, work: () => T): T {
    try {
      return work();
    } catch (err) {
      throw withPosition(err, this.at(node));
    }
  }
}

/** A bigint argument as a JS number, saturating far outside any string or date range. */
function clampToNumber(n: bigint): number {
  return n > 1_000_000_000_000n ? 1e12 : n < -1_000_000_000_000n ? -1e12 : Number(n);
}

function refName(ref: ColumnRef): string {
  return ref.kind === 'position' ? `_${ref.index + 1}` : ref.name;
}

function children(node: Expr): Expr[] {
  switch (node.kind) {
    case 'literal':
    case 'column':
      return [];
    case 'negate':
    case 'not':
      return [node.operand];
    case 'arithmetic':
    case 'compare':
    case 'and':
    case 'or':
      return [node.left, node.right];
    case 'like':
      return [node.value, node.pattern, ...(node.escape ? [node.escape] : [])];
    case 'between':
      return [node.value, node.low, node.high];
    case 'in':
      return [node.value, ...node.items];
    case 'is':
    case 'cast':
      return [node.value];
    case 'case':
      return [...(node.subject ? [node.subject] : []), ...node.branches.flatMap((b) => [b.when, b.then]), ...(node.otherwise ? [node.otherwise] : [])];
    case 'list':
      return node.items;
    case 'call':
      return node.args;
  }
}

export function compileProgram(sql: string, statement: SelectStatement, options: CompileOptions): Program {
  return new Compiler(sql, statement, options).program();
}

/** Resolves the header names a program uses; throws AmbiguousFieldName or MissingHeaderName. */
export function bindHeader(bindings: readonly NameBinding[], header: readonly string[]): void {
  for (const binding of bindings) {
    const matches: number[] = [];
    const wanted = binding.quoted ? binding.name : binding.name.toLowerCase();
    header.forEach((name, i) => {
      if ((binding.quoted ? name : name.toLowerCase()) === wanted) matches.push(i);
    });
    const shown = binding.quoted ? `"${binding.name}"` : binding.name;
    if (matches.length > 1) {
      throw new SelectError(
        'AmbiguousFieldName',
        `${shown} matches ${matches.length} header columns (${matches.map((i) => `"${header[i]}" at _${i + 1}`).join(', ')})${binding.quoted ? '' : ': double-quote the name to match its case exactly'}`,
        binding.position,
      );
    }
    if (matches.length === 0) {
      const caseOnly = binding.quoted ? header.filter((name) => name.toLowerCase() === binding.name.toLowerCase()) : [];
      const hint = caseOnly.length ? `; quoted names match case exactly, the header has ${caseOnly.map((n) => `"${n}"`).join(', ')}` : '';
      throw new SelectError('MissingHeaderName', `${shown} is not a column of the header${hint}`, binding.position);
    }
    binding.index = matches[0];
  }
}
