// The TIMESTAMP type: Ion/W3C timestamps with a precision (year, month, day, minute, second),
// arbitrary fractional seconds and a local offset (unknown for date-only values, printed -00:00).
// Fields are kept as written (local time); comparisons use the UTC instant.

export type TimestampPrecision = 'year' | 'month' | 'day' | 'minute' | 'second';
export type DatePart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
export type ExtractPart = DatePart | 'timezone_hour' | 'timezone_minute';

const PRECISION_RANK: Record<TimestampPrecision, number> = { year: 0, month: 1, day: 2, minute: 3, second: 4 };

/** A value that cannot be a timestamp (out of range year, bad pattern): the caller picks the code. */
export class TimestampRangeError extends Error {}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Seconds since the epoch of a UTC wall-clock time (years 1–9999, unlike Date.UTC's 0–99 quirk). */
function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() / 1000;
}

function fieldsOf(seconds: number): [number, number, number, number, number, number] {
  const date = new Date(seconds * 1000);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
}

const TIMESTAMP_PATTERN =
  /^(\d{4})(?:T|-(\d{2})(?:T|-(\d{2})(?:T?|T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2}))))$/;

export class Timestamp {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    /** Digits after the decimal point of the seconds, as written ('' for none). */
    readonly fraction: string,
    readonly precision: TimestampPrecision,
    /** Minutes east of UTC; null when unknown (-00:00, and every date-only value). */
    readonly offset: number | null,
  ) {}

  /** Parses Ion timestamp text (`2007T`, `2007-02T`, `2007-02-23`, `2007-02-23T12:14Z`, `…:33.079-08:00`). */
  static parse(text: string): Timestamp | undefined {
    const match = TIMESTAMP_PATTERN.exec(text);
    if (!match) return undefined;
    const [, y, mo, d, h, mi, s, fraction, zone] = match;
    const year = Number(y);
    const month = mo === undefined ? 1 : Number(mo);
    const day = d === undefined ? 1 : Number(d);
    const hour = h === undefined ? 0 : Number(h);
    const minute = mi === undefined ? 0 : Number(mi);
    const second = s === undefined ? 0 : Number(s);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    let offset: number | null = null;
    if (zone !== undefined && zone !== 'Z' && zone !== '-00:00') {
      const zoneHours = Number(zone.slice(1, 3));
      const zoneMinutes = Number(zone.slice(4, 6));
      if (zoneHours > 23 || zoneMinutes > 59) return undefined;
      offset = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
    } else if (zone === 'Z') {
      offset = 0;
    }
    const precision: TimestampPrecision =
      h !== undefined ? (s !== undefined ? 'second' : 'minute') : d !== undefined ? 'day' : mo !== undefined ? 'month' : 'year';
    return new Timestamp(year, month, day, hour, minute, second, fraction ?? '', precision, offset);
  }

  /** Now, in UTC, to the millisecond. */
  static now(clock: number = Date.now()): Timestamp {
    const seconds = Math.floor(clock / 1000);
    const [year, month, day, hour, minute, second] = fieldsOf(seconds);
    return new Timestamp(year, month, day, hour, minute, second, pad(clock - seconds * 1000, 3), 'second', 0);
  }

  /** Ion text; day precision prints without the trailing T, as the §8.5 examples do. */
  toString(): string {
    const date = pad(this.year, 4);
    if (this.precision === 'year') return `${date}T`;
    if (this.precision === 'month') return `${date}-${pad(this.month, 2)}T`;
    const day = `${date}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
    if (this.precision === 'day') return day;
    let time = `${day}T${pad(this.hour, 2)}:${pad(this.minute, 2)}`;
    if (this.precision === 'second') time += `:${pad(this.second, 2)}${this.fraction ? `.${this.fraction}` : ''}`;
    return time + formatOffset(this.offset);
  }

  /** Whole seconds since the epoch of the UTC instant (an unknown offset counts as UTC). */
  epochSeconds(): number {
    return utcSeconds(this.year, this.month, this.day, this.hour, this.minute, this.second) - (this.offset ?? 0) * 60;
  }

  compare(other: Timestamp): number {
    const a = this.epochSeconds();
    const b = other.epochSeconds();
    if (a !== b) return a < b ? -1 : 1;
    return compareFractions(this.fraction, other.fraction);
  }

  private with(fields: Partial<Timestamp>): Timestamp {
    const next = { ...this, ...fields };
    if (next.year < 1 || next.year > 9999) throw new TimestampRangeError('the resulting timestamp is outside years 1–9999');
    return new Timestamp(next.year, next.month, next.day, next.hour, next.minute, next.second, next.fraction, next.precision, next.offset);
  }

  private atLeast(precision: TimestampPrecision): TimestampPrecision {
    return PRECISION_RANK[this.precision] >= PRECISION_RANK[precision] ? this.precision : precision;
  }

  /** DATE_ADD: calendar arithmetic on the local fields; the precision grows to the unit added. */
  add(part: DatePart, amount: number): Timestamp {
    if (part === 'year' || part === 'month') {
      const months = this.year * 12 + (this.month - 1) + (part === 'year' ? amount * 12 : amount);
      const year = Math.floor(months / 12);
      const month = months - year * 12 + 1;
      const day = year >= 1 && year <= 9999 ? Math.min(this.day, daysInMonth(year, month)) : this.day;
      return this.with({ year, month, day, precision: part === 'month' ? this.atLeast('month') : this.precision });
    }
    const unit = { day: 86_400, hour: 3_600, minute: 60, second: 1 }[part];
    const local = utcSeconds(this.year, this.month, this.day, this.hour, this.minute, this.second) + amount * unit;
    if (!Number.isFinite(local) || Math.abs(local) > 3e11) throw new TimestampRangeError('the resulting timestamp is outside years 1–9999');
    const [year, month, day, hour, minute, second] = fieldsOf(local);
    const precision = this.atLeast(part === 'day' ? 'day' : part === 'second' ? 'second' : 'minute');
    // A date-only value that gains a time keeps its unknown offset (printed -00:00).
    return this.with({ year, month, day, hour, minute, second, precision });
  }

  /** DATE_DIFF: whole units from this to `later` (negative when `later` is earlier). */
  diff(part: DatePart, later: Timestamp): bigint {
    if (part === 'year' || part === 'month') {
      const a = fieldsOf(this.epochSeconds());
      const b = fieldsOf(later.epochSeconds());
      let months = (b[0] - a[0]) * 12 + (b[1] - a[1]);
      // Compare what is left after the month: day, time of day, fraction.
      const restA = [a[2], a[3], a[4], a[5]];
      const restB = [b[2], b[3], b[4], b[5]];
      let rest = 0;
      for (let i = 0; i < 4 && rest === 0; i++) rest = Math.sign(restB[i] - restA[i]);
      if (rest === 0) rest = compareFractions(later.fraction, this.fraction);
      if (months > 0 && rest < 0) months--;
      if (months < 0 && rest > 0) months++;
      return BigInt(part === 'year' ? Math.trunc(months / 12) : months);
    }
    const unit = BigInt({ day: 86_400, hour: 3_600, minute: 60, second: 1 }[part]);
    const digits = Math.max(this.fraction.length, later.fraction.length);
    const scale = 10n ** BigInt(digits);
    const fractionUnits = (fraction: string) => BigInt(fraction.padEnd(digits, '0') || '0');
    const total =
      BigInt(later.epochSeconds() - this.epochSeconds()) * scale + fractionUnits(later.fraction) - fractionUnits(this.fraction);
    return total / (unit * scale);
  }

  extract(part: ExtractPart): bigint {
    const offset = this.offset ?? 0;
    const sign = offset < 0 ? -1 : 1;
    switch (part) {
      case 'year':
        return BigInt(this.year);
      case 'month':
        return BigInt(this.month);
      case 'day':
        return BigInt(this.day);
      case 'hour':
        return BigInt(this.hour);
      case 'minute':
        return BigInt(this.minute);
      case 'second':
        return BigInt(this.second);
      case 'timezone_hour':
        return BigInt(sign * Math.floor(Math.abs(offset) / 60));
      case 'timezone_minute':
        return BigInt(sign * (Math.abs(offset) % 60));
    }
  }
}

function compareFractions(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const x = a.padEnd(width, '0');
  const y = b.padEnd(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

function formatOffset(offset: number | null): string {
  if (offset === null) return '-00:00';
  if (offset === 0) return 'Z';
  const magnitude = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(magnitude / 60), 2)}:${pad(magnitude % 60, 2)}`;
}

