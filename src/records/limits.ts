// Glacier's limits that records must respect (glacier-api.md §3), and the checks for them.
// Each check returns what is wrong in words, or undefined when the value is fine.

import { formatBytes } from '../units.js';

export const MIN_PART_SIZE = 1024 * 1024;
export const MAX_PART_SIZE = 4 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_DESCRIPTION_BYTES = 1024;

export function partSizeProblem(partSize: unknown): string | undefined {
  if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize)) return `part size ${JSON.stringify(partSize)} is not a whole number of bytes`;
  if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE || !isPowerOfTwo(partSize)) {
    return `part size ${partSize} is not a power of two from 1 MiB (${MIN_PART_SIZE}) to 4 GiB (${MAX_PART_SIZE})`;
  }
  return undefined;
}

/** Glacier's description rule: printable ASCII (0x20-0x7E), at most 1,024 bytes, no leading space (Glacier would strip it). */
export function descriptionProblem(description: unknown): string | undefined {
  if (typeof description !== 'string') return 'the description is not a string';
  if (description.length > MAX_DESCRIPTION_BYTES) return `the description is ${description.length} bytes; Glacier allows ${MAX_DESCRIPTION_BYTES}`;
  const bad = /[^\x20-\x7e]/.exec(description);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `the description has U+${code} at character ${bad.index + 1}; Glacier allows printable ASCII only (0x20-0x7E)`;
  }
  if (description.startsWith(' ')) return 'the description starts with a space, which Glacier would strip';
  return undefined;
}

/** The number of parts an archive of `size` bytes needs with parts of `partSize`. */
export function partsNeeded(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/** What is wrong when `size` bytes do not fit in 10,000 parts of `partSize`, with the smallest size that would do. */
export function tooManyPartsProblem(size: number, partSize: number): string | undefined {
  const parts = partsNeeded(size, partSize);
  if (parts <= MAX_PARTS) return undefined;
  const fitting = smallestPartSizeFor(size);
  const advice = fitting === undefined ? `more than Glacier's largest archive (${MAX_PARTS} parts of 4 GiB)` : `use a part size of ${formatBytes(fitting)} or more`;
  return `${formatBytes(size)} needs ${parts} parts of ${formatBytes(partSize)}; Glacier allows ${MAX_PARTS}: ${advice}`;
}

/** The smallest legal part size that keeps `size` bytes within 10,000 parts, or undefined when none does. */
export function smallestPartSizeFor(size: number, floor = MIN_PART_SIZE): number | undefined {
  for (let partSize = floor; partSize <= MAX_PART_SIZE; partSize *= 2) {
    if (partsNeeded(size, partSize) <= MAX_PARTS) return partSize;
  }
  return undefined;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
