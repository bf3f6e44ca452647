// A regular file becomes an archive whose parts point into the file: no byte is copied.

import { resolve } from 'node:path';
import { RECORD_VERSION, type EndRecord, type PartRecord, type UploadRecord } from '../records/types.js';

export interface ArchiveLabel {
  /** The source name written on the upload record. */
  name: string;
  description: string;
  partSize: number;
}

/**
 * The upload records for `size` bytes of the file at `path`, parts by reference. `file` on each
 * part is the absolute path, so a later stage may run from another directory.
 */
export function* fileUploadRecords(path: string, size: number, label: ArchiveLabel): Generator<UploadRecord | PartRecord | EndRecord> {
  const file = resolve(path);
  const { partSize } = label;
  yield { type: 'upload', v: RECORD_VERSION, name: label.name, description: label.description, partSize, size };
  let index = 0;
  for (let start = 0; start < size; start += partSize) {
    yield { type: 'part', index: index++, start, size: Math.min(partSize, size - start), file };
  }
  yield { type: 'end', size, parts: index };
}
