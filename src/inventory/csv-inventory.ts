// The CSV vault inventory (glacier-api.md §2.16): ArchiveId, ArchiveDescription, CreationDate,
// Size, SHA256TreeHash, one archive per line, after an optional header row.
//
// Glacier's quoting cannot be read by a quote-aware CSV parser: inside quotes a double quote is
// written \" and a backslash is left alone, so `d,1\"2` becomes `"d,1\\"2"`, and a description
// ending in a backslash ends in `\"` like an escaped quote. No CSV dialect (csv-parse's `escape`
// included, which drops the backslash before any character) decodes that. The structure does:
// descriptions are printable ASCII (no line breaks) and only the description can hold a comma or
// a quote. So csv-parse splits lines and commas with quoting off, and the fields between the
// first and the last three are the description, rejoined with commas. A field wrapped in quotes
// loses them and each \" inside becomes ". Every other backslash stays.

import { pipeline, Readable } from 'node:stream';
import { Parser } from 'csv-parse';
import { inventoryEntry, InventoryError, type InventoryEntry } from './inventory-entry.js';

export const CSV_INVENTORY_COLUMNS = ['ArchiveId', 'ArchiveDescription', 'CreationDate', 'Size', 'SHA256TreeHash'] as const;

/** A field as Glacier quotes it, back to its text. */
export function unquoteGlacierField(field: string): string {
  if (field.length < 2 || field[0] !== '"' || field[field.length - 1] !== '"') return field;
  return field.slice(1, -1).replace(/\\"/g, '"');
}

/**
 * One CSV line's fields (split at every comma) as an entry; undefined for the header row. `line`
 * names it in errors.
 */
export function csvInventoryRow(fields: readonly string[], line: number): InventoryEntry | undefined {
  const where = `CSV inventory, line ${line}`;
  if (fields.length < CSV_INVENTORY_COLUMNS.length) {
    throw new InventoryError(`${where}: ${fields.length} field(s); an inventory line has ${CSV_INVENTORY_COLUMNS.length} (${CSV_INVENTORY_COLUMNS.join(', ')})`);
  }
  const last = fields.length - 3;
  const archiveId = unquoteGlacierField(fields[0]);
  const description = unquoteGlacierField(fields.slice(1, last).join(','));
  const [created, size, treeHash] = fields.slice(last).map(unquoteGlacierField);
  if (archiveId === CSV_INVENTORY_COLUMNS[0]) {
    const header = [archiveId, description, created, size, treeHash];
    if (line === 1 && header.every((name, i) => name === CSV_INVENTORY_COLUMNS[i])) return undefined;
    throw new InventoryError(`${where}: a header row (${header.join(',')}) where ${line === 1 ? CSV_INVENTORY_COLUMNS.join(',') : 'an archive'} should be`);
  }
  return inventoryEntry({ archiveId, description, created, size, treeHash }, where);
}

/** Every entry of a CSV inventory read from `source`, as the bytes arrive. LF or CRLF line ends (as the first line has it). */
export async function* csvInventoryEntries(source: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<InventoryEntry> {
  const parser = new Parser({ quote: false, relax_column_count: true, skip_empty_lines: true, info: true });
  // Errors on either side destroy both; the loop sees them thrown.
  const rows = pipeline(Readable.from(source), parser, () => {});
  for await (const { record, info } of rows as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const entry = csvInventoryRow(record, info.lines);
    if (entry) yield entry;
  }
}
