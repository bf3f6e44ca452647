// Recursive-descent parser for the Glacier Select dialect (glacier-api.md §8). It refuses, with
// a message naming the feature, every construct Glacier Select does not support, so that
// gl-select can reject a query before a job costs money.
//
// Operator precedence, loosest first (§8.4): OR, AND, NOT, = <> != (right-assoc; IS binds here
// too), < > <= >=, LIKE, BETWEEN, IN, + -, * / %, unary -.

import type { ArithmeticOperator, ComparisonOperator, Expr, FunctionName, SelectItem, SelectStatement, Span, TrimSide } from './ast.js';
import { Decimal, DecimalOverflow } from './decimal.js';
import { SelectError, type SelectErrorCode } from './errors.js';
import { positionAt, tokenize, type Token } from './lexer.js';
import { Timestamp, type DatePart, type ExtractPart } from './timestamp.js';
import { INT_MAX, INT_MIN, type CastType } from './values.js';

/** Glacier Select allows at most 1,048,576 columns per record (glacier-api.md §3). */
const MAX_COLUMNS = 1_048_576;

const TABLE_NAMES = new Set(['ARCHIVE', 'OBJECT']);
const AGGREGATES = new Set(['AVG', 'COUNT', 'MAX', 'MIN', 'SUM']);
const JOIN_WORDS = new Set(['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'OUTER']);
const UNSUPPORTED_CLAUSES: Record<string, string> = {
  GROUP: 'GROUP BY',
  HAVING: 'HAVING',
  ORDER: 'ORDER BY',
  LIMIT: 'LIMIT',
  OFFSET: 'OFFSET',
  FETCH: 'FETCH',
  UNION: 'UNION',
  INTERSECT: 'INTERSECT',
  EXCEPT: 'EXCEPT',
};
/** Keywords that end or join expressions: finding one where an operand belongs means it is missing. */
const STRUCTURAL_WORDS = new Set(['FROM', 'WHERE', 'AND', 'OR', 'NOT', 'THEN', 'ELSE', 'END', 'WHEN', 'AS', 'BY', 'ON', 'IS', 'IN', 'LIKE', 'BETWEEN', 'ESCAPE', 'FOR']);
const OTHER_STATEMENTS = new Set(['INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'WITH', 'VALUES', 'EXPLAIN', 'PIVOT', 'UNPIVOT']);
const CAST_TYPES: Record<string, CastType> = {
  BOOL: 'bool',
  BOOLEAN: 'bool',
  INT: 'int',
  INTEGER: 'int',
  STRING: 'string',
  FLOAT: 'float',
  DECIMAL: 'decimal',
  NUMERIC: 'decimal',
  TIMESTAMP: 'timestamp',
};
const DATE_PARTS = new Set(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND']);
const EXTRACT_PARTS = new Set([...DATE_PARTS, 'TIMEZONE_HOUR', 'TIMEZONE_MINUTE']);
/** Functions whose names are not reserved words: they are identifiers followed by `(`. */
const PLAIN_FUNCTIONS: Record<string, FunctionName> = {
  DATE_ADD: 'DATE_ADD',
  DATE_DIFF: 'DATE_DIFF',
  TO_STRING: 'TO_STRING',
  TO_TIMESTAMP: 'TO_TIMESTAMP',
  UTCNOW: 'UTCNOW',
};
/** Reserved-word functions taking an ordinary argument list, with their arities. */
const KEYWORD_FUNCTIONS: Record<string, { name: FunctionName; min: number; max: number }> = {
  COALESCE: { name: 'COALESCE', min: 1, max: Infinity },
  NULLIF: { name: 'NULLIF', min: 2, max: 2 },
  CHAR_LENGTH: { name: 'CHAR_LENGTH', min: 1, max: 1 },
  CHARACTER_LENGTH: { name: 'CHAR_LENGTH', min: 1, max: 1 },
  LOWER: { name: 'LOWER', min: 1, max: 1 },
  UPPER: { name: 'UPPER', min: 1, max: 1 },
};
const PLAIN_ARITY: Record<string, number> = { TO_STRING: 2, TO_TIMESTAMP: 1, UTCNOW: 0 };

export function parseSelect(sql: string): SelectStatement {
  return new Parser(sql).statement();
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return `the string '${token.text}'`;
    case 'quoted':
      return `"${token.text}"`;
    case 'ion':
      return `\`${token.text}\``;
    default:
      return `'${token.text}'`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  /** End offset of the last consumed token, for node spans. */
  private lastEnd = 0;

  constructor(private readonly sql: string) {
    this.tokens = tokenize(sql);
  }

  // Token helpers

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    this.lastEnd = token.end;
    return token;
  }

  private isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.upper === word;
  }

  private isOp(op: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'op' && token.text === op;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  private fail(code: SelectErrorCode, reason: string, token: Token | Span = this.peek()): never {
    throw new SelectError(code, reason, positionAt(this.sql, token.start));
  }

  private unexpected(expected: string, token: Token = this.peek()): never {
    if (token.kind === 'word' && token.reserved && token.upper in UNSUPPORTED_CLAUSES) this.unsupportedClause(token);
    const code = token.kind === 'word' && token.reserved ? 'ParseUnexpectedKeyword' : 'ParseUnexpectedToken';
    this.fail(code, `expected ${expected}, found ${describeToken(token)}`, token);
  }

  private expectOp(op: string, expected = `'${op}'`): Token {
    if (!this.isOp(op)) this.unexpected(expected);
    return this.next();
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.unexpected(word);
    return this.next();
  }

  private unsupportedClause(token: Token): never {
    this.fail('ParseUnsupportedSyntax', `${UNSUPPORTED_CLAUSES[token.upper]} is not supported by Glacier Select`, token);
  }

  private span(start: number): Span {
    return { start, end: this.lastEnd };
  }

  // Statement

  statement(): SelectStatement {
    const first = this.peek();
    if (!this.isWord('SELECT')) {
      if (first.kind === 'word' && OTHER_STATEMENTS.has(first.upper)) {
        this.fail('ParseUnsupportedSyntax', `${first.upper} statements are not supported: Glacier Select runs a single SELECT`, first);
      }
      this.unexpected('SELECT');
    }
    this.next();
    if (this.isWord('DISTINCT')) this.fail('ParseUnsupportedSyntax', 'SELECT DISTINCT is not supported by Glacier Select');
    if (this.isWord('FROM')) this.fail('ParseEmptySelect', 'the SELECT list is empty: name the columns to return, or *');
    const projection = this.selectList();
    if (!this.isWord('FROM')) {
      if (this.peek().kind === 'end') this.fail('ParseSelectMissingFrom', 'the query has no FROM clause: write FROM ARCHIVE');
      this.unexpected("',' or FROM");
    }
    this.next();
    const table = this.table();
    let where: Expr | undefined;
    if (this.acceptWord('WHERE')) where = this.expression();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      if (rest.kind === 'op' && rest.text === ';') this.fail('ParseUnexpectedToken', "unexpected ';': the query takes no statement terminator", rest);
      if (rest.kind === 'word' && rest.upper in UNSUPPORTED_CLAUSES) this.unsupportedClause(rest);
      if ((rest.kind === 'word' && JOIN_WORDS.has(rest.upper)) || (rest.kind === 'op' && rest.text === ',')) {
        this.fail('ParseMalformedJoin', 'joins are not supported: Glacier Select reads one archive', rest);
      }
      this.unexpected(where ? 'the end of the query' : 'WHERE or the end of the query');
    }
    return { projection, table, where };
  }

  private selectList(): '*' | SelectItem[] {
    const items: SelectItem[] = [];
    let star: Token | undefined;
    do {
      const start = this.peek();
      if (this.isOp('*') || (this.peek().kind === 'word' && this.isOp('.', 1) && this.isOp('*', 2))) {
        star = start;
        while (!this.isOp('*')) this.next();
        this.next();
        continue;
      }
      const expr = this.expression();
      let alias: string | undefined;
      if (this.acceptWord('AS')) {
        alias = this.identifier('a column alias');
      } else if (this.peek().kind === 'quoted' || (this.peek().kind === 'word' && !this.peek().reserved)) {
        alias = this.identifier('a column alias');
      }
      items.push({ expr, alias, ...this.span(start.start) });
    } while (this.acceptOp(','));
    if (star) {
      if (items.length > 0) this.fail('ParseAsteriskIsNotAloneInSelectList', '* must be alone in the SELECT list', star);
      return '*';
    }
    return items;
  }

  /** An unreserved word or a double-quoted name; `role` says what it names, for errors. */
  private identifier(role: string): string {
    const token = this.peek();
    if (token.kind === 'quoted' || (token.kind === 'word' && !token.reserved)) {
      this.next();
      return token.text;
    }
    if (token.kind === 'word' && token.reserved && !(token.upper in UNSUPPORTED_CLAUSES)) {
      this.fail('ParseUnexpectedKeyword', `${token.text} is a reserved word: write "${token.text}" to use it as ${role}`, token);
    }
    this.unexpected(role);
  }

  private table(): SelectStatement['table'] {
    const token = this.peek();
    if (this.isOp('(')) {
      this.fail('ParseUnsupportedSyntax', 'subqueries are not supported by Glacier Select', token);
    }
    if (token.kind !== 'word' && token.kind !== 'quoted') this.unexpected('ARCHIVE or OBJECT after FROM');
    this.next();
    const name = token.text;
    if (!TABLE_NAMES.has(name.toUpperCase())) {
      const hint = name.toUpperCase() === 'S3OBJECT' ? ': S3Object is the S3 Select name, Glacier Select reads FROM ARCHIVE (or OBJECT)' : ': write FROM ARCHIVE (or OBJECT)';
      this.fail('InvalidDataSource', `unknown table ${name}${hint}`, token);
    }
    if (this.isOp('[') || this.isOp('.')) {
      this.fail('ParseUnsupportedSyntax', 'JSON paths in FROM are not supported: Glacier Select reads CSV', this.peek());
    }
    let alias: string | undefined;
    if (this.acceptWord('AS')) {
      alias = this.identifier('a table alias');
    } else if (this.peek().kind === 'quoted' || (this.peek().kind === 'word' && !this.peek().reserved && !(this.peek().upper in UNSUPPORTED_CLAUSES))) {
      alias = this.identifier('a table alias');
    }
    return { name, alias, start: token.start, end: this.lastEnd };
  }

  // Expressions, loosest binding first

  expression(): Expr {
    return this.or();
  }

  private or(): Expr {
    const start = this.peek().start;
    let left = this.and();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.and(), ...this.span(start) };
    return left;
  }

  private and(): Expr {
    const start = this.peek().start;
    let left = this.not();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.not(), ...this.span(start) };
    return left;
  }

  private not(): Expr {
    const start = this.peek().start;
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.not(), ...this.span(start) };
    return this.equality();
  }

  private equality(): Expr {
    const start = this.peek().start;
    let left = this.comparison();
    while (this.isWord('IS')) {
      this.next();
      const negated = this.acceptWord('NOT');
      const test = this.peek();
      if (!this.acceptWord('NULL') && !this.acceptWord('MISSING')) this.unexpected('NULL or MISSING after IS');
      left = { kind: 'is', negated, value: left, test: test.upper as 'NULL' | 'MISSING', ...this.span(start) };
    }
    const op = this.peek();
    if (op.kind === 'op' && (op.text === '=' || op.text === '<>' || op.text === '!=')) {
      this.next();
      const right = this.equality();
      return { kind: 'compare', op: op.text === '=' ? '=' : '<>', left, right, ...this.span(start) };
    }
    return left;
  }

  private comparison(): Expr {
    const start = this.peek().start;
    let left = this.like();
    for (;;) {
      const op = this.peek();
      if (op.kind !== 'op' || !['<', '>', '<=', '>='].includes(op.text)) return left;
      this.next();
      left = { kind: 'compare', op: op.text as ComparisonOperator, left, right: this.like(), ...this.span(start) };
    }
  }

  /** `NOT` before LIKE, BETWEEN or IN negates the operator. */
  private negatedOperator(word: string): boolean | undefined {
    if (this.isWord(word)) {
      this.next();
      return false;
    }
    if (this.isWord('NOT') && this.isWord(word, 1)) {
      this.next();
      this.next();
      return true;
    }
    return undefined;
  }

  private like(): Expr {
    const start = this.peek().start;
    let left = this.between();
    for (let negated = this.negatedOperator('LIKE'); negated !== undefined; negated = this.negatedOperator('LIKE')) {
      const pattern = this.between();
      const escape = this.acceptWord('ESCAPE') ? this.between() : undefined;
      left = { kind: 'like', negated, value: left, pattern, escape, ...this.span(start) };
    }
    return left;
  }

  private between(): Expr {
    const start = this.peek().start;
    let left = this.in();
    for (let negated = this.negatedOperator('BETWEEN'); negated !== undefined; negated = this.negatedOperator('BETWEEN')) {
      const low = this.in();
      this.expectWord('AND');
      const high = this.in();
      left = { kind: 'between', negated, value: left, low, high, ...this.span(start) };
    }
    return left;
  }

  private in(): Expr {
    const start = this.peek().start;
    let left = this.additive();
    for (let negated = this.negatedOperator('IN'); negated !== undefined; negated = this.negatedOperator('IN')) {
      const open = this.peek();
      let items: Expr[];
      if (this.acceptOp('(')) {
        if (this.isWord('SELECT')) this.fail('ParseUnsupportedSyntax', 'subqueries are not supported by Glacier Select');
        items = this.expressionList(')');
      } else if (this.acceptOp('[')) {
        items = this.expressionList(']');
      } else {
        this.fail('ParseExpectedTokenType', `IN needs a list such as ('a', 'b'), found ${describeToken(open)}`, open);
      }
      left = { kind: 'in', negated, value: left, items, ...this.span(start) };
    }
    return left;
  }

  /** `e, e, ...` up to the closing bracket, which it consumes. */
  private expressionList(close: string): Expr[] {
    const items: Expr[] = [];
    if (!this.isOp(close)) {
      do items.push(this.expression());
      while (this.acceptOp(','));
    }
    this.expectOp(close, `',' or '${close}'`);
    return items;
  }

  private additive(): Expr {
    const start = this.peek().start;
    let left = this.multiplicative();
    for (;;) {
      const op = this.peek();
      if (op.kind === 'op' && op.text === '||') this.fail('ParseUnsupportedSyntax', 'string concatenation (||) is not supported by Glacier Select', op);
      if (op.kind !== 'op' || (op.text !== '+' && op.text !== '-')) return left;
      this.next();
      left = { kind: 'arithmetic', op: op.text, left, right: this.multiplicative(), ...this.span(start) };
    }
  }

  private multiplicative(): Expr {
    const start = this.peek().start;
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      if (op.kind !== 'op' || !['*', '/', '%'].includes(op.text)) return left;
      this.next();
      left = { kind: 'arithmetic', op: op.text as ArithmeticOperator, left, right: this.unary(), ...this.span(start) };
    }
  }

  private unary(): Expr {
    const start = this.peek().start;
    if (this.acceptOp('-')) {
      // A minus sign on a number literal is part of the literal, so -9223372036854775808 fits.
      if (this.peek().kind === 'number') return this.number(this.next(), true, start);
      return { kind: 'negate', operand: this.unary(), ...this.span(start) };
    }
    return this.primary();
  }

  private number(token: Token, negative: boolean, start: number): Expr {
    const text = (negative ? '-' : '') + token.text;
    const span = { start, end: token.end };
    if (/^-?[0-9]+$/.test(text)) {
      const value = BigInt(text);
      if (value < INT_MIN || value > INT_MAX) this.fail('IntegerOverflow', `integer literal ${text} is outside the 64-bit range`, span);
      return { kind: 'literal', value, ...span };
    }
    if (/[eE]/.test(text)) return { kind: 'literal', value: Number(text), ...span };
    try {
      return { kind: 'literal', value: Decimal.parse(text)!, ...span };
    } catch (err) {
      if (err instanceof DecimalOverflow) this.fail('IntegerOverflow', `decimal literal ${text} has more than 38 digits before the point`, span);
      throw err;
    }
  }

  private primary(): Expr {
    const token = this.peek();
    const start = token.start;
    switch (token.kind) {
      case 'number':
        return this.number(this.next(), false, start);
      case 'string':
        this.next();
        return { kind: 'literal', value: token.text, ...this.span(start) };
      case 'ion': {
        this.next();
        const value = Timestamp.parse(token.text);
        if (!value) this.fail('LexerInvalidIONLiteral', `\`${token.text}\` is not a timestamp; back-ticks hold timestamps such as \`2010-01-01T\``, token);
        return { kind: 'literal', value, ...this.span(start) };
      }
      case 'quoted':
        return this.columnReference();
      case 'op':
        if (this.acceptOp('(')) {
          if (this.isWord('SELECT')) this.fail('ParseUnsupportedSyntax', 'subqueries are not supported by Glacier Select');
          const inner = this.expression();
          this.expectOp(')', "')'");
          return { ...inner, ...this.span(start) };
        }
        if (this.acceptOp('[')) return { kind: 'list', items: this.expressionList(']'), ...this.span(start) };
        if (token.text === '*') this.fail('ParseAsteriskIsNotAloneInSelectList', '* is only allowed alone in the SELECT list', token);
        return this.unexpected('an expression');
      case 'end':
        this.fail('ParseExpectedExpression', 'expected an expression, found the end of the query', token);
    }
    return this.word(token);
  }

  private word(token: Token): Expr {
    const start = token.start;
    const call = this.isOp('(', 1);
    switch (token.upper) {
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { kind: 'literal', value: token.upper === 'TRUE', ...this.span(start) };
      case 'NULL':
        this.next();
        return { kind: 'literal', value: null, ...this.span(start) };
      case 'MISSING':
        this.next();
        return { kind: 'literal', value: undefined, ...this.span(start) };
      case 'CAST':
        return this.cast();
      case 'CASE':
        return this.caseExpression();
      case 'SUBSTRING':
        return this.substring();
      case 'TRIM':
        return this.trim();
      case 'EXTRACT':
        return this.extract();
    }
    if (call && token.upper in KEYWORD_FUNCTIONS) {
      const { name, min, max } = KEYWORD_FUNCTIONS[token.upper];
      return this.call(name, min, max);
    }
    if (call && token.upper in PLAIN_FUNCTIONS && !token.reserved) {
      const name = PLAIN_FUNCTIONS[token.upper];
      if (name === 'DATE_ADD' || name === 'DATE_DIFF') return this.dateFunction(name);
      return this.call(name, PLAIN_ARITY[name], PLAIN_ARITY[name]);
    }
    if (call && AGGREGATES.has(token.upper)) {
      this.fail('UnsupportedFunction', `aggregate function ${token.upper} is not supported by Glacier Select`, token);
    }
    if (call) this.fail('UnsupportedFunction', `${token.text} is not a Glacier Select function`, token);
    if (token.upper === 'SELECT') this.fail('ParseUnsupportedSyntax', 'subqueries are not supported by Glacier Select', token);
    return this.columnReference();
  }

  /** `_3`, `name`, `"Name"`, `s._3`, `s.name`, `s."Name"`. */
  private columnReference(): Expr {
    const start = this.peek().start;
    const parts: Token[] = [];
    do {
      const token = this.peek();
      if (token.kind === 'quoted' || (token.kind === 'word' && !token.reserved)) {
        parts.push(this.next());
      } else {
        if (parts.length === 0 && (token.kind !== 'word' || !token.reserved || STRUCTURAL_WORDS.has(token.upper))) {
          if (token.kind === 'word' && token.upper in UNSUPPORTED_CLAUSES) this.unsupportedClause(token);
          this.fail('ParseExpectedExpression', `expected an expression, found ${describeToken(token)}`, token);
        }
        this.identifier('a column name');
      }
    } while (this.acceptOp('.'));
    if (parts.length > 2 || this.isOp('[')) {
      this.fail('ParseUnsupportedSyntax', 'JSON paths are not supported: Glacier Select reads CSV, columns are _N or header names', { start, end: this.lastEnd });
    }
    const nameToken = parts[parts.length - 1];
    const qualifier = parts.length === 2 ? parts[0].text : undefined;
    const span = this.span(start);
    if (nameToken.kind === 'word' && /^_[0-9]+$/.test(nameToken.text)) {
      const index = Number(nameToken.text.slice(1));
      if (!/^_[1-9][0-9]*$/.test(nameToken.text) || index > MAX_COLUMNS) {
        this.fail('InvalidColumnIndex', `${nameToken.text} is not a column: positions run from _1 to _${MAX_COLUMNS}`, nameToken);
      }
      return { kind: 'column', ref: { kind: 'position', index: index - 1 }, qualifier, ...span };
    }
    return { kind: 'column', ref: { kind: 'name', name: nameToken.text, quoted: nameToken.kind === 'quoted' }, qualifier, ...span };
  }

  /** NAME '(' args ')' with an arity check. */
  private call(name: FunctionName, min: number, max: number): Expr {
    const start = this.next().start;
    this.expectOp('(');
    const args = this.expressionList(')');
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail('EvaluatorInvalidArguments', `${name} takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${args.length}`, this.span(start));
    }
    return { kind: 'call', name, args, ...this.span(start) };
  }

  private cast(): Expr {
    const start = this.next().start;
    this.expectOp('(');
    const value = this.expression();
    this.expectWord('AS');
    const typeToken = this.peek();
    if (typeToken.kind !== 'word') this.fail('ParseExpectedTypeName', `expected a type name after AS, found ${describeToken(typeToken)}`, typeToken);
    const type = CAST_TYPES[typeToken.upper];
    if (!type) {
      this.fail('InvalidDataType', `${typeToken.text} is not a Glacier Select type: use BOOL, INT, INTEGER, STRING, FLOAT, DECIMAL, NUMERIC or TIMESTAMP`, typeToken);
    }
    this.next();
    // DECIMAL(precision[, scale]) is accepted and the parameters ignored, as S3 Select does.
    if (type === 'decimal' && this.acceptOp('(')) {
      if (this.peek().kind !== 'number') this.unexpected('a precision');
      this.next();
      if (this.acceptOp(',')) {
        if (this.peek().kind !== 'number') this.unexpected('a scale');
        this.next();
      }
      this.expectOp(')');
    }
    this.expectOp(')');
    return { kind: 'cast', value, type, ...this.span(start) };
  }

  private caseExpression(): Expr {
    const start = this.next().start;
    const subject = this.isWord('WHEN') ? undefined : this.expression();
    const branches: { when: Expr; then: Expr }[] = [];
    while (this.acceptWord('WHEN')) {
      const when = this.expression();
      this.expectWord('THEN');
      branches.push({ when, then: this.expression() });
    }
    if (branches.length === 0) this.fail('ParseExpectedWhenClause', `CASE needs at least one WHEN, found ${describeToken(this.peek())}`);
    const otherwise = this.acceptWord('ELSE') ? this.expression() : undefined;
    this.expectWord('END');
    return { kind: 'case', subject, branches, otherwise, ...this.span(start) };
  }

  /** SUBSTRING(s FROM start [FOR length]) or SUBSTRING(s, start[, length]). */
  private substring(): Expr {
    const start = this.next().start;
    this.expectOp('(');
    const args = [this.expression()];
    if (this.acceptWord('FROM')) {
      args.push(this.expression());
      if (this.acceptWord('FOR')) args.push(this.expression());
    } else if (this.acceptOp(',')) {
      args.push(this.expression());
      if (this.acceptOp(',')) args.push(this.expression());
    } else {
      this.unexpected("FROM or ','");
    }
    this.expectOp(')');
    return { kind: 'call', name: 'SUBSTRING', args, ...this.span(start) };
  }

  /** TRIM([[LEADING|TRAILING|BOTH] [chars] FROM] s). */
  private trim(): Expr {
    const start = this.next().start;
    this.expectOp('(');
    let side: TrimSide | undefined;
    for (const word of ['LEADING', 'TRAILING', 'BOTH'] as const) if (!side && this.acceptWord(word)) side = word;
    const args: Expr[] = [];
    if (this.acceptWord('FROM')) {
      args.push(this.expression());
    } else {
      const first = this.expression();
      if (this.acceptWord('FROM')) {
        args.push(this.expression(), first);
      } else {
        if (side) this.unexpected('FROM');
        args.push(first);
      }
    }
    this.expectOp(')');
    return { kind: 'call', name: 'TRIM', args, side: side ?? 'BOTH', ...this.span(start) };
  }

  private datePart(parts: Set<string>, what: string): DatePart & ExtractPart {
    const token = this.peek();
    if (token.kind !== 'word' || !parts.has(token.upper)) {
      this.fail('ParseExpectedDatePart', `expected a date part (${[...parts].join(', ')}) ${what}, found ${describeToken(token)}`, token);
    }
    this.next();
    return token.upper.toLowerCase() as DatePart & ExtractPart;
  }

  /** EXTRACT(part FROM timestamp). */
  private extract(): Expr {
    const start = this.next().start;
    this.expectOp('(');
    const part = this.datePart(EXTRACT_PARTS, 'in EXTRACT');
    this.expectWord('FROM');
    const value = this.expression();
    this.expectOp(')');
    return { kind: 'call', name: 'EXTRACT', args: [value], part, ...this.span(start) };
  }

  /** DATE_ADD(part, quantity, timestamp) and DATE_DIFF(part, t1, t2). */
  private dateFunction(name: 'DATE_ADD' | 'DATE_DIFF'): Expr {
    const start = this.next().start;
    this.expectOp('(');
    const part = this.datePart(DATE_PARTS, `as the first argument of ${name}`);
    this.expectOp(',', "','");
    const first = this.expression();
    this.expectOp(',', "','");
    const second = this.expression();
    this.expectOp(')', "')'");
    return { kind: 'call', name, args: [first, second], part, ...this.span(start) };
  }
}
