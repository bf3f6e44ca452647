// Reading a byte range out of an archive (or a job's staged output) kept as several files.

import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TreeHasher } from '../../treehash/tree-hash.js';
import type { Segment } from './store.js';

/** The bytes [start, end] (inclusive) of the concatenated segments. */
export function readSegments(dir: string, segments: readonly Segment[], start: number, end: number): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const segment of segments) {
      const segmentEnd = offset + segment.size - 1;
      if (segmentEnd >= start && offset <= end) {
        const from = Math.max(start, offset) - offset;
        const to = Math.min(end, segmentEnd) - offset;
        yield* createReadStream(join(dir, segment.file), { start: from, end: to, highWaterMark: 1024 * 1024 });
      }
      offset += segment.size;
      if (offset > end) break;
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

export async function treeHashOfSegments(dir: string, segments: readonly Segment[], start: number, end: number): Promise<string> {
  const hasher = new TreeHasher();
  for await (const chunk of readSegments(dir, segments, start, end)) hasher.update(chunk as Buffer);
  return hasher.digest().treeHash;
}
