// The fields of an archive record that are the user's own (tags added with jq, say): they travel
// on into the job records started from it, so they come out again at the other end.

import type { ArchiveRecord } from '../records/types.js';

/** The fields of an archive record that are the ledger's own. */
export const ARCHIVE_FIELDS = new Set(['type', 'v', 'vault', 'archiveId', 'treeHash', 'size', 'description', 'name', 'created']);

/** Every field of `archive` that is not the ledger's own. */
export function userFields(archive: ArchiveRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(archive).filter(([key]) => !ARCHIVE_FIELDS.has(key)));
}
