// Whole-number flags (--concurrency, --attempts, --limit, --port, ...). yargs' `type: 'number'`
// turns `--concurrency abc` into NaN, and the usage error could only say "NaN"; these flags are
// read as the text typed, so that the error quotes it.

import type { Options } from 'yargs';
import { UsageError } from '../errors.js';

export interface WholeNumberFlag {
  describe: string;
  /** Smallest and largest values allowed (both included). */
  min: number;
  max?: number;
  default?: number;
  /** What the flag's values are, in the error ("a whole number from 1 to 64" by default). */
  what?: string;
}

type WholeNumberOption = Options & { type: 'string'; coerce: (value: unknown) => number };

/**
 * A yargs option for a whole-number flag. A value that is not written as a whole number in range
 * (decimal digits, an optional minus sign) is a usage error naming the flag and quoting the text.
 */
export function wholeNumberOption(flag: string, spec: WholeNumberFlag & { default: number }): WholeNumberOption & { default: number };
export function wholeNumberOption(flag: string, spec: WholeNumberFlag): WholeNumberOption;
export function wholeNumberOption(flag: string, spec: WholeNumberFlag): WholeNumberOption {
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const what = spec.what ?? (spec.max === undefined ? `a whole number of at least ${spec.min}` : `a whole number from ${spec.min} to ${max}`);
  return {
    type: 'string',
    requiresArg: true,
    describe: spec.describe,
    ...(spec.default === undefined ? {} : { default: spec.default }),
    coerce: (value: unknown): number => {
      // The default arrives as a number; with 'duplicate-arguments-array', a repeated flag as an array.
      if (Array.isArray(value)) throw new UsageError(`--${flag} is given more than once`);
      const parsed = parseWholeNumber(String(value));
      if (parsed === undefined || parsed < spec.min || parsed > max) throw new UsageError(`--${flag}: "${String(value)}" is not ${what}`);
      return parsed;
    },
  };
}

/** The integer `text` spells in decimal, or undefined (no hex, exponents, fractions or blanks). */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
