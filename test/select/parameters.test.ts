// SelectParameters as the Glacier API sends them: validation, defaults, the expression limit.

import t from 'tap';
import {
  checkSelect,
  compileSelect,
  DEFAULT_CSV_INPUT,
  DEFAULT_CSV_OUTPUT,
  MAX_EXPRESSION_BYTES,
  MAX_EXPRESSION_CHARACTERS,
  resolveSelectParameters,
  selectParameters,
} from '../../src/select/index.js';
import { errorOf } from './helpers.js';

const base = { Expression: 'SELECT * FROM archive', ExpressionType: 'SQL' };

function refused(parameters: unknown) {
  return errorOf(() => compileSelect(parameters));
}

t.test('defaults (docs/select.md)', async (t) => {
  const resolved = resolveSelectParameters(base);
  t.same(resolved.input, DEFAULT_CSV_INPUT);
  t.same(resolved.output, DEFAULT_CSV_OUTPUT);
  t.same(DEFAULT_CSV_INPUT, { fileHeaderInfo: 'NONE', comments: '#', quoteEscapeCharacter: '"', recordDelimiter: '\n', fieldDelimiter: ',', quoteCharacter: '"' });
  t.same(DEFAULT_CSV_OUTPUT, { quoteFields: 'ASNEEDED', quoteEscapeCharacter: '"', recordDelimiter: '\n', fieldDelimiter: ',', quoteCharacter: '"' });
  t.same(resolveSelectParameters({ ...base, InputSerialization: { csv: {} }, OutputSerialization: { csv: {} } }).input, DEFAULT_CSV_INPUT);
  t.same(resolveSelectParameters({ ...base, InputSerialization: { csv: { FileHeaderInfo: 'Use', Comments: null } } }).input.fileHeaderInfo, 'USE', 'enum values in any case; null members are absent');
});

t.test('the wire shape gl-select sends', async (t) => {
  t.same(selectParameters('SELECT * FROM archive', { FileHeaderInfo: 'USE' }, { QuoteFields: 'ALWAYS' }), {
    Expression: 'SELECT * FROM archive',
    ExpressionType: 'SQL',
    InputSerialization: { csv: { FileHeaderInfo: 'USE' } },
    OutputSerialization: { csv: { QuoteFields: 'ALWAYS' } },
  });
  const query = compileSelect({ ...base, InputSerialization: { csv: { FieldDelimiter: '|', RecordDelimiter: '\r\n' } }, OutputSerialization: { csv: { QuoteFields: 'always' } } });
  t.equal(query.input.fieldDelimiter, '|');
  t.equal(query.input.recordDelimiter, '\r\n');
  t.equal(query.output.quoteFields, 'ALWAYS');
});

t.test('invalid parameters are refused with a clear error', async (t) => {
  const cases: [unknown, string, RegExp][] = [
    [undefined, 'InvalidRequestParameter', /must be an object/],
    [{ ExpressionType: 'SQL' }, 'MissingRequiredParameter', /Expression is required/],
    [{ Expression: 'SELECT * FROM archive' }, 'MissingRequiredParameter', /ExpressionType is required/],
    [{ ...base, ExpressionType: 'XPATH' }, 'InvalidExpressionType', /SQL/],
    [{ ...base, Expression: 42 }, 'InvalidRequestParameter', /Expression must be a string/],
    [{ ...base, InputSerialization: { csv: { FieldDelimiter: ',,' } } }, 'InvalidRequestParameter', /FieldDelimiter must be one character, got ",,"/],
    [{ ...base, OutputSerialization: { csv: { FieldDelimiter: '' } } }, 'InvalidRequestParameter', /FieldDelimiter must be one character/],
    [{ ...base, InputSerialization: { csv: { FieldDelimiter: '\t' } } }, 'InvalidRequestParameter', /printable ASCII/],
    [{ ...base, InputSerialization: { csv: { FieldDelimiter: 'é' } } }, 'InvalidRequestParameter', /printable ASCII/],
    [{ ...base, InputSerialization: { csv: { RecordDelimiter: '\n\n' } } }, 'InvalidRequestParameter', /RecordDelimiter must be one character, or "\\r\\n"/],
    [{ ...base, InputSerialization: { csv: { QuoteCharacter: 7 } } }, 'InvalidRequestParameter', /QuoteCharacter must be a string/],
    [{ ...base, InputSerialization: { csv: { FileHeaderInfo: 'YES' } } }, 'InvalidFileHeaderInfo', /USE, IGNORE, NONE/],
    [{ ...base, OutputSerialization: { csv: { QuoteFields: 'SOMETIMES' } } }, 'InvalidQuoteFields', /ALWAYS, ASNEEDED/],
    [{ ...base, InputSerialization: { csv: { FieldDelimiter: '"' } } }, 'InvalidRequestParameter', /FieldDelimiter and .*QuoteCharacter are both/],
    [{ ...base, InputSerialization: { csv: { Comments: ',' } } }, 'InvalidRequestParameter', /must differ/],
    [{ ...base, InputSerialization: { csv: { RecordDelimiter: '\r\n', FieldDelimiter: '\r' } } }, 'InvalidRequestParameter', /must differ/],
    [{ ...base, OutputSerialization: { csv: { QuoteEscapeCharacter: ',' } } }, 'InvalidRequestParameter', /must differ/],
    [{ ...base, InputSerialization: { csv: { AllowQuotedRecordDelimiter: true } } }, 'InvalidRequestParameter', /AllowQuotedRecordDelimiter is not a Glacier Select parameter/],
    [{ ...base, InputSerialization: { json: { Type: 'LINES' } } }, 'InvalidDataSource', /CSV only/],
    [{ ...base, InputSerialization: { csv: {}, CompressionType: 'GZIP' } }, 'InvalidRequestParameter', /CompressionType/],
    [{ ...base, ScanRange: { Start: 0 } }, 'InvalidRequestParameter', /ScanRange/],
  ];
  for (const [parameters, code, message] of cases) {
    const error = refused(parameters);
    t.equal(error.code, code, JSON.stringify(parameters));
    t.match(error.message, message, JSON.stringify(parameters));
  }
});

t.test('the expression limit: 128 KB and 128,000 characters', async (t) => {
  const padded = (length: number, pad = 'x') => {
    const head = "SELECT * FROM archive WHERE _1 = '";
    return `${head}${pad.repeat(length - head.length - 1)}'`;
  };
  t.equal(padded(MAX_EXPRESSION_CHARACTERS).length, MAX_EXPRESSION_CHARACTERS);
  t.ok(checkSelect({ ...base, Expression: padded(MAX_EXPRESSION_CHARACTERS) }).ok, 'exactly 128,000 characters');
  const tooLong = checkSelect({ ...base, Expression: padded(MAX_EXPRESSION_CHARACTERS + 1) });
  t.match(tooLong, { ok: false, error: { code: 'ExpressionTooLong' } });
  // 44,000 three-byte characters are 132,000 bytes: over 128 KiB though under 128,000 characters.
  const wide = checkSelect({ ...base, Expression: padded(44_000, '€') });
  t.match(wide, { ok: false, error: { code: 'ExpressionTooLong', message: new RegExp(`${MAX_EXPRESSION_BYTES} bytes`) } });
});

t.test('checkSelect answers without throwing', async (t) => {
  t.match(checkSelect(base), { ok: true });
  t.same(checkSelect({ ...base, Expression: 'SELECT COUNT(*) FROM archive' }), {
    ok: false,
    error: { code: 'UnsupportedFunction', message: 'line 1, column 8: aggregate function COUNT is not supported by Glacier Select', line: 1, column: 8 },
  });
});
