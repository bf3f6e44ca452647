// Reads NDJSON records from a byte stream: one parsed, validated record per line, with its line
// number and its original bytes (so a filter can pass a record on untouched). A bad line stops
// the read with an InputError `SOURCE:LINE: what is wrong`; the records before it have already
// been handed out.
//
// `data` records take a fast path: their base64 is decoded straight from the line's bytes into
// `bytes`, and `record.data` is left out (the text stays in `raw`). Every other line, and a data
// line in any shape other than the one gl-chunk writes, goes through JSON.parse.

import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { dataProblem, decodeBase64, decodeBase64Field, matchDataLine } from './data-line.js';
import { MAX_LINE_BYTES, splitLines } from './lines.js';
import type { RecordBase } from './types.js';
import { dataFieldsProblem, envelopeProblem, recordProblem } from './validate.js';

export interface RecordLine {
  /** 1-based line number in the source. */
  line: number;
  /** The line exactly as read, newline included: a filter passes a record on by writing this. */
  raw: Buffer;
  /** The parsed record. For `data` records the `data` field is absent: see `bytes`. */
  record: RecordBase;
  /** `data` records only: the decoded bytes. */
  bytes?: Buffer;
}

export interface ReadRecordsOptions {
  /** Names the input in messages: `stdin` (the default) or a file name. */
  source?: string;
  /** Longest line accepted (default 16 MiB). */
  maxLineBytes?: number;
  /** Validate the fields of the record types this code knows (default true); the envelope is always checked. */
  validate?: boolean;
  /**
   * Where a `data` record's bytes are decoded: a buffer of at least 1 MiB (a leaf) that becomes
   * the caller's with the record (default: a new Buffer per record).
   */
  dataBuffer?: () => Buffer;
  /** Lines longer than one input chunk are joined in one buffer reused for the next: `raw` is valid only until the next record is pulled (default false). */
  reuseLines?: boolean;
}

/**
 * Yields every non-blank line of `input` as a RecordLine. Consuming the iterator is what reads
 * the input, so a slow consumer slows the reading (backpressure) and memory stays at one line.
 */
export async function* readRecords(input: Readable | AsyncIterable<Buffer | Uint8Array | string>, options: ReadRecordsOptions = {}): AsyncGenerator<RecordLine> {
  const source = options.source ?? 'stdin';
  const parse = lineParser(source, options.validate ?? true, options.dataBuffer);
  const lines = splitLines(input, {
    maxLineBytes: options.maxLineBytes ?? MAX_LINE_BYTES,
    reuse: options.reuseLines,
    skipBlank: true,
    onTooLong: (line, bytes) => {
      throw new InputError(source, line, `line is longer than ${options.maxLineBytes ?? MAX_LINE_BYTES} bytes (${bytes} so far); is this NDJSON?`);
    },
  });
  for await (const { number, bytes, raw } of lines) yield parse(bytes, raw, number);
}

/**
 * A parser for single lines: `content` without its newline, `raw` as read. It throws an
 * InputError naming `source:line`.
 */
export function lineParser(source = 'stdin', validate = true, dataBuffer?: () => Buffer): (content: Buffer, raw: Buffer, line: number) => RecordLine {
  const fail = (line: number, reason: string) => new InputError(source, line, reason);
  return (content, raw, line) => {
    const fast = matchDataLine(content);
    if (fast) {
      const bytes = decodeBase64Field(content, fast.dataStart, fast.dataEnd, dataBuffer?.());
      if (bytes) {
        const problem = dataProblem(fast.part, fast.offset, bytes);
        if (problem) throw fail(line, problem);
        return { line, raw, record: { type: 'data', part: fast.part, offset: fast.offset }, bytes };
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(content.toString('utf8'));
    } catch (err) {
      // V8 quotes part of the line; control characters in it would garble the one-line message.
      const why = (err as Error).message.replace(/[\x00-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      throw fail(line, `not valid JSON (${why})`);
    }
    const problem = validate ? recordProblem(value) : envelopeProblem(value);
    if (problem) throw fail(line, problem);
    const record = value as RecordBase;
    if (record.type !== 'data') return { line, raw, record };
    // A data record in another shape: the same checks as the fast path.
    const fieldsProblem = dataFieldsProblem(record);
    if (fieldsProblem) throw fail(line, fieldsProblem);
    const { data, ...rest } = record;
    const bytes = decodeBase64(data as string);
    if (!bytes) throw fail(line, 'data is not standard padded base64');
    const rangeProblem = dataProblem(rest.part as number, rest.offset as number, bytes);
    if (rangeProblem) throw fail(line, rangeProblem);
    return { line, raw, record: rest as RecordBase, bytes };
  };
}
