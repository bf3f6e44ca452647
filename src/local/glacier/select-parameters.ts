// Validation of a select job's SelectParameters and OutputLocation (§7.1, §3), done while
// InitiateJob is answered, as Glacier does: a bad request never becomes a job.

import type { CsvInputOptions, CsvOutputOptions, SelectQuery } from '../select-runner.js';
import { invalidParameter, missingParameter } from './errors.js';

/** The SQL expression limit: "128 KB" in the Glacier guide, taken as 128 KiB of UTF-8. */
export const MAX_EXPRESSION_BYTES = 128 * 1024;
/** The S3 location (bucket, prefix and the separating slash) may not exceed 512 bytes. */
export const MAX_LOCATION_BYTES = 512;

export interface OutputTarget {
  bucket: string;
  prefix: string;
}

type Json = Record<string, unknown>;

function object(value: unknown, name: string): Json {
  if (value === undefined || value === null) throw missingParameter(name);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`Invalid ${name}: it must be a JSON object.`);
  return value as Json;
}

function optionalString(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Invalid ${path}.${key}: it must be a string.`);
  return value;
}

function requiredString(parent: Json, key: string, path: string): string {
  const value = optionalString(parent, key, path);
  if (value === undefined) throw missingParameter(`${path}.${key}`);
  return value;
}

/** A delimiter or quote: one character; a field delimiter may be \n, \r or ASCII 32–126 (§7.1). */
function character(parent: Json, key: string, path: string, fallback: string): string {
  const value = optionalString(parent, key, path) ?? fallback;
  if ([...value].length !== 1) throw invalidParameter(`Invalid ${path}.${key}: "${value}" is not a single character.`);
  if (key === 'FieldDelimiter' && !/^[\n\r\x20-\x7e]$/.test(value)) {
    throw invalidParameter(`Invalid ${path}.${key}: it must be \\n, \\r or a printable ASCII character.`);
  }
  return value;
}

function onlyCsv(serialization: Json, path: string): Json {
  for (const key of Object.keys(serialization)) {
    if (key !== 'csv') throw invalidParameter(`Invalid ${path}: Glacier Select reads and writes CSV only ("${key}" is not supported).`);
  }
  return serialization.csv === undefined || serialization.csv === null ? {} : object(serialization.csv, `${path}.csv`);
}

export function parseSelectParameters(value: unknown): SelectQuery {
  const parameters = object(value, 'SelectParameters');
  const expression = requiredString(parameters, 'Expression', 'SelectParameters');
  const expressionType = requiredString(parameters, 'ExpressionType', 'SelectParameters');
  if (expressionType !== 'SQL') throw invalidParameter(`Invalid SelectParameters.ExpressionType: ${expressionType}. The only type is SQL.`);
  if (Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES) {
    throw invalidParameter(`Invalid SelectParameters.Expression: it is longer than ${MAX_EXPRESSION_BYTES} bytes.`);
  }
  const inputPath = 'SelectParameters.InputSerialization.csv';
  const outputPath = 'SelectParameters.OutputSerialization.csv';
  const csvIn = onlyCsv(object(parameters.InputSerialization ?? {}, 'SelectParameters.InputSerialization'), 'SelectParameters.InputSerialization');
  const csvOut = onlyCsv(object(parameters.OutputSerialization ?? {}, 'SelectParameters.OutputSerialization'), 'SelectParameters.OutputSerialization');

  const headerInfo = (optionalString(csvIn, 'FileHeaderInfo', inputPath) ?? 'NONE').toUpperCase();
  if (headerInfo !== 'USE' && headerInfo !== 'IGNORE' && headerInfo !== 'NONE') {
    throw invalidParameter(`Invalid ${inputPath}.FileHeaderInfo: ${csvIn.FileHeaderInfo}. It must be USE, IGNORE or NONE.`);
  }
  const input: CsvInputOptions = {
    fileHeaderInfo: headerInfo,
    comments: character(csvIn, 'Comments', inputPath, '#'),
    quoteEscapeCharacter: character(csvIn, 'QuoteEscapeCharacter', inputPath, '"'),
    recordDelimiter: character(csvIn, 'RecordDelimiter', inputPath, '\n'),
    fieldDelimiter: character(csvIn, 'FieldDelimiter', inputPath, ','),
    quoteCharacter: character(csvIn, 'QuoteCharacter', inputPath, '"'),
  };
  const quoteFields = (optionalString(csvOut, 'QuoteFields', outputPath) ?? 'ASNEEDED').toUpperCase();
  if (quoteFields !== 'ALWAYS' && quoteFields !== 'ASNEEDED') {
    throw invalidParameter(`Invalid ${outputPath}.QuoteFields: ${csvOut.QuoteFields}. It must be ALWAYS or ASNEEDED.`);
  }
  const output: CsvOutputOptions = {
    quoteFields,
    quoteEscapeCharacter: character(csvOut, 'QuoteEscapeCharacter', outputPath, '"'),
    recordDelimiter: character(csvOut, 'RecordDelimiter', outputPath, '\n'),
    fieldDelimiter: character(csvOut, 'FieldDelimiter', outputPath, ','),
    quoteCharacter: character(csvOut, 'QuoteCharacter', outputPath, '"'),
  };
  return { expression, input, output };
}

export function parseOutputLocation(value: unknown): OutputTarget {
  const location = object(value, 'OutputLocation');
  const s3 = object(location.S3, 'OutputLocation.S3');
  const bucket = requiredString(s3, 'BucketName', 'OutputLocation.S3');
  const prefix = requiredString(s3, 'Prefix', 'OutputLocation.S3');
  if (bucket === '') throw invalidParameter('Invalid OutputLocation.S3.BucketName: it is empty.');
  if (Buffer.byteLength(prefix) > MAX_LOCATION_BYTES || Buffer.byteLength(`${bucket}/${prefix}`) > MAX_LOCATION_BYTES) {
    throw invalidParameter(`Invalid OutputLocation.S3: the S3 location ${bucket}/${prefix.slice(0, 40)}... is longer than ${MAX_LOCATION_BYTES} bytes.`);
  }
  return { bucket, prefix };
}

/** `<prefix>/<jobId>/`, the job's folder in the bucket (an empty prefix gives `<jobId>/`). */
export function jobOutputPath(prefix: string, jobId: string): string {
  return prefix === '' ? `${jobId}/` : `${prefix}/${jobId}/`;
}
