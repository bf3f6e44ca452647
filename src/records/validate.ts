// Validators for each record type. Each returns what is wrong in words (the reader adds
// `SOURCE:LINE: ` in front), or undefined when the record is fine. Unknown fields are allowed:
// they belong to someone downstream.

import { descriptionProblem, MAX_PARTS, partSizeProblem, tooManyPartsProblem } from './limits.js';
import { RECORD_VERSION, type RecordBase } from './types.js';

type Fields = Record<string, unknown>;

const HEX_DIGEST = /^[0-9a-f]{64}$/;
const VAULT_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
const JOB_ACTIONS = ['select', 'archive-retrieval', 'inventory-retrieval'];
const TIERS = ['Expedited', 'Standard', 'Bulk'];

/** The checks every record passes: a JSON object with a `type`, and a `v` this code understands. */
export function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Fields;
  if (typeof record.type !== 'string' || record.type === '') return 'no "type" (every record needs one)';
  if (record.v !== undefined) {
    if (!isCount(record.v, 1)) return `"v" is ${JSON.stringify(record.v)}, not a positive whole number`;
    if (record.v > RECORD_VERSION) return `record version ${record.v} is newer than this glacier-pipes understands (${RECORD_VERSION})`;
  }
  return undefined;
}

export function uploadProblem(record: Fields): string | undefined {
  if (record.v === undefined) return 'upload record without "v"';
  const problem =
    field(record, 'name', isNonEmptyString, 'a non-empty string') ??
    prefixed('upload', descriptionProblem(record.description)) ??
    prefixed('upload', partSizeProblem(record.partSize)) ??
    field(record, 'size', (size) => size === null || isCount(size, 1), 'null or a byte count of at least 1');
  if (problem) return problem;
  if (typeof record.size === 'number') return prefixed('upload', tooManyPartsProblem(record.size, record.partSize as number));
  return undefined;
}

export function partProblem(record: Fields): string | undefined {
  return (
    field(record, 'index', (index) => isCount(index, 0) && index < MAX_PARTS, `a part index from 0 to ${MAX_PARTS - 1}`) ??
    field(record, 'start', (start) => isCount(start, 0), 'a byte offset') ??
    field(record, 'size', (size) => isCount(size, 1), 'a byte count of at least 1') ??
    optional(record, 'file', isNonEmptyString, 'a non-empty file path') ??
    optional(record, 'treeHash', isHexDigest, '64 lower-case hex digits') ??
    optional(record, 'sha256', isHexDigest, '64 lower-case hex digits')
  );
}

/** The fields of a data record that went through JSON.parse; dataProblem (data-line.ts) checks the values, on both paths. */
export function dataFieldsProblem(record: Fields): string | undefined {
  return (
    field(record, 'part', (part) => isCount(part, 0), 'a part index') ??
    field(record, 'offset', (offset) => isCount(offset, 0), 'a byte offset') ??
    field(record, 'data', (data) => typeof data === 'string', 'a base64 string')
  );
}

export function endProblem(record: Fields): string | undefined {
  return (
    field(record, 'size', (size) => isCount(size, 1), 'a byte count of at least 1') ??
    field(record, 'parts', (parts) => isCount(parts, 1) && parts <= MAX_PARTS, `a part count from 1 to ${MAX_PARTS}`) ??
    optional(record, 'treeHash', isHexDigest, '64 lower-case hex digits')
  );
}

export function archiveProblem(record: Fields): string | undefined {
  if (record.v === undefined) return 'archive record without "v"';
  return (
    field(record, 'vault', isVaultName, 'a vault name (1-255 of A-Z a-z 0-9 _ - .)') ??
    field(record, 'archiveId', isNonEmptyString, 'a non-empty string') ??
    field(record, 'treeHash', isHexDigest, '64 lower-case hex digits') ??
    field(record, 'size', (size) => isCount(size, 1), 'a byte count of at least 1') ??
    prefixed('archive', descriptionProblem(record.description)) ??
    field(record, 'name', (name) => typeof name === 'string', 'a string') ??
    field(record, 'created', isTimestamp, 'an ISO 8601 time')
  );
}

