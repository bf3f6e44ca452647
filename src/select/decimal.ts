// Exact base-10 numbers for the DECIMAL/NUMERIC type: a bigint coefficient and a scale (the
// number of digits after the point). Precision is capped at 38 significant digits (§8.3).

const MAX_DECIMAL_PRECISION = 38;

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** Thrown when a result needs more than 38 digits before the point. */
export class DecimalOverflow extends Error {}

export class Decimal {
  /** value = coefficient × 10^-scale; scale is never negative. */
  readonly coefficient: bigint;
  readonly scale: number;

  constructor(coefficient: bigint, scale: number) {
    if (scale < 0) {
      this.coefficient = coefficient * pow10(-scale);
      this.scale = 0;
    } else {
      this.coefficient = coefficient;
      this.scale = scale;
    }
  }

  static fromBigInt(n: bigint): Decimal {
    return new Decimal(n, 0);
  }

  /** Parses `-12.50`, `.5`, `3.`, `1.2e3`. Returns undefined for anything else. */
  static parse(text: string): Decimal | undefined {
    const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
    if (!match) return undefined;
    const [, sign, whole, fraction = '', exponent] = match;
    if (whole === '' && fraction === '') return undefined;
    const digits = (whole + fraction).replace(/^0+(?=[0-9])/, '');
    let scale = fraction.length - (exponent === undefined ? 0 : Number(exponent));
    if (!Number.isSafeInteger(scale) || Math.abs(scale) > 10_000) return undefined;
    let coefficient = BigInt(digits);
    if (sign === '-') coefficient = -coefficient;
    if (scale < 0) {
      coefficient *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(coefficient, scale).limited();
  }

  /** The nearest decimal to a float, using its shortest round-trip text. */
  static fromNumber(n: number): Decimal | undefined {
    return Number.isFinite(n) ? Decimal.parse(String(n)) : undefined;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Truncates toward zero. */
  toBigInt(): bigint {
    return this.coefficient / pow10(this.scale);
  }

  isZero(): boolean {
    return this.coefficient === 0n;
  }

  toString(): string {
    const negative = this.coefficient < 0n;
    let digits = (negative ? -this.coefficient : this.coefficient).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      digits = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
    }
    return negative ? `-${digits}` : digits;
  }

  private rescaled(scale: number): bigint {
    return this.coefficient * pow10(scale - this.scale);
  }

  compare(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescaled(scale);
    const b = other.rescaled(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.rescaled(scale) + other.rescaled(scale), scale).limited();
  }

  subtract(other: Decimal): Decimal {
    return this.add(other.negate());
  }

  negate(): Decimal {
    return new Decimal(-this.coefficient, this.scale);
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.coefficient * other.coefficient, this.scale + other.scale).limited();
  }

  /**
   * Quotient rounded half-even to 38 significant digits, then stripped of trailing zeros down to
   * the preferred scale (this.scale − other.scale), as Java's BigDecimal.divide(MathContext) does.
   * The caller checks for a zero divisor.
   */
  divide(other: Decimal): Decimal {
    const preferred = Math.max(0, this.scale - other.scale);
    // The quotient has (ea - eb) or (ea - eb + 1) digits before the point; working two digits
    // beyond 38 significant ones, plus a sticky digit for a non-zero remainder, makes the one
    // rounding in limited() exact.
    const magnitude = digitCount(this.coefficient) - this.scale - (digitCount(other.coefficient) - other.scale);
    const scale = Math.max(preferred, MAX_DECIMAL_PRECISION - magnitude + 2);
    const numerator = this.coefficient * pow10(scale - this.scale + other.scale);
    const quotient = numerator / other.coefficient;
    const inexact = numerator % other.coefficient !== 0n;
    const negative = this.coefficient < 0n !== other.coefficient < 0n;
    const sticky = inexact ? (negative ? -1n : 1n) : 0n;
    return new Decimal(quotient * TEN + sticky, scale + 1).limited().stripped(preferred);
  }

  /** Remainder with the sign of the dividend, like the integer `%`. */
  remainder(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.rescaled(scale) % other.rescaled(scale), scale);
  }

  /** Drops trailing zeros after the point, but keeps at least `minScale` digits. */
  private stripped(minScale: number): Decimal {
    let { coefficient, scale } = this;
    while (scale > minScale && coefficient % TEN === 0n) {
      coefficient /= TEN;
      scale--;
    }
    return new Decimal(coefficient, scale);
  }

  /** Rounds away digits beyond the 38-digit precision; throws when the integer part is too long. */
  private limited(): Decimal {
    const excess = digitCount(this.coefficient) - MAX_DECIMAL_PRECISION;
    if (excess <= 0) return this;
    if (excess > this.scale) throw new DecimalOverflow(`a DECIMAL result needs more than ${MAX_DECIMAL_PRECISION} digits`);
    return new Decimal(roundHalfEven(this.coefficient, pow10(excess)), this.scale - excess);
  }
}

function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  let quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  const away = numerator < 0n ? -1n : 1n;
  if (twice > denominator || (twice === denominator && quotient % 2n !== 0n)) quotient += away;
  return quotient;
}
