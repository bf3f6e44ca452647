// The thin stream wrapper: CSV bytes in, CSV bytes out. Each input chunk goes through csv-parse,
// every record it yields through the pure engine, and the chunk's output records through
// csv-stringify in one batch. One Transform, so backpressure is the ordinary kind: when the
// reader stops, writes stop being accepted. Memory is bounded by a chunk and one record.

import { Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type { OutputRecord, SelectEngine } from './engine.js';
import { SelectError } from './errors.js';
import { csvParseOptions, csvStringifyOptions, MAX_RECORD_BYTES } from './parameters.js';

export interface SelectStats {
  bytesIn: number;
  bytesOut: number;
  /** Input records, the header included. */
  recordsIn: number;
  recordsOut: number;
}

/**
 * Every chunk it emits holds whole output records. Emits `'columns'` (string[]) once the output column names are known (at once for a SELECT
 * list, after the header for `SELECT *` with FileHeaderInfo USE). A run-time error destroys
 * the stream with a SelectError carrying `code`, `message` and `record`.
 */
export class SelectStream extends Transform {
  private readonly parser: Parser;
  private readonly stringifyOptions: ReturnType<typeof csvStringifyOptions>;
  private batch: OutputRecord[] = [];
  private failure: SelectError | undefined;
  private columnsAnnounced = false;
  private bytesIn = 0;
  private bytesOut = 0;

  constructor(readonly engine: SelectEngine) {
    super();
    this.parser = new Parser(csvParseOptions(engine.query.input));
    // Parse errors reach us through write callbacks; this keeps them from being unhandled.
    this.parser.on('error', () => {});
    this.stringifyOptions = csvStringifyOptions(engine.query.output);
  }

  get stats(): SelectStats {
    return { bytesIn: this.bytesIn, bytesOut: this.bytesOut, recordsIn: this.engine.recordsIn, recordsOut: this.engine.recordsOut };
  }

  /** See CompiledSelect.columnNames. */
  get columnNames(): string[] | undefined {
    return this.engine.columnNames;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesIn += chunk.length;
    let written = false;
    let drained = false;
    let settled = false;
    let parseError: Error | null | undefined;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.finishStep(parseError, callback);
    };
    // csv-parse handles the chunk synchronously; its records wait in its readable buffer. Its
    // write callback comes once they have been read, or at once on a parse error.
    this.parser.write(chunk, (err) => {
      written = true;
      parseError = err;
      if (drained) settle();
    });
    this.drain();
    drained = true;
    // After an engine error the remaining records are never read, so the callback may never come.
    if (written || this.failure) settle();
  }

  override _flush(callback: TransformCallback): void {
    let settled = false;
    const settle = (err?: Error | null) => {
      if (settled) return;
      settled = true;
      this.parser.off('readable', onReadable);
      this.drain();
      this.finishStep(err, callback);
    };
    // After an engine error the parser's remaining records are never read, so stop waiting.
    const onReadable = () => {
      this.drain();
      if (this.failure) settle();
    };
    this.parser.on('readable', onReadable);
    finished(this.parser, settle);
    this.parser.end();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.parser.destroy();
    callback(err);
  }

  /** Feeds every record csv-parse has ready to the engine, until the first error. */
  private drain(): void {
    let fields: string[] | null;
    while (!this.failure && (fields = this.parser.read() as string[] | null) !== null) {
      try {
        const output = this.engine.push(fields);
        if (output) this.batch.push(output);
      } catch (err) {
        this.failure = err as SelectError;
      }
    }
  }

  private finishStep(parseError: Error | null | undefined, callback: TransformCallback): void {
    if (!this.columnsAnnounced && this.columnNames) {
      this.columnsAnnounced = true;
      this.emit('columns', this.columnNames);
    }
    if (this.batch.length > 0) {
      const text = stringify(this.batch, this.stringifyOptions);
      this.batch = [];
      const bytes = Buffer.from(text);
      this.bytesOut += bytes.length;
      this.push(bytes);
    }
    const error = this.failure ?? (parseError ? this.parseFailure(parseError) : undefined);
    if (error) {
      this.failure = error;
      this.parser.destroy();
    }
    callback(error);
  }

  /** csv-parse's error as a SelectError at the record being read. */
  private parseFailure(err: Error): SelectError {
    const record = this.engine.recordsIn + 1;
    if (!(err instanceof CsvError)) return new SelectError('CSVParsingError', err.message, undefined, record);
    const line = (err as CsvError & { lines?: number }).lines;
    const where = line === undefined ? '' : ` (line ${line})`;
    switch (err.code) {
      case 'CSV_MAX_RECORD_SIZE':
        return new SelectError('OverMaxRecordSize', `the input record${where} is larger than ${MAX_RECORD_BYTES} bytes`, undefined, record);
      case 'INVALID_OPENING_QUOTE':
      case 'CSV_INVALID_CLOSING_QUOTE':
        return new SelectError('CSVUnescapedQuote', `an unescaped quote${where}: quote the whole field and double its quotes`, undefined, record);
      case 'CSV_QUOTE_NOT_CLOSED':
        return new SelectError('CSVParsingError', `a quoted field${where} is not closed before the end of the input`, undefined, record);
      default:
        return new SelectError('CSVParsingError', `${err.message}`, undefined, record);
    }
  }
}
