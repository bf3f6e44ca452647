// The one place where gl-local's select jobs meet the project's SQL engine (src/select/): the
// archive's bytes go through the engine's stream, and the output comes out chunk by chunk.

import { pipeline, type Readable } from 'node:stream';
import type { CompiledSelect } from '../select/index.js';

/**
 * Runs `query` over the archive's bytes and yields the output bytes. Every yielded chunk ends on
 * a record boundary, so the caller may start a new results/ object between any two chunks. A
 * run-time error (a SelectError with its code and record, or a read error) is thrown from the
 * iteration. Memory stays at a chunk or two: the engine reads only as fast as the caller takes.
 */
export async function* runSelect(archive: Readable, query: CompiledSelect): AsyncGenerator<Buffer> {
  // Errors on either side destroy both streams; the reader below sees them as a thrown error.
  const output = pipeline(archive, query.stream(), () => {});
  for await (const chunk of output) yield chunk as Buffer;
}