export function jobProblem(record: Fields): string | undefined {
  if (record.v === undefined) return 'job record without "v"';
  const problem =
    field(record, 'vault', isVaultName, 'a vault name (1-255 of A-Z a-z 0-9 _ - .)') ??
    field(record, 'jobId', isNonEmptyString, 'a non-empty string') ??
    field(record, 'action', (action) => JOB_ACTIONS.includes(action as string), JOB_ACTIONS.join(', ')) ??
    optional(record, 'archiveId', isNonEmptyString, 'a non-empty string') ??
    optional(record, 'tier', (tier) => TIERS.includes(tier as string), TIERS.join(', ')) ??
    field(record, 'created', isTimestamp, 'an ISO 8601 time') ??
    optional(record, 'output', isOutputLocation, 'an object with string bucket, prefix and path') ??
    optional(record, 'columns', (columns) => Array.isArray(columns) && columns.every((c) => typeof c === 'string'), 'a list of strings') ??
    optional(record, 'range', isByteRange, 'an object with start <= end byte offsets') ??
    optional(record, 'treeHash', isHexDigest, '64 lower-case hex digits') ??
    optional(record, 'size', (size) => isCount(size, 1), 'a byte count of at least 1') ??
    optional(record, 'format', (format) => format === 'CSV' || format === 'JSON', 'CSV or JSON') ??
    optional(record, 'name', (name) => typeof name === 'string', 'a string');
  if (problem) return problem;
  if (record.action !== 'inventory-retrieval' && record.archiveId === undefined) return `a ${record.action} job record needs "archiveId"`;
  if (record.action === 'select' && record.output === undefined) return 'a select job record needs "output"';
  return undefined;
}

export function vaultProblem(record: Fields): string | undefined {
  if (record.v === undefined) return 'vault record without "v"';
  return (
    field(record, 'name', isVaultName, 'a vault name (1-255 of A-Z a-z 0-9 _ - .)') ??
    field(record, 'arn', isNonEmptyString, 'a non-empty string') ??
    field(record, 'created', isTimestamp, 'an ISO 8601 time') ??
    field(record, 'archives', (n) => n === null || isCount(n, 0), 'null or a count') ??
    field(record, 'size', (n) => n === null || isCount(n, 0), 'null or a byte count') ??
    field(record, 'lastInventory', (time) => time === null || isTimestamp(time), 'null or an ISO 8601 time')
  );
}

/** A deleted record is the archive record it came from, with `type` changed and `deleted` added. */
export function deletedProblem(record: Fields): string | undefined {
  return archiveProblem(record) ?? field(record, 'deleted', isTimestamp, 'an ISO 8601 time');
}

const BY_TYPE: Record<string, (record: Fields) => string | undefined> = {
  upload: uploadProblem,
  part: partProblem,
  data: dataFieldsProblem,
  end: endProblem,
  archive: archiveProblem,
  job: jobProblem,
  vault: vaultProblem,
  deleted: deletedProblem,
};

/** The envelope checks, then the checks of the record's type when it is one this code knows. */
export function recordProblem(value: unknown): string | undefined {
  const problem = envelopeProblem(value);
  if (problem) return problem;
  const record = value as RecordBase;
  return BY_TYPE[record.type]?.(record);
}

function field(record: Fields, name: string, ok: (value: unknown) => boolean, expected: string): string | undefined {
  if (!(name in record)) return `${record.type} record without "${name}"`;
  return ok(record[name]) ? undefined : `${record.type} "${name}" is ${preview(record[name])}, not ${expected}`;
}

function optional(record: Fields, name: string, ok: (value: unknown) => boolean, expected: string): string | undefined {
  return record[name] === undefined ? undefined : field(record, name, ok, expected);
}

function prefixed(type: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${type}: ${problem}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function isHexDigest(value: unknown): boolean {
  return typeof value === 'string' && HEX_DIGEST.test(value);
}

function isVaultName(value: unknown): boolean {
  return typeof value === 'string' && VAULT_NAME.test(value);
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isOutputLocation(value: unknown): boolean {
  const output = value as Fields;
  return typeof output === 'object' && output !== null && ['bucket', 'prefix', 'path'].every((key) => typeof output[key] === 'string');
}

function isByteRange(value: unknown): boolean {
  const range = value as Fields;
  return typeof range === 'object' && range !== null && isCount(range.start, 0) && isCount(range.end, 0) && (range.start as number) <= (range.end as number);
}
