/**
 * Parsing of GoogleSQL date/time text into the representations the Storage API's Arrow columns
 * use: DATE as days since 1970-01-01, DATETIME/TIMESTAMP as microseconds since 1970-01-01 00:00
 * (civil / UTC), TIME as microseconds of the day. Both sides need it (the emulator's literals,
 * string coercions and casts; the reader turning a query's JSON rows into Arrow), so it is at the
 * bottom floor and neither imports the other.
 */

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), exact
 * over BigQuery's whole range (years 0001-9999), which JS's Date is not below year 100.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_SECOND = 1_000_000n;

const MIN_DAY = daysFromCivil(1, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);
const MIN_MICROS = BigInt(MIN_DAY) * MICROS_PER_DAY;
const MAX_MICROS = BigInt(MAX_DAY + 1) * MICROS_PER_DAY - 1n;

const DATE_PART = String.raw`(\d{1,4})-(\d{1,2})-(\d{1,2})`;
const TIME_PART = String.raw`(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?`;
const ZONE_PART = String.raw`(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)`;
const DATE_PATTERN = new RegExp(`^${DATE_PART}$`);
const DATETIME_PATTERN = new RegExp(`^${DATE_PART}(?:[ T]${TIME_PART})?$`, 'i');
const TIMESTAMP_PATTERN = new RegExp(`^${DATE_PART}(?:[ T]${TIME_PART})?(?:\\s*${ZONE_PART})?$`, 'i');
const TIME_PATTERN = new RegExp(`^${TIME_PART}$`);

/** Days since the epoch, or undefined when `text` is not a valid DATE in 0001-01-01..9999-12-31. */
export function parseDate(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text.trim());
  return match ? dayOf(match[1]!, match[2]!, match[3]!) : undefined;
}

/** Civil microseconds since 1970-01-01 00:00:00, or undefined when invalid. */
export function parseDatetime(text: string): bigint | undefined {
  const match = DATETIME_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const day = dayOf(match[1]!, match[2]!, match[3]!);
  const time = match[4] === undefined ? 0n : timeOf(match[4], match[5]!, match[6]!, match[7]);
  return day === undefined || time === undefined ? undefined : BigInt(day) * MICROS_PER_DAY + time;
}

/**
 * Microseconds since the Unix epoch. A missing zone means UTC, as in BigQuery; named zones
 * (America/New_York) are not supported, only Z, UTC and +HH[:MM] offsets.
 */
export function parseTimestamp(text: string): bigint | undefined {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const day = dayOf(match[1]!, match[2]!, match[3]!);
  const time = match[4] === undefined ? 0n : timeOf(match[4], match[5]!, match[6]!, match[7]);
  const offset = zoneOffsetMicros(match[8]);
  if (day === undefined || time === undefined || offset === undefined) return undefined;
  const micros = BigInt(day) * MICROS_PER_DAY + time - offset;
  return micros < MIN_MICROS || micros > MAX_MICROS ? undefined : micros;
}

/** Microseconds since midnight, or undefined when invalid. */
export function parseTime(text: string): bigint | undefined {
  const match = TIME_PATTERN.exec(text.trim());
  return match ? timeOf(match[1]!, match[2]!, match[3]!, match[4]) : undefined;
}

/** Splits microseconds since the epoch into the day and the microseconds within it. */
export function splitMicros(micros: bigint): { day: bigint; timeOfDay: bigint } {
  let day = micros / MICROS_PER_DAY;
  if (day * MICROS_PER_DAY > micros) day -= 1n;
  return { day, timeOfDay: micros - day * MICROS_PER_DAY };
}

function dayOf(yearText: string, monthText: string, dayText: string): number | undefined {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const days = daysFromCivil(year, month, day);
  return days < MIN_DAY || days > MAX_DAY ? undefined : days;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function timeOf(hourText: string, minuteText: string, secondText: string, fraction: string | undefined): bigint | undefined {
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const micros = fraction === undefined ? 0n : BigInt(fraction.padEnd(6, '0'));
  return BigInt((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros;
}

function zoneOffsetMicros(zone: string | undefined): bigint | undefined {
  if (zone === undefined || /^(z|utc)$/i.test(zone)) return 0n;
  const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 14 || minutes > 59) return undefined;
  const micros = BigInt(hours * 60 + minutes) * 60n * MICROS_PER_SECOND;
  return match[1] === '-' ? -micros : micros;
}
