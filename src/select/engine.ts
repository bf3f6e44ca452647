// The pure engine: one parsed CSV record in, the output record (or nothing) out. No streams, no
// I/O; the stream wrapper in stream.ts feeds it from csv-parse and writes with csv-stringify.

import { bindHeader, compileProgram, type Program } from './compile.js';
import { SelectError } from './errors.js';
import { MAX_RECORD_BYTES } from './parameters.js';
import type { CompiledSelect } from './query.js';
import { Timestamp } from './timestamp.js';

/** One output record: each field's text; null or undefined stands for an empty field (NULL, MISSING). */
export type OutputRecord = readonly (string | null | undefined)[];

/** Bytes of a record's content: its fields in UTF-8 plus one delimiter between each two. */
function recordBytes(fields: OutputRecord, delimiterBytes: number): number {
  const delimiters = fields.length > 1 ? (fields.length - 1) * delimiterBytes : 0;
  let units = 0;
  for (const field of fields) if (field) units += field.length;
  // A UTF-16 unit is 1 to 3 bytes in UTF-8: measure exactly only near the limit.
  if (units + delimiters > MAX_RECORD_BYTES || units * 3 + delimiters <= MAX_RECORD_BYTES) return units + delimiters;
  let bytes = delimiters;
  for (const field of fields) if (field) bytes += Buffer.byteLength(field);
  return bytes;
}

export class SelectEngine {
  private readonly program: Program;
  private readonly outputDelimiterBytes: number;
  private readonly inputDelimiterBytes: number;
  private header: readonly string[] | undefined;
  private records = 0;
  private produced = 0;

  constructor(
    readonly query: CompiledSelect,
    options: { now?: Timestamp } = {},
  ) {
    this.program = compileProgram(query.expression, query.statement, {
      headerMode: query.input.fileHeaderInfo,
      now: options.now ?? Timestamp.now(),
    });
    this.inputDelimiterBytes = Buffer.byteLength(query.input.fieldDelimiter);
    this.outputDelimiterBytes = Buffer.byteLength(query.output.fieldDelimiter);
  }

  /** Input records seen so far, the header included. */
  get recordsIn(): number {
    return this.records;
  }

  /** Output records produced so far. */
  get recordsOut(): number {
    return this.produced;
  }

  /** The header row, once read (FileHeaderInfo USE or IGNORE). */
  get headerRow(): readonly string[] | undefined {
    return this.header;
  }

  /** The output column names as far as they are known now (see CompiledSelect.columnNames). */
  get columnNames(): string[] | undefined {
    return this.query.columnNames(this.header);
  }

  /**
   * Takes the next input record and returns its output record, or undefined when WHERE drops it
   * or it is the header. Throws a SelectError carrying the record number.
   */
  push(fields: readonly string[]): OutputRecord | undefined {
    const record = ++this.records;
    try {
      if (recordBytes(fields, this.inputDelimiterBytes) > MAX_RECORD_BYTES) {
        throw new SelectError('OverMaxRecordSize', `the input record is larger than ${MAX_RECORD_BYTES} bytes`);
      }
      if (record === 1 && this.query.input.fileHeaderInfo !== 'NONE') {
        this.header = fields;
        if (this.query.input.fileHeaderInfo === 'USE') bindHeader(this.program.bindings, fields);
        return undefined;
      }
      const { where, projection } = this.program;
      if (where && !where(fields)) return undefined;
      let output: OutputRecord = fields;
      if (projection) {
        const values = new Array<string | null | undefined>(projection.length);
        for (let i = 0; i < projection.length; i++) values[i] = projection[i](fields);
        output = values;
      }
      // SELECT * output matches its input's size unless the output delimiter is wider.
      if ((projection || this.outputDelimiterBytes > this.inputDelimiterBytes) && recordBytes(output, this.outputDelimiterBytes) > MAX_RECORD_BYTES) {
        throw new SelectError('OverMaxRecordSize', `the output record is larger than ${MAX_RECORD_BYTES} bytes`);
      }
      this.produced++;
      return output;
    } catch (err) {
      if (err instanceof SelectError) throw err.atRecord(record);
      throw new SelectError('InternalError', err instanceof Error ? err.message : String(err), undefined, record);
    }
  }
}
