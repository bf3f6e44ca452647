// Splits a SQL expression into tokens, each with its offset so errors can point at it.

import { SelectError, type SqlPosition } from './errors.js';
import { isReserved } from './keywords.js';

export type TokenKind =
  | 'word' // an unquoted identifier or keyword; `upper` holds it in capitals
  | 'quoted' // a double-quoted identifier
  | 'string' // a single-quoted string literal
  | 'number'
  | 'ion' // a back-ticked literal
  | 'op' // punctuation and operators
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The token's value: the name, the unescaped string, the number's text or the operator. */
  text: string;
  /** For words: the text in capitals, for keyword comparisons. */
  upper: string;
  /** True for words in the reserved list (§8.6). */
  reserved: boolean;
  start: number;
  end: number;
}

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '+', '-', '*', '/', '%', '=', '<', '>', '(', ')', ',', '.', '[', ']', ';'];

/** Line and column (1-based) of an offset in the SQL text. */
export function positionAt(sql: string, offset: number): SqlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < sql.length; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const fail = (code: 'LexerInvalidChar' | 'LexerInvalidLiteral', reason: string, at: number): never => {
    throw new SelectError(code, reason, positionAt(sql, at));
  };
  const push = (kind: TokenKind, text: string, start: number, end: number) => {
    const upper = kind === 'word' ? text.toUpperCase() : '';
    tokens.push({ kind, text, upper, reserved: kind === 'word' && isReserved(text), start, end });
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? sql.length : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) fail('LexerInvalidChar', 'unterminated /* comment', i);
      i = close + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      push('word', sql.slice(start, i), start, i);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i, i + 400))!;
      const end = i + match[0].length;
      if (/[A-Za-z_]/.test(sql[end] ?? '')) fail('LexerInvalidLiteral', `malformed number ${JSON.stringify(sql.slice(i, end + 1))}`, i);
      push('number', match[0], i, end);
      i = end;
    } else if (c === "'" || c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) {
          fail('LexerInvalidLiteral', c === "'" ? 'unterminated string literal' : 'unterminated quoted identifier', start);
        }
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i++];
      }
      push(c === "'" ? 'string' : 'quoted', text, start, i);
    } else if (c === '`') {
      const close = sql.indexOf('`', i + 1);
      if (close === -1) fail('LexerInvalidLiteral', 'unterminated back-ticked literal', i);
      push('ion', sql.slice(i + 1, close), i, close + 1);
      i = close + 1;
    } else {
      const op = OPERATORS.find((candidate) => sql.startsWith(candidate, i));
      if (!op) fail('LexerInvalidChar', `unexpected character ${JSON.stringify(c)}`, i);
      push('op', op!, i, i + op!.length);
      i += op!.length;
    }
  }
  push('end', '', sql.length, sql.length);
  return tokens;
}
