// Errors of the select engine. Codes are S3 Select's error codes where one fits (S3 API
// reference, "List of SELECT Object Content Error Codes"); docs/select.md lists each with when
// it is raised. A compile-time error carries the line and column in the SQL; a run-time error
// carries the number of the input record it happened on.

import { PipesError } from '../errors.js';

export const SELECT_ERROR_CODES = [
  // Parameters (InputSerialization, OutputSerialization, ExpressionType, ...)
  'MissingRequiredParameter',
  'InvalidRequestParameter',
  'InvalidExpressionType',
  'InvalidFileHeaderInfo',
  'InvalidQuoteFields',
  'ExpressionTooLong',
  // Lexing and parsing
  'LexerInvalidChar',
  'LexerInvalidLiteral',
  'LexerInvalidIONLiteral',
  'ParseUnexpectedToken',
  'ParseUnexpectedKeyword',
  'ParseExpectedExpression',
  'ParseExpectedTokenType',
  'ParseExpectedDatePart',
  'ParseExpectedTypeName',
  'ParseExpectedWhenClause',
  'ParseAsteriskIsNotAloneInSelectList',
  'ParseSelectMissingFrom',
  'ParseEmptySelect',
  'ParseUnsupportedSyntax',
  'ParseMalformedJoin',
  'InvalidTableAlias',
  'InvalidDataSource',
  'InvalidColumnIndex',
  'InvalidDataType',
  'UnsupportedFunction',
  'EvaluatorInvalidArguments',
  'EvaluatorBindingDoesNotExist',
  'EvaluatorInvalidTimestampFormatPatternSymbol',
  'EvaluatorUnterminatedTimestampFormatPatternToken',
  // Header names (known once the header row is read)
  'AmbiguousFieldName',
  'MissingHeaderName',
  // Evaluation
  'CastFailed',
  'InvalidCast',
  'IncorrectSqlFunctionArgumentType',
  'IllegalSqlFunctionArgument',
  'IntegerOverflow',
  'DivisionByZero',
  'ValueParseFailure',
  'EvaluatorLikePatternInvalidEscapeSequence',
  // Data
  'CSVParsingError',
  'CSVUnescapedQuote',
  'OverMaxRecordSize',
  'InternalError',
] as const;

export type SelectErrorCode = (typeof SELECT_ERROR_CODES)[number];

/** Where in the SQL text an error is: 1-based line and column. */
export interface SqlPosition {
  line: number;
  column: number;
}

/** A plain-object view of an error, for JSON (InitiateJob responses, error manifests). */
export interface SelectErrorInfo {
  code: SelectErrorCode;
  message: string;
  line?: number;
  column?: number;
  record?: number;
}

export class SelectError extends PipesError {
  declare readonly code: SelectErrorCode;
  /** The message without the position or record prefix. */
  readonly reason: string;
  /** Position in the SQL text, for errors found in the expression. */
  readonly position: SqlPosition | undefined;
  /** 1-based number of the input record (header included) a run-time error happened on. */
  record: number | undefined;

  constructor(code: SelectErrorCode, reason: string, position?: SqlPosition, record?: number) {
    super(code, formatMessage(reason, position, record));
    this.name = 'SelectError';
    this.reason = reason;
    this.position = position;
    this.record = record;
  }

  /** The same error, located at an input record. */
  atRecord(record: number): SelectError {
    return new SelectError(this.code, this.reason, this.position, record);
  }

  toJSON(): SelectErrorInfo {
    const info: SelectErrorInfo = { code: this.code, message: this.message };
    if (this.position) Object.assign(info, this.position);
    if (this.record !== undefined) info.record = this.record;
    return info;
  }
}

function formatMessage(reason: string, position: SqlPosition | undefined, record: number | undefined): string {
  const where: string[] = [];
  if (record !== undefined) where.push(`record ${record}`);
  if (position) where.push(`${record === undefined ? 'line' : 'SQL line'} ${position.line}, column ${position.column}`);
  return where.length ? `${where.join(', ')}: ${reason}` : reason;
}
