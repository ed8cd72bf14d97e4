// BigQuery INTERVAL values in their canonical text form, as `bq load` reads them from JSON and
// the REST API prints them: `[sign]Y-M [sign]D [sign]H:M:S[.F]` (GoogleSQL data types, "Interval
// type"), e.g. `1-2 3 4:5:6.789` or `-0-3 0 -12:0:0`. The Storage Read API form is Arrow's
// month-day-nano interval: months = 12 * Y + M, days = D, nanoseconds of the H:M:S part. Both
// sides read it (the emulator's NDJSON tables; the reader turning a query's JSON rows into Arrow).

/** One INTERVAL as Arrow's MONTH_DAY_NANO triple. */
export interface IntervalParts {
  readonly months: number;
  readonly days: number;
  readonly nanos: bigint;
}

const CANONICAL_RE = /^([+-]?)(\d+)-(\d+) ([+-]?)(\d+) ([+-]?)(\d+):(\d+):(\d+)(?:\.(\d{1,6}))?$/;

// BigQuery's INTERVAL limits: ±10000 years, ±3660000 days, ±87840000 hours.
const MAX_MONTHS = 10000 * 12;
const MAX_DAYS = 3_660_000;
const MAX_NANOS = 87_840_000n * 3600n * 1_000_000_000n;
const ARROW_MAX_NANOS = 2n ** 63n - 1n;

/** Parses canonical INTERVAL text; returns a problem description instead when it is not one. */
export function parseIntervalText(text: string): IntervalParts | string {
  const m = CANONICAL_RE.exec(text.trim());
  if (!m) return `expected an INTERVAL as Y-M D H:M:S[.F] (e.g. "1-2 3 4:5:6.5"), got ${JSON.stringify(text)}`;
  const [, ymSign, years, monthPart, daySign, dayText, timeSign, hours, minutes, seconds, fraction = ''] = m;
  if (Number(monthPart) > 11 || Number(minutes) > 59 || Number(seconds) > 59) {
    return `INTERVAL ${JSON.stringify(text)} has a month above 11 or a minute or second above 59`;
  }
  const months = (ymSign === '-' ? -1 : 1) * (Number(years) * 12 + Number(monthPart));
  const days = (daySign === '-' ? -1 : 1) * Number(dayText);
  const magnitude = ((BigInt(hours!) * 60n + BigInt(minutes!)) * 60n + BigInt(seconds!)) * 1_000_000_000n
    + BigInt(fraction.padEnd(9, '0'));
  const nanos = timeSign === '-' ? -magnitude : magnitude;
  if (Math.abs(months) > MAX_MONTHS || Math.abs(days) > MAX_DAYS || magnitude > MAX_NANOS) {
    return `INTERVAL ${JSON.stringify(text)} is out of range (±10000 years, ±3660000 days, ±87840000 hours)`;
  }
  // BigQuery allows more hours than an int64 count of nanoseconds holds (about 2562047 hours);
  // how the service sends those is unverified, so the emulator refuses them.
  if (magnitude > ARROW_MAX_NANOS) {
    return `INTERVAL ${JSON.stringify(text)} has more hours than Arrow's month-day-nano interval holds (about 2562047)`;
  }
  return { months: months || 0, days: days || 0, nanos };
}

/** Writes `parts` as value `index` of a MONTH_DAY_NANO values array (4 little-endian int32 per value). */
export function writeIntervalParts(values: Int32Array, index: number, parts: IntervalParts): void {
  const at = 4 * index;
  values[at] = parts.months;
  values[at + 1] = parts.days;
  const bits = BigInt.asUintN(64, parts.nanos);
  values[at + 2] = Number(bits & 0xffffffffn) | 0;
  values[at + 3] = Number(bits >> 32n) | 0;
}
