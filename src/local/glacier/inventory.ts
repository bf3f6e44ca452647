// A vault inventory (§2.16), built from the vault's live state when the job completes: JSON or
// CSV, filtered by creation date, one page of `Limit` archives from `Marker` on.

import type { InventoryRequest } from './job-record.js';
import type { ArchiveMeta } from './store.js';

export const CSV_HEADER = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash';

export interface InventoryPage {
  body: Buffer;
  contentType: 'application/json' | 'text/csv';
  /** Where the next page starts, or null when this page reaches the end. */
  nextMarker: string | null;
}

interface MarkerKey {
  creationDate: string;
  archiveId: string;
}

/** Markers are opaque to clients: the sort key of the next archive, base64url-encoded. */
function encodeMarker(archive: ArchiveMeta): string {
  return Buffer.from(JSON.stringify([archive.creationDate, archive.archiveId])).toString('base64url');
}

export function decodeInventoryMarker(marker: string): MarkerKey | undefined {
  try {
    const [creationDate, archiveId] = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as unknown[];
    return typeof creationDate === 'string' && typeof archiveId === 'string' ? { creationDate, archiveId } : undefined;
  } catch {
    return undefined;
  }
}

function compareKey(a: MarkerKey, b: MarkerKey): number {
  return a.creationDate.localeCompare(b.creationDate) || a.archiveId.localeCompare(b.archiveId);
}

export function buildInventory(vaultArn: string, archives: Iterable<ArchiveMeta>, request: InventoryRequest, inventoryDate: string): InventoryPage {
  const start = request.startDate === null ? -Infinity : Date.parse(request.startDate);
  const end = request.endDate === null ? Infinity : Date.parse(request.endDate);
  const from = request.marker === null ? undefined : decodeInventoryMarker(request.marker);
  let selected = [...archives]
    .filter((archive) => {
      const created = Date.parse(archive.creationDate);
      return created >= start && created < end;
    })
    .sort(compareKey);
  if (from) selected = selected.filter((archive) => compareKey(archive, from) >= 0);
  const limit = request.limit === null ? Infinity : Number(request.limit);
  const page = selected.slice(0, limit);
  const next = selected[page.length];
  const nextMarker = next ? encodeMarker(next) : null;

  if (request.format === 'CSV') {
    const rows = page.map((a) => [a.archiveId, csvQuote(a.description ?? ''), a.creationDate, String(a.size), a.treeHash].join(','));
    return { body: Buffer.from([CSV_HEADER, ...rows].join('\n') + '\n'), contentType: 'text/csv', nextMarker };
  }
  const document = {
    VaultARN: vaultArn,
    InventoryDate: inventoryDate,
    ArchiveList: page.map((a) => ({
      ArchiveId: a.archiveId,
      ArchiveDescription: a.description ?? '',
      CreationDate: a.creationDate,
      Size: a.size,
      SHA256TreeHash: a.treeHash,
    })),
  };
  return { body: Buffer.from(JSON.stringify(document)), contentType: 'application/json', nextMarker };
}

/**
 * Glacier's CSV quoting: the description is always quoted, a double quote inside is written \"
 * and a backslash is left as it is (so `d,1"2` becomes `"d,1\"2"`).
 */
export function csvQuote(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}
