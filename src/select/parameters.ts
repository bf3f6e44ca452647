// SelectParameters as the Glacier API's JSON has them (glacier-api.md §7.1), validated, with the
// defaults filled in, and turned into csv-parse and csv-stringify options.

import type { Options as ParseOptions } from 'csv-parse';
import type { Options as StringifyOptions } from 'csv-stringify';
import { SelectError, type SelectErrorCode } from './errors.js';
import type { HeaderMode } from './compile.js';

/** InputSerialization.csv, as sent on the wire (every member optional). */
export interface CsvInputSerialization {
  FileHeaderInfo?: string;
  Comments?: string;
  QuoteEscapeCharacter?: string;
  RecordDelimiter?: string;
  FieldDelimiter?: string;
  QuoteCharacter?: string;
}

/** OutputSerialization.csv, as sent on the wire (every member optional). */
export interface CsvOutputSerialization {
  QuoteFields?: string;
  QuoteEscapeCharacter?: string;
  RecordDelimiter?: string;
  FieldDelimiter?: string;
  QuoteCharacter?: string;
}

/** InitiateJob's `SelectParameters`. */
export interface SelectParameters {
  Expression: string;
  ExpressionType: string;
  InputSerialization?: { csv?: CsvInputSerialization };
  OutputSerialization?: { csv?: CsvOutputSerialization };
}

/** CSV input settings with every default applied. */
export interface CsvInput {
  fileHeaderInfo: HeaderMode;
  /** null: no comment lines. */
  comments: string | null;
  quoteEscapeCharacter: string;
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
}

/** CSV output settings with every default applied. */
export interface CsvOutput {
  quoteFields: 'ALWAYS' | 'ASNEEDED';
  quoteEscapeCharacter: string;
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
}

/**
 * Defaults (docs/select.md): only FieldDelimiter "," is documented for Glacier; Comments "#" and
 * QuoteCharacter '"' are S3 Select's documented defaults; the rest follow the third-party MinIO
 * engine (glacier-api.md §7.1). FileHeaderInfo NONE reads the first line as data.
 */
export const DEFAULT_CSV_INPUT: Readonly<CsvInput> = {
  fileHeaderInfo: 'NONE',
  comments: '#',
  quoteEscapeCharacter: '"',
  recordDelimiter: '\n',
  fieldDelimiter: ',',
  quoteCharacter: '"',
};

export const DEFAULT_CSV_OUTPUT: Readonly<CsvOutput> = {
  quoteFields: 'ASNEEDED',
  quoteEscapeCharacter: '"',
  recordDelimiter: '\n',
  fieldDelimiter: ',',
  quoteCharacter: '"',
};

export interface ResolvedSelectParameters {
  expression: string;
  input: CsvInput;
  output: CsvOutput;
}

const INPUT_MEMBERS = ['FileHeaderInfo', 'Comments', 'QuoteEscapeCharacter', 'RecordDelimiter', 'FieldDelimiter', 'QuoteCharacter'];
const OUTPUT_MEMBERS = ['QuoteFields', 'QuoteEscapeCharacter', 'RecordDelimiter', 'FieldDelimiter', 'QuoteCharacter'];

function invalid(code: SelectErrorCode, reason: string): never {
  throw new SelectError(code, reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(text: string): string {
  return JSON.stringify(text);
}

/** The members of an object, refusing any not in `known`; null members count as absent. */
function members(value: unknown, where: string, known: string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) invalid('InvalidRequestParameter', `${where} must be an object`);
  const present: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null || member === undefined) continue;
    if (!known.includes(key)) invalid('InvalidRequestParameter', `${where}.${key} is not a Glacier Select parameter (known: ${known.join(', ')})`);
    present[key] = member;
  }
  return present;
}

function text(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') invalid('InvalidRequestParameter', `${where} must be a string`);
  return value;
}

/** One character (one code point); a RecordDelimiter may also be "\r\n"; Comments may be "" (none). */
function character(value: unknown, where: string, options: { crlf?: boolean; empty?: boolean } = {}): string | undefined {
  const s = text(value, where);
  if (s === undefined) return undefined;
  if (options.empty && s === '') return s;
  if (options.crlf && s === '\r\n') return s;
  if (Array.from(s).length !== 1) {
    const allowed = options.crlf ? 'one character, or "\\r\\n"' : options.empty ? 'one character, or "" for none' : 'one character';
    invalid('InvalidRequestParameter', `${where} must be ${allowed}, got ${show(s)}`);
  }
  return s;
}

