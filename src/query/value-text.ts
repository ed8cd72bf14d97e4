// BigQuery's JSON encoding of one value, as jobs.getQueryResults writes rows
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults), turned into
// the number Arrow stores for it. Every date and time is computed in integer arithmetic over
// BigQuery's whole range (years 0001-9999), which JS's Date cannot do below year 100.
import { daysFromCivil } from '../civil-date.js';

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function fail(type: string, text: string): never {
  throw new TypeError(`not a BigQuery ${type}: ${JSON.stringify(text)}`);
}

export function dateDays(text: string): number {
  const m = DATE.exec(text);
  if (!m) fail('DATE', text);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Microseconds since midnight. */
export function timeMicros(text: string): bigint {
  const m = TIME.exec(text);
  if (!m) fail('TIME', text);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return BigInt(seconds) * MICROS_PER_SECOND + BigInt((m[4] ?? '').padEnd(6, '0'));
}

/** Microseconds since 1970-01-01T00:00 of a civil date and time (`2026-01-02T03:04:05.123456`, a space for the T as well). */
export function datetimeMicros(text: string): bigint {
  const [date, time] = text.split(/[T ]/);
  if (date === undefined) fail('DATETIME', text);
  return BigInt(dateDays(date)) * MICROS_PER_DAY + (time === undefined ? 0n : timeMicros(time));
}

const OFFSET = /(?:\s*(?:UTC|Z)|([+-])(\d{1,2})(?::?(\d{2}))?)$/i;

/**
 * Microseconds since the epoch of a TIMESTAMP: an integer of microseconds (formatOptions.useInt64Timestamp),
 * float seconds (the API's default, `1.7E9`), or text with an offset (`2026-01-02 03:04:05.123456 UTC`).
 */
export function timestampMicros(text: string): bigint {
  if (/^[+-]?\d+$/.test(text)) return BigInt(text);
  if (/^[+-]?[\d.]+(?:E[+-]?\d+)?$/i.test(text)) return scaledDecimal(text, 6) ?? fail('TIMESTAMP', text);
  const offset = OFFSET.exec(text);
  const local = offset ? text.slice(0, offset.index).trim() : text;
  let micros = datetimeMicros(local);
  if (offset?.[1]) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    micros -= BigInt((offset[1] === '-' ? -1 : 1) * minutes) * 60n * MICROS_PER_SECOND;
  }
  return micros;
}

/**
 * A decimal's text (`-12.5`, `1.2E-5`) times 10^scale as an exact bigint, digits past the scale
 * rounded half away from zero (as BigQuery rounds); undefined for text that is no decimal.
 */
export function scaledDecimal(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const shift = scale - (m[3] ?? '').length + Number(m[4] ?? 0);
  let magnitude: bigint;
  if (shift >= 0) {
    magnitude = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const whole = BigInt(digits);
    magnitude = whole / divisor + (2n * (whole % divisor) >= divisor ? 1n : 0n);
  }
  return m[1] === '-' ? -magnitude : magnitude;
}

export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly nanos: bigint;
}

// INTERVAL's canonical text: [sign]Y-M [sign]D [sign]H:M:S[.F] (GoogleSQL's interval type docs).
const INTERVAL = /^([+-]?)(\d+)-(\d+) ([+-]?)(\d+) ([+-]?)(\d+):(\d+):(\d+)(?:\.(\d{1,9}))?$/;

export function intervalParts(text: string): Interval {
  const m = INTERVAL.exec(text.trim());
  if (!m) fail('INTERVAL', text);
  const sign = (s: string | undefined) => (s === '-' ? -1 : 1);
  const seconds = BigInt(Number(m[7]) * 3600 + Number(m[8]) * 60 + Number(m[9]));
  const nanos = seconds * 1_000_000_000n + BigInt((m[10] ?? '').padEnd(9, '0'));
  return {
    months: sign(m[1]) * (Number(m[2]) * 12 + Number(m[3])),
    days: sign(m[4]) * Number(m[5]),
    nanos: BigInt(sign(m[6])) * nanos,
  };
}

/** A RANGE's bounds as text, NULL for an unbounded side: `[2026-01-01, UNBOUNDED)`. */
export function rangeBounds(text: string): [string | null, string | null] {
  const m = /^\[\s*([^,]*?)\s*,\s*([^,]*?)\s*\)$/.exec(text.trim());
  if (!m) fail('RANGE', text);
  const open = (bound: string) => (/^(UNBOUNDED|NULL)$/i.test(bound) ? null : bound);
  return [open(m[1]!), open(m[2]!)];
}
