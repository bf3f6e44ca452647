// Compiling a query up front, without data: what gl-select runs before creating a job and
// gl-local runs in InitiateJob. Errors that depend on the header row (AmbiguousFieldName,
// MissingHeaderName) can only come when the data is read.

import type { SelectStatement } from './ast.js';
import { compileProgram } from './compile.js';
import { SelectEngine } from './engine.js';
import { SelectError, type SelectErrorInfo } from './errors.js';
import {
  resolveSelectParameters,
  type CsvInput,
  type CsvInputSerialization,
  type CsvOutput,
  type CsvOutputSerialization,
  type SelectParameters,
} from './parameters.js';
import { parseSelect } from './parser.js';
import { SelectStream } from './stream.js';
import { Timestamp } from './timestamp.js';

/** glacier-select.md: 128 KB; api-SelectParameters.md: 128,000 characters. Both apply. */
export const MAX_EXPRESSION_BYTES = 131_072;
export const MAX_EXPRESSION_CHARACTERS = 128_000;

export interface RunOptions {
  /** The value UTCNOW() takes during the run; the current time by default. */
  now?: Timestamp;
}

export class CompiledSelect {
  private constructor(
    readonly expression: string,
    readonly input: CsvInput,
    readonly output: CsvOutput,
    readonly statement: SelectStatement,
    /** Things that are legal but almost certainly wrong (`_3 = 5` compares a string with an int). */
    readonly warnings: readonly string[],
    private readonly projectionNames: readonly string[] | undefined,
  ) {}

  /** Validates parameters (the InitiateJob JSON shape), parses and type-checks the expression. */
  static compile(parameters: unknown): CompiledSelect {
    const { expression, input, output } = resolveSelectParameters(parameters);
    const characters = [...expression].length;
    const bytes = Buffer.byteLength(expression);
    if (bytes > MAX_EXPRESSION_BYTES || characters > MAX_EXPRESSION_CHARACTERS) {
      throw new SelectError(
        'ExpressionTooLong',
        `the expression is ${bytes} bytes (${characters} characters); Glacier Select allows ${MAX_EXPRESSION_BYTES} bytes and ${MAX_EXPRESSION_CHARACTERS} characters`,
      );
    }
    const statement = parseSelect(expression);
    const program = compileProgram(expression, statement, { headerMode: input.fileHeaderInfo, now: Timestamp.now() });
    return new CompiledSelect(expression, input, output, statement, program.warnings, program.columnNames);
  }

  /**
   * Output column names, when known: the SELECT list's names (alias, column name as written, or
   * `_N` for the Nth expression), or for `SELECT *` with FileHeaderInfo USE the header row once
   * it has been read. Undefined means positional names: `_1`, `_2`, … for each record's fields.
   */
  columnNames(header?: readonly string[]): string[] | undefined {
    if (this.projectionNames) return [...this.projectionNames];
    if (this.input.fileHeaderInfo === 'USE' && header) return [...header];
    return undefined;
  }

  /** Names for an output record of `width` fields: the known names, `_N` past them. */
  columnNamesFor(width: number, header?: readonly string[]): string[] {
    const known = this.columnNames(header) ?? [];
    return Array.from({ length: width }, (_, i) => known[i] ?? `_${i + 1}`);
  }

  /** A pure engine for one run over one input. */
  engine(options: RunOptions = {}): SelectEngine {
    return new SelectEngine(this, options);
  }

  /** A Transform from CSV input bytes to CSV output bytes for one run. */
  stream(options: RunOptions = {}): SelectStream {
    return new SelectStream(this.engine(options));
  }
}

/** Throws a SelectError when the parameters or the SQL are not what Glacier Select accepts. */
export function compileSelect(parameters: unknown): CompiledSelect {
  return CompiledSelect.compile(parameters);
}

export type CheckResult = { ok: true; query: CompiledSelect } | { ok: false; error: SelectErrorInfo };

/** compileSelect without throwing: for InitiateJob, which answers synchronously with a code and message. */
export function checkSelect(parameters: unknown): CheckResult {
  try {
    return { ok: true, query: CompiledSelect.compile(parameters) };
  } catch (err) {
    if (err instanceof SelectError) return { ok: false, error: err.toJSON() };
    throw err;
  }
}

/** SelectParameters in the wire shape, as gl-select sends them in InitiateJob. */
export function selectParameters(expression: string, input: CsvInputSerialization = {}, output: CsvOutputSerialization = {}): SelectParameters {
  return { Expression: expression, ExpressionType: 'SQL', InputSerialization: { csv: { ...input } }, OutputSerialization: { csv: { ...output } } };
}