function enumeration<T extends string>(value: unknown, where: string, allowed: readonly T[], code: SelectErrorCode): T | undefined {
  const s = text(value, where);
  if (s === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === s.toUpperCase());
  if (!match) invalid(code, `${where} must be ${allowed.join(', ')} (any case), got ${show(s)}`);
  return match;
}

/** Delimiters and quotes must be told apart: no character may play two roles. */
function checkDistinct(where: string, roles: [string, string | null][]): void {
  for (let i = 0; i < roles.length; i++) {
    for (let j = i + 1; j < roles.length; j++) {
      const [nameA, a] = roles[i];
      const [nameB, b] = roles[j];
      if (a && b && (a === b || a.includes(b) || b.includes(a))) {
        invalid('InvalidRequestParameter', `${where}.${nameA} and ${where}.${nameB} are both ${show(a.length >= b.length ? a : b)}: they must differ`);
      }
    }
  }
}

function resolveCsvInput(value: unknown, where = 'InputSerialization.csv'): CsvInput {
  const given = members(value, where, INPUT_MEMBERS);
  const fieldDelimiter = character(given.FieldDelimiter, `${where}.FieldDelimiter`);
  // The Glacier API allows only "\n", "\r" or printable ASCII (32–126) as an input field delimiter.
  if (fieldDelimiter !== undefined && !/^[\n\r\x20-\x7e]$/.test(fieldDelimiter)) {
    invalid('InvalidRequestParameter', `${where}.FieldDelimiter must be "\\n", "\\r" or a printable ASCII character, got ${show(fieldDelimiter)}`);
  }
  const comments = character(given.Comments, `${where}.Comments`, { empty: true });
  const input: CsvInput = {
    fileHeaderInfo: enumeration(given.FileHeaderInfo, `${where}.FileHeaderInfo`, ['USE', 'IGNORE', 'NONE'] as const, 'InvalidFileHeaderInfo') ?? DEFAULT_CSV_INPUT.fileHeaderInfo,
    comments: comments === undefined ? DEFAULT_CSV_INPUT.comments : comments === '' ? null : comments,
    quoteEscapeCharacter: character(given.QuoteEscapeCharacter, `${where}.QuoteEscapeCharacter`) ?? DEFAULT_CSV_INPUT.quoteEscapeCharacter,
    recordDelimiter: character(given.RecordDelimiter, `${where}.RecordDelimiter`, { crlf: true }) ?? DEFAULT_CSV_INPUT.recordDelimiter,
    fieldDelimiter: fieldDelimiter ?? DEFAULT_CSV_INPUT.fieldDelimiter,
    quoteCharacter: character(given.QuoteCharacter, `${where}.QuoteCharacter`) ?? DEFAULT_CSV_INPUT.quoteCharacter,
  };
  checkDistinct(where, [
    ['FieldDelimiter', input.fieldDelimiter],
    ['RecordDelimiter', input.recordDelimiter],
    ['QuoteCharacter', input.quoteCharacter],
    ['Comments', input.comments],
  ]);
  checkDistinct(where, [
    ['FieldDelimiter', input.fieldDelimiter],
    ['RecordDelimiter', input.recordDelimiter],
    ['QuoteEscapeCharacter', input.quoteEscapeCharacter],
  ]);
  return input;
}

function resolveCsvOutput(value: unknown, where = 'OutputSerialization.csv'): CsvOutput {
  const given = members(value, where, OUTPUT_MEMBERS);
  const output: CsvOutput = {
    quoteFields: enumeration(given.QuoteFields, `${where}.QuoteFields`, ['ALWAYS', 'ASNEEDED'] as const, 'InvalidQuoteFields') ?? DEFAULT_CSV_OUTPUT.quoteFields,
    quoteEscapeCharacter: character(given.QuoteEscapeCharacter, `${where}.QuoteEscapeCharacter`) ?? DEFAULT_CSV_OUTPUT.quoteEscapeCharacter,
    recordDelimiter: character(given.RecordDelimiter, `${where}.RecordDelimiter`, { crlf: true }) ?? DEFAULT_CSV_OUTPUT.recordDelimiter,
    fieldDelimiter: character(given.FieldDelimiter, `${where}.FieldDelimiter`) ?? DEFAULT_CSV_OUTPUT.fieldDelimiter,
    quoteCharacter: character(given.QuoteCharacter, `${where}.QuoteCharacter`) ?? DEFAULT_CSV_OUTPUT.quoteCharacter,
  };
  checkDistinct(where, [
    ['FieldDelimiter', output.fieldDelimiter],
    ['RecordDelimiter', output.recordDelimiter],
    ['QuoteCharacter', output.quoteCharacter],
  ]);
  checkDistinct(where, [
    ['FieldDelimiter', output.fieldDelimiter],
    ['RecordDelimiter', output.recordDelimiter],
    ['QuoteEscapeCharacter', output.quoteEscapeCharacter],
  ]);
  return output;
}

