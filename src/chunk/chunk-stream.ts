// A stream of unknown length (a pipe) becomes an archive with its bytes inline: one `data` record
// per 1 MiB leaf, a `part` record after each part's data, and `end` only once the input ended
// cleanly. Memory is one leaf plus what the output holds while it drains.

import { InputError } from '../errors.js';
import { MAX_PARTS } from '../records/limits.js';
import { RECORD_VERSION } from '../records/types.js';
import type { RecordWriter } from '../records/writer.js';
import { LEAF_SIZE } from '../treehash/tree-hash.js';
import { formatBytes } from '../units.js';
import type { ArchiveLabel } from './chunk-file.js';

export interface StreamArchiveOptions extends ArchiveLabel {
  /** Names the input in messages (`stdin` or a path). */
  source: string;
  /** Glacier's 10,000 unless a test needs a smaller limit. */
  maxParts?: number;
}

export interface StreamArchiveSummary {
  size: number;
  parts: number;
}

/**
 * Reads `input` to its end and writes its upload records. Throws InputError for an empty input
 * (Glacier archives hold at least 1 byte) and, as soon as the input outgrows 10,000 parts, for
 * that; in both cases no `end` record is written, so nothing downstream can take the archive as
 * whole.
 */
export async function chunkStream(input: AsyncIterable<Buffer>, writer: RecordWriter, options: StreamArchiveOptions): Promise<StreamArchiveSummary> {
  const { partSize, source } = options;
  const maxParts = options.maxParts ?? MAX_PARTS;
  const limit = maxParts * partSize;
  const leaf = Buffer.allocUnsafe(LEAF_SIZE);
  let fill = 0;
  let size = 0; // bytes written out in data records
  let parts = 0;

  const flushLeaf = async () => {
    if (size === 0) await writer.write({ type: 'upload', v: RECORD_VERSION, name: options.name, description: options.description, partSize, size: null });
    const part = Math.floor(size / partSize);
    await writer.writeData(part, size, leaf.subarray(0, fill));
    size += fill;
    fill = 0;
    if (size % partSize === 0) await writePart(part, partSize);
  };
  const writePart = async (index: number, bytes: number) => {
    await writer.write({ type: 'part', index, start: index * partSize, size: bytes });
    parts = index + 1;
  };

  for await (const chunk of input) {
    if (size + fill + chunk.length > limit) {
      throw new InputError(
        source,
        undefined,
        `the input is larger than ${maxParts} parts of ${formatBytes(partSize)} (${formatBytes(limit)}), Glacier's limit for this part size: ` +
          'run again with --size-hint (the expected size) or a larger --part-size; no end record was written',
        'TOO_MANY_PARTS',
      );
    }
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(LEAF_SIZE - fill, chunk.length - at);
      chunk.copy(leaf, fill, at, at + take);
      fill += take;
      at += take;
      if (fill === LEAF_SIZE) await flushLeaf();
    }
  }
  if (fill > 0) await flushLeaf();
  if (size === 0) throw new InputError(source, undefined, 'empty input; a Glacier archive holds at least 1 byte', 'EMPTY_INPUT');
  if (size % partSize !== 0) await writePart(Math.floor(size / partSize), size % partSize);
  await writer.write({ type: 'end', size, parts });
  return { size, parts };
}
