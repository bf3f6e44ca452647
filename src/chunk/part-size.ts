// Choosing the part size of an archive: a power of two from 1 MiB to 4 GiB, at most 10,000 parts.

import { UsageError } from '../errors.js';
import { MAX_PARTS, partSizeProblem, smallestPartSizeFor, tooManyPartsProblem } from '../records/limits.js';
import { formatBytes, parseByteSize } from '../units.js';

/**
 * Part size for a pipe of unknown length: 64 MiB parts allow up to 625 GiB (10,000 parts) and
 * keep what a consumer holds per part modest. A larger input needs --size-hint or --part-size.
 */
export const DEFAULT_PIPE_PART_SIZE = 64 * 1024 * 1024;

/**
 * The smallest part size `auto` picks. Parts of files are read from disk, so their size costs no
 * memory; 16 MiB keeps requests few (a 1 GiB file is 64 parts) while a failed part costs
 * little to send again. Bigger inputs get the smallest size that fits in 10,000 parts.
 */
export const AUTO_PART_SIZE_FLOOR = 16 * 1024 * 1024;

/** `--part-size` as given: a byte count, or `auto`. */
export type PartSizeChoice = number | 'auto';

/** Parses a --part-size value; anything but `auto` or a legal part size is a usage error. */
export function parsePartSize(text: string): PartSizeChoice {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const bytes = parseByteSize(text);
  if (bytes === undefined || partSizeProblem(bytes)) {
    throw new UsageError(`--part-size ${text}: must be a power of two from 1MiB to 4GiB (for example 64MiB, 1GiB, 4194304) or auto`);
  }
  return bytes;
}

/** Parses a --size-hint value (a byte count of at least 1). */
export function parseSizeHint(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes < 1) throw new UsageError(`--size-hint ${text}: not a byte count (for example 200GiB, 5TB, 1073741824)`);
  return bytes;
}

/**
 * The part size for one archive. `size` is the exact size when known (a file) or a hint (a pipe
 * with --size-hint). With no size, a pipe gets DEFAULT_PIPE_PART_SIZE. An explicit part size too
 * small for a known size or hint is a usage error now rather than a failure hours into a pipe.
 */
export function choosePartSize(choice: PartSizeChoice, size: number | undefined, what: string): number {
  if (choice !== 'auto') {
    const problem = size === undefined ? undefined : tooManyPartsProblem(size, choice);
    if (problem) throw new UsageError(`${what}: ${problem}`);
    return choice;
  }
  if (size === undefined) return DEFAULT_PIPE_PART_SIZE;
  const partSize = smallestPartSizeFor(size, AUTO_PART_SIZE_FLOOR);
  if (partSize === undefined) {
    throw new UsageError(`${what}: ${formatBytes(size)} is more than Glacier's largest archive (${MAX_PARTS} parts of 4 GiB)`);
  }
  return partSize;
}