// TO_STRING patterns. The S3 Select letter table is not published; the letters follow the
// PartiQL table (glacier-api.md §8.5) and Java's DateTimeFormatter, which it mirrors.

export type PatternPiece = string | { letter: string; count: number };

/** Thrown for a bad TO_STRING pattern; `unterminated` tells an open quote from an unknown letter. */
export class PatternError extends Error {
  constructor(
    message: string,
    readonly unterminated: boolean,
  ) {
    super(message);
  }
}

const PATTERN_LETTERS: Record<string, number> = { y: 9, M: 5, d: 2, a: 1, h: 2, H: 2, m: 2, s: 2, S: 9, n: 9, X: 5, x: 5 };

export function parsePattern(pattern: string): PatternPiece[] {
  const pieces: PatternPiece[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        pieces.push("'");
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close === -1) throw new PatternError(`unterminated quoted text in timestamp pattern ${JSON.stringify(pattern)}`, true);
      pieces.push(pattern.slice(i + 1, close));
      i = close + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let count = 1;
      while (pattern[i + count] === c) count++;
      const max = PATTERN_LETTERS[c];
      if (max === undefined) throw new PatternError(`timestamp pattern letter '${c}' is not supported`, false);
      if (count > max) throw new PatternError(`timestamp pattern '${c.repeat(count)}' has too many letters (at most ${max})`, false);
      pieces.push({ letter: c, count });
      i += count;
    } else {
      pieces.push(c);
      i++;
    }
  }
  return pieces;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function formatPatternOffset(offset: number, count: number, zeroAsZ: boolean): string {
  if (offset === 0 && zeroAsZ) return 'Z';
  const magnitude = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  const hours = pad(Math.floor(magnitude / 60), 2);
  const minutes = pad(magnitude % 60, 2);
  if (count === 1) return magnitude % 60 === 0 ? `${sign}${hours}` : `${sign}${hours}${minutes}`;
  if (count === 2 || count === 4) return `${sign}${hours}${minutes}`;
  return `${sign}${hours}:${minutes}`;
}