/** Validates InitiateJob's SelectParameters (the JSON shape) and applies the defaults. */
export function resolveSelectParameters(value: unknown): ResolvedSelectParameters {
  if (!isObject(value)) invalid('InvalidRequestParameter', 'SelectParameters must be an object');
  const given = members(value, 'SelectParameters', ['Expression', 'ExpressionType', 'InputSerialization', 'OutputSerialization']);
  if (given.Expression === undefined || given.Expression === '') invalid('MissingRequiredParameter', 'SelectParameters.Expression is required');
  if (given.ExpressionType === undefined) invalid('MissingRequiredParameter', 'SelectParameters.ExpressionType is required (it is "SQL")');
  const expression = text(given.Expression, 'SelectParameters.Expression')!;
  enumeration(given.ExpressionType, 'SelectParameters.ExpressionType', ['SQL'] as const, 'InvalidExpressionType');
  const input = serialization(given.InputSerialization, 'SelectParameters.InputSerialization');
  const output = serialization(given.OutputSerialization, 'SelectParameters.OutputSerialization');
  return {
    expression,
    input: resolveCsvInput(input, 'SelectParameters.InputSerialization.csv'),
    output: resolveCsvOutput(output, 'SelectParameters.OutputSerialization.csv'),
  };
}

/** `{ csv: {...} }`: Glacier Select reads and writes CSV only. */
function serialization(value: unknown, where: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) invalid('InvalidRequestParameter', `${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (key === 'csv' || value[key] === null || value[key] === undefined) continue;
    if (['json', 'parquet', 'JSON', 'Parquet', 'CSV'].includes(key)) {
      invalid('InvalidDataSource', `${where}.${key}: Glacier Select reads and writes CSV only, under the lower-case member "csv"`);
    }
    invalid('InvalidRequestParameter', `${where}.${key} is not a Glacier Select parameter (the only member is "csv")`);
  }
  return value.csv;
}

/** Largest input or output record, in bytes of field content (glacier-api.md §3: 1 MB). */
export const MAX_RECORD_BYTES = 1_048_576;

export function csvParseOptions(input: CsvInput): ParseOptions {
  return {
    delimiter: input.fieldDelimiter,
    // A "\n" delimiter also ends records at "\r\n", so files written on Windows read cleanly.
    record_delimiter: input.recordDelimiter === '\n' ? ['\n', '\r\n'] : [input.recordDelimiter],
    quote: input.quoteCharacter,
    escape: input.quoteEscapeCharacter,
    comment: input.comments ?? undefined,
    comment_no_infix: true,
    relax_column_count: true,
    bom: true,
    // Guards memory against a runaway record (an unclosed quote); the exact limit is the engine's.
    max_record_size: MAX_RECORD_BYTES,
  };
}

export function csvStringifyOptions(output: CsvOutput): StringifyOptions {
  const always = output.quoteFields === 'ALWAYS';
  return {
    delimiter: output.fieldDelimiter,
    record_delimiter: output.recordDelimiter,
    quote: output.quoteCharacter,
    escape: output.quoteEscapeCharacter,
    quoted: always,
    quoted_empty: always,
    eof: true,
  };
}

/** csv-parse options that read back what the engine writes: for consumers of result objects. */
export function resultParseOptions(output: CsvOutput): ParseOptions {
  return {
    delimiter: output.fieldDelimiter,
    record_delimiter: [output.recordDelimiter],
    quote: output.quoteCharacter,
    escape: output.quoteEscapeCharacter,
    relax_column_count: true,
  };
}
