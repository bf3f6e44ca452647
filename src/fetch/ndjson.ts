// Result rows as NDJSON: each CSV record becomes one JSON object whose keys are the query's
// column names where they are known and `_1`, `_2`, … where they are not. The CSV is parsed with
// the job's own output serialization, so quoted delimiters and new lines come back as they were.

import { pipeline, Readable } from 'node:stream';
import { Parser, type Options as ParseOptions } from 'csv-parse';

/**
 * Keys for a record of `width` fields: the known names, `_N` for positions past them. A name
 * already taken by an earlier column gives way to its own position (`SELECT a, a` → `a`, `_2`),
 * so no value is lost to a repeated key.
 */
export function fieldNames(known: readonly string[] | undefined, width: number): string[] {
  const names: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < width; i++) {
    const wanted = known?.[i];
    const name = wanted !== undefined && !taken.has(wanted) ? wanted : `_${i + 1}`;
    names.push(name);
    taken.add(name);
  }
  return names;
}

const BATCH_BYTES = 64 * 1024;

/** NDJSON bytes for the CSV bytes of `csv`, in batches of whole lines. */
export async function* csvToNdjson(csv: AsyncIterable<Buffer>, parseOptions: ParseOptions, columns: readonly string[] | undefined): AsyncGenerator<Buffer> {
  // Errors on either side destroy both; the loop below sees them thrown.
  const records = pipeline(Readable.from(csv), new Parser(parseOptions), () => {});
  const namesByWidth = new Map<number, string[]>();
  let batch = '';
  for await (const fields of records as AsyncIterable<string[]>) {
    let names = namesByWidth.get(fields.length);
    if (!names) namesByWidth.set(fields.length, (names = fieldNames(columns, fields.length)));
    const row: Record<string, string> = {};
    for (let i = 0; i < fields.length; i++) row[names[i]] = fields[i];
    batch += `${JSON.stringify(row)}\n`;
    if (batch.length >= BATCH_BYTES) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch !== '') yield Buffer.from(batch);
}
