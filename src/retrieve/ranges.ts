// Byte ranges of archive retrievals (glacier-api.md §2.13, §4.4): what InitiateJob accepts
// (megabyte aligned), what can be verified (tree-hash aligned: only then does Glacier give a tree
// hash for the range), and the pieces a download is cut into so that each piece is a node of the
// archive's tree and comes with its own checksum.

import { isTreeHashAligned, LEAF_SIZE } from '../treehash/tree-hash.js';

/** Inclusive byte offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}

export function formatRange(range: ByteRange): string {
  return `${range.start}-${range.end}`;
}

/** `START-END` (inclusive) or `START-` (to the end of each archive); undefined when the text is neither. */
export function parseRangeText(text: string): { start: number; end: number | undefined } | undefined {
  const match = /^\s*(\d+)\s*-\s*(\d*)\s*$/.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === '' ? undefined : Number(match[2]);
  if (!Number.isSafeInteger(start) || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) return undefined;
  return { start, end };
}

/**
 * The range to retrieve from an archive of `size` bytes for a requested `START-END` (END past the
 * archive, or absent, means its last byte), or what is wrong with it: Glacier takes megabyte-aligned
 * ranges only, and the download can be verified only when the range is tree-hash aligned.
 */
export function retrievalRange(requested: { start: number; end: number | undefined }, size: number): { range: ByteRange } | { problem: string } {
  if (requested.start >= size) return { problem: `the range starts at byte ${requested.start}, past the end of the archive (${size} bytes)` };
  const range = { start: requested.start, end: Math.min(requested.end ?? size - 1, size - 1) };
  if (range.start % LEAF_SIZE !== 0 || ((range.end + 1) % LEAF_SIZE !== 0 && range.end !== size - 1)) {
    return { problem: `range ${formatRange(range)} is not megabyte aligned, as Glacier requires: START a multiple of 1048576, END+1 a multiple of 1048576 or END the archive's last byte (${size - 1})` };
  }
  if (!isTreeHashAligned(range.start, range.end, size)) {
    return {
      problem:
        `range ${formatRange(range)} is not tree-hash aligned, so Glacier gives no checksum for it and its bytes could not be verified; ` +
        `the smallest range that covers it and can be verified is ${formatRange(alignedCover(range, size))}`,
    };
  }
  return { range };
}

/** The smallest tree-hash-aligned range (a node of the archive's tree) that covers `range`. */
export function alignedCover(range: ByteRange, size: number): ByteRange {
  const leaf = Math.floor(range.start / LEAF_SIZE);
  for (let span = 1; ; span *= 2) {
    const first = Math.floor(leaf / span) * span;
    const end = Math.min((first + span) * LEAF_SIZE, size) - 1;
    if (end >= range.end) return { start: first * LEAF_SIZE, end };
  }
}

/** A chunk size that keeps every download piece tree-hash aligned: a power of two of whole MiB. */
export function isAlignedChunkSize(chunkSize: number): boolean {
  return Number.isSafeInteger(chunkSize) && chunkSize >= LEAF_SIZE && chunkSize % LEAF_SIZE === 0 && Number.isInteger(Math.log2(chunkSize / LEAF_SIZE));
}

/** How many pieces of `chunkSize` a download of `length` bytes takes. */
export function chunkCount(length: number, chunkSize: number): number {
  return Math.ceil(length / chunkSize);
}

/**
 * The pieces of a retrieval, from piece `from` on, as offsets within the retrieved range (what
 * GetJobOutput's Range takes). With a tree-hash-aligned retrieval range and an aligned chunk size,
 * every piece is itself tree-hash aligned in archive offsets.
 */
export function* downloadPieces(range: ByteRange, chunkSize: number, from = 0): Generator<{ index: number; offset: number; length: number }> {
  const length = rangeLength(range);
  for (let index = from, offset = from * chunkSize; offset < length; index++, offset += chunkSize) {
    yield { index, offset, length: Math.min(chunkSize, length - offset) };
  }
}
