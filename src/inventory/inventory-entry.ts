// One archive of a vault inventory (glacier-api.md §2.16), checked, and the ledger record it
// becomes. Both inventory formats (JSON and CSV) yield these.

import { PipesError } from '../errors.js';
import { RECORD_VERSION, type ArchiveRecord } from '../records/types.js';

export interface InventoryEntry {
  archiveId: string;
  description: string;
  /** CreationDate as Glacier wrote it. */
  created: string;
  size: number;
  treeHash: string;
}

/** An inventory that cannot be read: where (entry number, line or byte) and what is wrong. */
export class InventoryError extends PipesError {
  constructor(message: string) {
    super('BAD_INVENTORY', message);
    this.name = 'InventoryError';
  }
}

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * The entry's fields checked and normalised (tree hash in lower case), or an InventoryError naming
 * `where`. Values arrive as JSON values (JSON inventory) or strings (CSV inventory).
 */
export function inventoryEntry(fields: { archiveId: unknown; description: unknown; created: unknown; size: unknown; treeHash: unknown }, where: string): InventoryEntry {
  const fail = (what: string, value: unknown) => new InventoryError(`${where}: ${what} is ${preview(value)}`);
  const { archiveId, description, created, size, treeHash } = fields;
  if (typeof archiveId !== 'string' || archiveId === '') throw fail('ArchiveId', archiveId);
  if (description !== undefined && description !== null && typeof description !== 'string') throw fail('ArchiveDescription', description);
  if (typeof created !== 'string' || Number.isNaN(Date.parse(created))) throw fail('CreationDate', created);
  const bytes = typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : size;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw fail('Size', size);
  if (typeof treeHash !== 'string' || !HEX_DIGEST.test(treeHash)) throw fail('SHA256TreeHash', treeHash);
  return { archiveId, description: description ?? '', created, size: bytes, treeHash: treeHash.toLowerCase() };
}

/**
 * The ledger record for an inventory entry. An inventory knows no source names, so `name` is the
 * description (which gl-chunk makes from the name by default), empty when there is none.
 */
export function inventoryArchiveRecord(vault: string, entry: InventoryEntry): ArchiveRecord {
  return {
    type: 'archive',
    v: RECORD_VERSION,
    vault,
    archiveId: entry.archiveId,
    treeHash: entry.treeHash,
    size: entry.size,
    description: entry.description,
    name: entry.description,
    created: entry.created,
  };
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
