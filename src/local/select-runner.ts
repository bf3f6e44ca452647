// The one place where gl-local's select jobs meet the project's SQL engine (src/select/, being
// built in the Select issue). Until it is wired in here, every select job fails with a clear
// message; the job runner around it already writes results/ objects and the manifests.

import type { Readable } from 'node:stream';

export interface CsvInputOptions {
  fileHeaderInfo: 'USE' | 'IGNORE' | 'NONE';
  comments: string;
  quoteEscapeCharacter: string;
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
}

export interface CsvOutputOptions {
  quoteFields: 'ALWAYS' | 'ASNEEDED';
  quoteEscapeCharacter: string;
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
}

export interface SelectQuery {
  expression: string;
  input: CsvInputOptions;
  output: CsvOutputOptions;
}

/** A query that failed while running: `code` names the error in errors/ and the job's StatusMessage. */
export class SelectRunError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SelectRunError';
  }
}

/**
 * Runs `query` over the archive's bytes and yields the output bytes. Every yielded chunk ends on
 * a record boundary, so the caller may start a new results/ object between any two chunks.
 */
export async function* runSelect(archive: Readable, _query: SelectQuery): AsyncGenerator<Buffer> {
  archive.destroy();
  throw new SelectRunError('NotImplemented', 'the Glacier Select SQL engine is not built yet');
}
