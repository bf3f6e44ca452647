// Glacier Select's SQL over CSV: compile a query up front, then run it over CSV bytes (a
// stream) or over parsed records (the pure engine). docs/select.md describes the dialect.

export { CompiledSelect, compileSelect, checkSelect, selectParameters, MAX_EXPRESSION_BYTES, MAX_EXPRESSION_CHARACTERS } from './query.js';
export type { CheckResult, RunOptions } from './query.js';
export { SelectEngine } from './engine.js';
export type { OutputRecord } from './engine.js';
export { SelectStream } from './stream.js';
export type { SelectStats } from './stream.js';
export { SelectError, SELECT_ERROR_CODES } from './errors.js';
export type { SelectErrorCode, SelectErrorInfo, SqlPosition } from './errors.js';
export { DEFAULT_CSV_INPUT, DEFAULT_CSV_OUTPUT, MAX_RECORD_BYTES, resolveSelectParameters, resultParseOptions } from './parameters.js';
export type {
  CsvInput,
  CsvInputSerialization,
  CsvOutput,
  CsvOutputSerialization,
  ResolvedSelectParameters,
  SelectParameters,
} from './parameters.js';
export type { HeaderMode } from './compile.js';
export { Timestamp } from './timestamp.js';
