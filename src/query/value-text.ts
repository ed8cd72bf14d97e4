// BigQuery's JSON encoding of one value, as jobs.getQueryResults writes rows
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults), turned into
// the number Arrow stores for it. Every date and time is computed in integer arithmetic over
// BigQuery's whole range (years 0001-9999), which JS's Date cannot do below year 100.
import { parseDecimal } from '../decimal-text.js';
import { parseRangeText } from '../range-text.js';
import { parseDate, parseDatetime, parseTime, parseTimestamp } from '../temporal-text.js';

function fail(type: string, text: string): never {
  throw new TypeError(`not a BigQuery ${type}: ${JSON.stringify(text)}`);
}

export const dateDays = (text: string): number => parseDate(text) ?? fail('DATE', text);

/** Microseconds since midnight. */
export const timeMicros = (text: string): bigint => parseTime(text) ?? fail('TIME', text);

/** Microseconds since 1970-01-01T00:00 of a civil date and time (`2026-01-02T03:04:05.123456`, a space for the T as well). */
export const datetimeMicros = (text: string): bigint => parseDatetime(text) ?? fail('DATETIME', text);

/**
 * Microseconds since the epoch of a TIMESTAMP: an integer of microseconds (formatOptions.useInt64Timestamp),
 * float seconds (the API's default, `1.7E9`), or text with an offset (`2026-01-02 03:04:05.123456 UTC`).
 */
export function timestampMicros(text: string): bigint {
  if (/^[+-]?\d+$/.test(text)) return BigInt(text);
  if (/^[+-]?[\d.]+(?:E[+-]?\d+)?$/i.test(text)) return parseDecimal(text, 6) ?? fail('TIMESTAMP', text);
  return parseTimestamp(text) ?? fail('TIMESTAMP', text);
}

/** A RANGE's bounds as text, NULL for an unbounded side: `[2026-01-01, UNBOUNDED)`. */
export const rangeBounds = (text: string): [string | null, string | null] => parseRangeText(text) ?? fail('RANGE', text);
