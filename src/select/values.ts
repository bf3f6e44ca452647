// Run-time values and the operations on them.
//
//   string → JS string      int → bigint (64-bit range checked)   float → number
//   decimal → Decimal       bool → boolean                        timestamp → Timestamp
//   list → Value[]          NULL → null                           MISSING → undefined
//
// CSV fields are strings; only CAST and the functions produce other types (§8.3).

import { Decimal, DecimalOverflow } from './decimal.js';
import { SelectError } from './errors.js';
import { Timestamp } from './timestamp.js';

export type Value = string | bigint | number | boolean | Decimal | Timestamp | Value[] | null | undefined;

export type CastType = 'bool' | 'int' | 'string' | 'float' | 'decimal' | 'timestamp';

export const INT_MIN = -(2n ** 63n);
export const INT_MAX = 2n ** 63n - 1n;

export function typeName(value: Value): string {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'missing';
  }
  if (value === null) return 'null';
  if (value instanceof Decimal) return 'decimal';
  if (value instanceof Timestamp) return 'timestamp';
  return 'list';
}

/** Quotes a value for an error message, shortened so a 1 MB field does not flood stderr. */
export function describe(value: Value): string {
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `'${text.replaceAll("'", "''")}'`;
  }
  if (value === null) return 'NULL';
  if (value === undefined) return 'MISSING';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value instanceof Timestamp) return `\`${value.toString()}\``;
  return formatValue(value) ?? '';
}

function checkInt(n: bigint): bigint {
  if (n < INT_MIN || n > INT_MAX) throw new SelectError('IntegerOverflow', `integer result ${n} is outside the 64-bit range`);
  return n;
}

function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return '+inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** The text a value takes in a CSV output field; null for NULL and MISSING (an empty field). */
export function formatValue(value: Value): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      return formatFloat(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
  }
  if (value === null) return null;
  if (Array.isArray(value)) throw new SelectError('InvalidDataType', `a list ${describe(value)} cannot be written to CSV`);
  return value.toString();
}

type Category = 'number' | 'string' | 'bool' | 'timestamp' | 'list';

function categoryOf(value: Value): Category {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'bigint':
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
  }
  if (value instanceof Decimal) return 'number';
  if (value instanceof Timestamp) return 'timestamp';
  return 'list';
}