export function formatTimestamp(ts: Timestamp, pieces: readonly PatternPiece[]): string {
  let out = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    const { letter, count } = piece;
    switch (letter) {
      case 'y':
        out += count === 2 ? pad(ts.year % 100, 2) : pad(ts.year, count);
        break;
      case 'M':
        out +=
          count <= 2 ? pad(ts.month, count) : count === 3 ? MONTHS[ts.month - 1].slice(0, 3) : count === 4 ? MONTHS[ts.month - 1] : MONTHS[ts.month - 1][0];
        break;
      case 'd':
        out += pad(ts.day, count);
        break;
      case 'a':
        out += ts.hour < 12 ? 'AM' : 'PM';
        break;
      case 'h':
        out += pad(ts.hour % 12 || 12, count);
        break;
      case 'H':
        out += pad(ts.hour, count);
        break;
      case 'm':
        out += pad(ts.minute, count);
        break;
      case 's':
        out += pad(ts.second, count);
        break;
      case 'S':
        out += ts.fraction.padEnd(count, '0').slice(0, count);
        break;
      case 'n':
        out += String(Number(ts.fraction.padEnd(9, '0').slice(0, 9)));
        break;
      case 'X':
      case 'x':
        out += formatPatternOffset(ts.offset ?? 0, count, letter === 'X');
        break;
    }
  }
  return out;
}
