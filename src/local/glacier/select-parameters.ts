// A select job's SelectParameters and OutputLocation, checked while InitiateJob is answered, as
// Glacier does: a query the engine refuses never becomes a job. SelectParameters are the SQL
// engine's to judge (src/select, the one parser of them in the project); this file only turns
// its verdict into Glacier's error shape.

import { outputLocationProblem } from '../../jobs/output-location.js';
import { compileSelect, SelectError, type CompiledSelect } from '../../select/index.js';
import { GlacierError, invalidParameter, missingParameter } from './errors.js';

export interface OutputTarget {
  bucket: string;
  prefix: string;
}

type Json = Record<string, unknown>;

/**
 * Compiles the job's query. Every refusal is a 400: MissingParameterValueException for a missing
 * Expression or ExpressionType, InvalidParameterValueException for everything else (syntax,
 * unsupported features, bad CSV members, an expression over 128 KiB), with the engine's code
 * first in the message: `ParseUnsupportedSyntax: line 1, column 31: ORDER BY is not supported ...`.
 */
export function compileJobQuery(value: unknown): CompiledSelect {
  if (value === undefined || value === null) throw missingParameter('SelectParameters');
  try {
    return compileSelect(value);
  } catch (err) {
    if (!(err instanceof SelectError)) throw err;
    const code = err.code === 'MissingRequiredParameter' ? 'MissingParameterValueException' : 'InvalidParameterValueException';
    throw new GlacierError(400, code, `${err.code}: ${err.message}`);
  }
}

function object(value: unknown, name: string): Json {
  if (value === undefined || value === null) throw missingParameter(name);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`Invalid ${name}: it must be a JSON object.`);
  return value as Json;
}

function requiredString(parent: Json, key: string, path: string): string {
  const value = parent[key];
  if (value === undefined || value === null) throw missingParameter(`${path}.${key}`);
  if (typeof value !== 'string') throw invalidParameter(`Invalid ${path}.${key}: it must be a string.`);
  return value;
}

export function parseOutputLocation(value: unknown): OutputTarget {
  const location = object(value, 'OutputLocation');
  const s3 = object(location.S3, 'OutputLocation.S3');
  const bucket = requiredString(s3, 'BucketName', 'OutputLocation.S3');
  const prefix = requiredString(s3, 'Prefix', 'OutputLocation.S3');
  const problem = outputLocationProblem(bucket, prefix);
  if (problem) throw invalidParameter(`Invalid OutputLocation.S3: ${problem}.`);
  return { bucket, prefix };
}