/** Code-point order (as UTF-8 bytes sort), not UTF-16 order: astral characters sort after U+FFFF. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a character above U+FFFF, which sorts after every other character.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumbers(a: bigint | number | Decimal, b: bigint | number | Decimal): number {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : typeof a === 'bigint' ? a : a.toNumber();
    const y = typeof b === 'number' ? b : typeof b === 'bigint' ? b : b.toNumber();
    // bigint and number compare exactly with < and >.
    return x < y ? -1 : x > y ? 1 : x === y || x == y ? 0 : NaN;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'bigint' ? Decimal.fromBigInt(a) : a;
  const y = typeof b === 'bigint' ? Decimal.fromBigInt(b) : b;
  return x.compare(y);
}

/**
 * Ordering of two non-null values of the same kind (numbers with numbers, strings with strings,
 * ...). Values of different kinds cannot be ordered: that is an InvalidDataType error.
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const kind = categoryOf(a);
  if (kind !== categoryOf(b) || kind === 'list') {
    throw new SelectError('InvalidDataType', `cannot order ${typeName(a)} ${describe(a)} against ${typeName(b)} ${describe(b)}${castHint(a, b)}`);
  }
  if (kind === 'number') return compareNumbers(a as bigint, b as bigint);
  if (kind === 'bool') return a === b ? 0 : a ? 1 : -1;
  return (a as Timestamp).compare(b as Timestamp);
}

function castHint(a: Value, b: Value): string {
  const kinds = [categoryOf(a), categoryOf(b)];
  return kinds.includes('string') && !kinds.every((kind) => kind === 'string') ? '; CSV fields are strings: CAST them first' : '';
}

/** SQL `=` on non-null values: values of different kinds are simply not equal. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const kind = categoryOf(a);
  if (kind !== categoryOf(b)) return false;
  if (kind === 'list') {
    const x = a as Value[];
    const y = b as Value[];
    return x.length === y.length && x.every((item, i) => item != null && y[i] != null && valuesEqual(item, y[i]));
  }
  return compareValues(a, b) === 0;
}

// Arithmetic. The result type is the wider of the two: int < decimal < float.

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

function isNumber(value: Value): value is bigint | number | Decimal {
  return typeof value === 'bigint' || typeof value === 'number' || value instanceof Decimal;
}

function toFloat(value: bigint | number | Decimal): number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value.toNumber();
}

export function arithmetic(op: ArithmeticOperator, a: Value, b: Value): Value {
  if (a == null || b == null) return null;
  if (!isNumber(a) || !isNumber(b)) {
    const bad = isNumber(a) ? b : a;
    throw new SelectError('InvalidDataType', `${op} needs numbers, got ${typeName(bad)} ${describe(bad)}${castHint(a, b)}`);
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return checkInt(a + b);
      case '-':
        return checkInt(a - b);
      case '*':
        return checkInt(a * b);
      case '/':
        if (b === 0n) throw new SelectError('DivisionByZero', 'division by zero');
        return checkInt(a / b);
      case '%':
        if (b === 0n) throw new SelectError('DivisionByZero', 'division by zero');
        return a % b;
    }
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toFloat(a);
    const y = toFloat(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return x / y;
      case '%':
        return x % y;
    }
  }
  const x = typeof a === 'bigint' ? Decimal.fromBigInt(a) : (a as Decimal);
  const y = typeof b === 'bigint' ? Decimal.fromBigInt(b) : (b as Decimal);
  try {
    switch (op) {
      case '+':
        return x.add(y);
      case '-':
        return x.subtract(y);
      case '*':
        return x.multiply(y);
      case '/':
        if (y.isZero()) throw new SelectError('DivisionByZero', 'division by zero');
        return x.divide(y);
      case '%':
        if (y.isZero()) throw new SelectError('DivisionByZero', 'division by zero');
        return x.remainder(y);
    }
  } catch (err) {
    if (err instanceof DecimalOverflow) throw new SelectError('IntegerOverflow', err.message);
    throw err;
  }
}

export function negate(value: Value): Value {
  if (value == null) return null;
  if (typeof value === 'bigint') return checkInt(-value);
  if (typeof value === 'number') return -value;
  if (value instanceof Decimal) return value.negate();
  throw new SelectError('InvalidDataType', `unary - needs a number, got ${typeName(value)} ${describe(value)}`);
}

// CAST (§8.5). A value that does not convert is CastFailed; a pair of types that never
// converts (a timestamp to an int) is InvalidCast.

const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const FLOAT_TEXT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function castFailed(value: Value, type: CastType, why: string): SelectError {
  return new SelectError('CastFailed', `cannot CAST ${describe(value)} AS ${type.toUpperCase()}: ${why}`);
}

function invalidCast(value: Value, type: CastType): SelectError {
  return new SelectError('InvalidCast', `a ${typeName(value)} cannot be CAST AS ${type.toUpperCase()}`);
}

export function castValue(value: Value, type: CastType): Value {
  if (value == null) return null;
  if (Array.isArray(value)) throw invalidCast(value, type);
  switch (type) {
    case 'string':
      return formatValue(value);
    case 'int':
      return castToInt(value);
    case 'float':
      return castToFloat(value);
    case 'decimal':
      return castToDecimal(value);
    case 'bool':
      return castToBool(value);
    case 'timestamp':
      if (value instanceof Timestamp) return value;
      if (typeof value !== 'string') throw invalidCast(value, type);
      return Timestamp.parse(value.trim()) ?? fail(castFailed(value, type, 'not a timestamp such as 2007-04-05T14:30Z'));
  }
}

function fail(error: SelectError): never {
  throw error;
}

function castToInt(value: Exclude<Value, null | undefined | Value[]>): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!INTEGER_TEXT.test(text)) throw castFailed(value, 'int', 'not an integer');
    const n = BigInt(text);
    if (n < INT_MIN || n > INT_MAX) throw castFailed(value, 'int', 'outside the 64-bit range');
    return n;
  }
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw castFailed(value, 'int', 'not a finite number');
    const n = BigInt(Math.trunc(value));
    if (n < INT_MIN || n > INT_MAX) throw castFailed(value, 'int', 'outside the 64-bit range');
    return n;
  }
  if (value instanceof Decimal) {
    const n = value.toBigInt();
    if (n < INT_MIN || n > INT_MAX) throw castFailed(value, 'int', 'outside the 64-bit range');
    return n;
  }
  throw invalidCast(value, 'int');
}

function castToFloat(value: Exclude<Value, null | undefined | Value[]>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (FLOAT_TEXT.test(text)) return Number(text);
    const special = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity }[text.toLowerCase()];
    if (special === undefined) throw castFailed(value, 'float', 'not a number');
    return special;
  }
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Decimal) return value.toNumber();
  throw invalidCast(value, 'float');
}

function castToDecimal(value: Exclude<Value, null | undefined | Value[]>): Decimal {
  if (value instanceof Decimal) return value;
  try {
    if (typeof value === 'string') return Decimal.parse(value.trim()) ?? fail(castFailed(value, 'decimal', 'not a number'));
  } catch (err) {
    if (err instanceof DecimalOverflow) throw castFailed(value, 'decimal', 'more than 38 digits before the point');
    throw err;
  }
  if (typeof value === 'bigint') return Decimal.fromBigInt(value);
  if (typeof value === 'boolean') return Decimal.fromBigInt(value ? 1n : 0n);
  if (typeof value === 'number') return Decimal.fromNumber(value) ?? fail(castFailed(value, 'decimal', 'not a finite number'));
  throw invalidCast(value, 'decimal');
}

function castToBool(value: Exclude<Value, null | undefined | Value[]>): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw castFailed(value, 'bool', "only 'true' and 'false' convert");
  }
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof Decimal) return !value.isZero();
  throw invalidCast(value, 'bool');
}
