// BigQuery's text of DATE, TIME, DATETIME, TIMESTAMP and INTERVAL values, written as bytes.
import { int64OfWords } from './int64.js';
import type { TextBytes } from './text-bytes.js';
import type { ValueWriter } from './value-text.js';

const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const SPACE = 0x20;

/** Proleptic Gregorian date of a day number (days since 1970-01-01), exact for years 1..9999. */
export function writeDate(out: TextBytes, days: number): void {
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year >= 0 && year < 10_000) {
    out.pair((year / 100) | 0);
    out.pair(year % 100);
  } else out.ascii(String(year).padStart(4, '0'));
  out.byte(DASH);
  out.pair(month);
  out.byte(DASH);
  out.pair(day);
}

/** A fraction of a second, `digits` wide, with trailing zeros dropped; nothing when zero. */
function writeFraction(out: TextBytes, value: number, digits: number): void {
  if (value === 0) return;
  let width = digits;
  while (value % 10 === 0) {
    value /= 10;
    width--;
  }
  out.byte(DOT);
  out.digits(value, width);
}

/** HH:MM:SS of a second of the day. */
function writeClock(out: TextBytes, seconds: number): void {
  out.pair(Math.floor(seconds / 3600));
  out.byte(COLON);
  out.pair(Math.floor(seconds / 60) % 60);
  out.byte(COLON);
  out.pair(seconds % 60);
}

/** What separates a time point's date from its time; NO_DATE writes the time of day alone. */
export const NO_DATE = -1;

const NANOS_PER_DAY = 86_400_000_000_000n;

/** `date` + separator + time of a nanosecond count since the epoch (up to nine fraction digits). */
function writeNanos(out: TextBytes, nanos: bigint, separator: number): void {
  let days = nanos / NANOS_PER_DAY;
  let rest = nanos % NANOS_PER_DAY;
  if (rest < 0n) {
    rest += NANOS_PER_DAY;
    days -= 1n;
  }
  if (separator !== NO_DATE) {
    writeDate(out, Number(days));
    out.byte(separator);
  }
  writeClock(out, Number(rest / 1_000_000_000n));
  writeFraction(out, Number(rest % 1_000_000_000n), 9);
}

/** Nanoseconds per unit of Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const NANOS_PER_UNIT: readonly bigint[] = [1_000_000_000n, 1_000_000n, 1000n, 1n];
const UNITS_PER_SECOND: readonly number[] = [1, 1e3, 1e6, 1e9];
const FRACTION_DIGITS: readonly number[] = [0, 3, 6, 9];

/**
 * The same text as writeNanos for a count of `unit`s that is an exact double below 2^52, in double
 * arithmetic: most values are, and BigInt arithmetic leaves a BigInt of garbage per step.
 */
function writeUnits(out: TextBytes, count: number, unit: number, separator: number): void {
  const perSecond = UNITS_PER_SECOND[unit]!;
  const perDay = 86_400 * perSecond;
  let days = Math.floor(count / perDay);
  // The quotient is rounded; the remainder, exact, puts the day right.
  let rest = count - days * perDay;
  if (rest < 0) {
    days -= 1;
    rest += perDay;
  } else if (rest >= perDay) {
    days += 1;
    rest -= perDay;
  }
  if (separator !== NO_DATE) {
    writeDate(out, days);
    out.byte(separator);
  }
  const seconds = Math.floor(rest / perSecond);
  writeClock(out, seconds);
  // The fraction in the unit's own digits: the same text as nanoseconds' nine with their zeros dropped.
  writeFraction(out, rest - seconds * perSecond, FRACTION_DIGITS[unit]!);
}

/** `date` + separator + time (or the time alone, NO_DATE) of a count of `unit`s since the epoch. */
export function writeTimePoint(out: TextBytes, count: number | bigint, unit: number, separator: number): void {
  if (typeof count === 'number') writeUnits(out, count, unit, separator);
  else writeNanos(out, count * NANOS_PER_UNIT[unit]!, separator);
}

/** INTERVAL text, `Y-M D H:M:S[.F]`, of each of Arrow's interval units. */
export function intervalWriter(unit: number): ValueWriter {
  if (unit === 0) return (out, data, i) => writeInterval(out, (data.values as Int32Array)[i]!, 0, 0); // YEAR_MONTH
  if (unit === 1) {
    // DAY_TIME: days and milliseconds.
    return (out, data, i) => {
      const v = data.values as Int32Array;
      // Milliseconds of an int32 are below 2^31 * 10^6 < 2^53 as nanoseconds.
      writeInterval(out, 0, v[2 * i]!, v[2 * i + 1]! * 1_000_000);
    };
  }
  return (out, data, i) => {
    // MONTH_DAY_NANO: months int32, days int32, nanoseconds int64 (little-endian words).
    const v = data.values as Int32Array;
    writeInterval(out, v[4 * i]!, v[4 * i + 1]!, int64OfWords(v, 4 * i + 2));
  };
}

/** An integer, negative ones with a dash. */
export function writeSigned(out: TextBytes, value: number): void {
  if (value < 0) out.byte(DASH);
  out.digits(Math.abs(value));
}

/**
 * BigQuery's canonical INTERVAL text, `Y-M D H:M:S[.F]` (each part carries its own sign). `nanos`
 * as a number must be an exact integer below 2^53 in magnitude: most are, and BigInt arithmetic
 * leaves a BigInt of garbage per step.
 */
export function writeInterval(out: TextBytes, months: number, days: number, nanos: bigint | number): void {
  if (months < 0) out.byte(DASH);
  const m = Math.abs(months);
  out.digits(Math.floor(m / 12));
  out.byte(DASH);
  out.digits(m % 12);
  out.byte(SPACE);
  writeSigned(out, days);
  out.byte(SPACE);
  if (typeof nanos === 'number') {
    // Each quotient of an exact multiple, so every step stays an exact integer.
    const micros = (nanos - (nanos % 1000)) / 1000;
    const abs = Math.abs(micros);
    const fractionMicros = abs % 1_000_000;
    const seconds = (abs - fractionMicros) / 1_000_000;
    if (micros < 0) out.byte(DASH);
    out.digits(Math.floor(seconds / 3600));
    out.byte(COLON);
    out.digits(Math.floor(seconds / 60) % 60);
    out.byte(COLON);
    out.digits(seconds % 60);
    writeFraction(out, fractionMicros, 6);
    return;
  }
  // BigQuery keeps microseconds; 2^63 nanoseconds exceed a double's exact integers, so BigInt throughout.
  const micros = nanos / 1000n;
  const abs = micros < 0n ? -micros : micros;
  const seconds = abs / 1_000_000n;
  out.ascii(`${micros < 0n ? '-' : ''}${seconds / 3600n}:${(seconds / 60n) % 60n}:${seconds % 60n}`);
  writeFraction(out, Number(abs % 1_000_000n), 6);
}
