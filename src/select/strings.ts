// String functions and LIKE. Lengths and positions count characters (code points), not UTF-16
// units, so an emoji is one character.

import type { TrimSide } from './ast.js';
import { SelectError } from './errors.js';

const SURROGATE = /[\uD800-\uDFFF]/;

function characters(s: string): string[] | undefined {
  return SURROGATE.test(s) ? Array.from(s) : undefined;
}

export function charLength(s: string): number {
  return characters(s)?.length ?? s.length;
}

/**
 * SUBSTRING with 1-based positions. Without a length, a start below 1 counts as 1; with one, the
 * substring ends before position start + length, and is empty when that is not past position 1
 * (the S3 rules, glacier-api.md §8.5).
 */
export function substring(s: string, start: number, length?: number): string {
  const chars = characters(s);
  const size = chars?.length ?? s.length;
  const from = Math.max(start, 1);
  const to = length === undefined ? size + 1 : Math.min(start + length, size + 1);
  if (to <= from) return '';
  return chars ? chars.slice(from - 1, to - 1).join('') : s.slice(from - 1, to - 1);
}

/** TRIM: removes any of `remove` (a set of characters, default a space) from the chosen side(s). */
export function trim(s: string, side: TrimSide, remove = ' '): string {
  const set = new Set(Array.from(remove));
  const chars = Array.from(s);
  let from = 0;
  let to = chars.length;
  if (side !== 'TRAILING') while (from < to && set.has(chars[from])) from++;
  if (side !== 'LEADING') while (to > from && set.has(chars[to - 1])) to--;
  return chars.slice(from, to).join('');
}

type LikePiece = { literal: string } | 'any' | 'one';

/** Compiles a LIKE pattern: `%` is any sequence, `_` one character, `escape` quotes the next one. */
export function likeMatcher(pattern: string, escape?: string): (s: string) => boolean {
  if (escape !== undefined && Array.from(escape).length !== 1) {
    throw new SelectError('EvaluatorLikePatternInvalidEscapeSequence', `the LIKE escape must be one character, got '${escape}'`);
  }
  const pieces: LikePiece[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i];
    if (c === '%' || c === '_') {
      pieces.push(c === '%' ? 'any' : 'one');
      continue;
    }
    if (c === escape) {
      if (i + 1 >= chars.length) {
        throw new SelectError('EvaluatorLikePatternInvalidEscapeSequence', `the LIKE pattern '${pattern}' ends with its escape character`);
      }
      c = chars[++i];
    }
    const last = pieces[pieces.length - 1];
    if (typeof last === 'object') last.literal += c;
    else pieces.push({ literal: c });
  }
  // The common shapes avoid a regular expression.
  const shape = pieces.map((piece) => (typeof piece === 'object' ? 'L' : piece === 'any' ? '%' : '_')).join('');
  const literals = pieces.flatMap((piece) => (typeof piece === 'object' ? [piece.literal] : []));
  const [first] = literals;
  switch (shape) {
    case '':
      return (s) => s === '';
    case 'L':
      return (s) => s === first;
    case '%':
      return () => true;
    case 'L%':
      return (s) => s.startsWith(first);
    case '%L':
      return (s) => s.endsWith(first);
    case '%L%':
      return (s) => s.includes(first);
  }
  const source = pieces
    .map((piece) => (piece === 'any' ? '.*' : piece === 'one' ? '.' : piece.literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'su');
  return (s) => regex.test(s);
}
