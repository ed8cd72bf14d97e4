import { decimalFromDouble, decimalToDouble, fitsBigNumeric, fitsNumeric } from './decimal.js';
import { parseDecimal, pow10, roundDiv } from '../../decimal-text.js';
import { MICROS_PER_DAY, parseDate, parseDatetime, parseTime, parseTimestamp, splitMicros } from '../../temporal-text.js';
import { BIGNUMERIC_SCALE, NUMERIC_SCALE, type ScalarTypeName } from './types.js';

/**
 * A constant in the representation of its type (SQL NULL is `null`, kept outside this type):
 * INT64 bigint; FLOAT64 number; NUMERIC / BIGNUMERIC unscaled bigint (scale 9 / 38); BOOL boolean;
 * STRING string; BYTES Uint8Array; DATE days since the epoch (number);
 * DATETIME / TIMESTAMP microseconds since the epoch, TIME microseconds since midnight (bigint).
 */
export type SqlValue = bigint | number | boolean | string | Uint8Array;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMERIC_TO_BIGNUMERIC = pow10(BIGNUMERIC_SCALE - NUMERIC_SCALE);

/** The casts GoogleSQL for BigQuery allows between the scalar types a row restriction can hold. */
const BIGQUERY_CASTS: Readonly<Partial<Record<ScalarTypeName, readonly ScalarTypeName[]>>> = {
  INT64: ['BOOL', 'INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64', 'STRING'],
  NUMERIC: ['INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64', 'STRING'],
  BIGNUMERIC: ['INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64', 'STRING'],
  FLOAT64: ['INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64', 'STRING'],
  BOOL: ['BOOL', 'INT64', 'STRING'],
  STRING: ['BOOL', 'INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64', 'STRING', 'BYTES', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP'],
  BYTES: ['STRING', 'BYTES'],
  DATE: ['STRING', 'DATE', 'DATETIME', 'TIMESTAMP'],
  DATETIME: ['STRING', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP'],
  TIME: ['STRING', 'TIME'],
  TIMESTAMP: ['STRING', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP'],
};

/** Casts BigQuery allows that would need its exact text formatting, which is not reproduced here. */
const UNFORMATTED_TO_STRING = new Set<ScalarTypeName>(['FLOAT64', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP']);

export type CastSupport = 'supported' | 'invalid' | 'unsupported';

export function castSupport(from: ScalarTypeName, to: ScalarTypeName): CastSupport {
  if (!BIGQUERY_CASTS[from]?.includes(to)) return 'invalid';
  return to === 'STRING' && UNFORMATTED_TO_STRING.has(from) ? 'unsupported' : 'supported';
}

/**
 * Converts a constant between types (explicit CAST, or GoogleSQL's implicit coercion of literals),
 * returning undefined when this value cannot be converted (bad text, out of range).
 * Only pairs with castSupport() === 'supported' are handled. TIMESTAMP conversions use UTC.
 */
export function castValue(value: SqlValue, from: ScalarTypeName, to: ScalarTypeName): SqlValue | undefined {
  if (from === to) return value;
  switch (to) {
    case 'INT64': return toInt64(value, from);
    case 'FLOAT64': return toFloat64(value, from);
    case 'NUMERIC': return toDecimal(value, from, NUMERIC_SCALE);
    case 'BIGNUMERIC': return toDecimal(value, from, BIGNUMERIC_SCALE);
    case 'BOOL': return toBool(value, from);
    case 'STRING': return toText(value, from);
    case 'BYTES': return new TextEncoder().encode(value as string);
    case 'DATE': return from === 'STRING' ? parseDate(value as string) : Number(splitMicros(value as bigint).day);
    case 'DATETIME':
    case 'TIMESTAMP':
      if (from === 'DATE') return BigInt(value as number) * MICROS_PER_DAY;
      if (from === 'STRING') return to === 'DATETIME' ? parseDatetime(value as string) : parseTimestamp(value as string);
      return value;
    case 'TIME': return from === 'STRING' ? parseTime(value as string) : splitMicros(value as bigint).timeOfDay;
    default: return undefined;
  }
}

const inInt64Range = (value: bigint): bigint | undefined => (value >= INT64_MIN && value <= INT64_MAX ? value : undefined);

function toInt64(value: SqlValue, from: ScalarTypeName): bigint | undefined {
  switch (from) {
    case 'BOOL': return value ? 1n : 0n;
    case 'FLOAT64': {
      const number = value as number;
      if (!Number.isFinite(number)) return undefined;
      const rounded = Math.sign(number) * Math.round(Math.abs(number));
      return rounded >= -(2 ** 63) && rounded < 2 ** 63 ? BigInt(rounded) : undefined;
    }
    case 'NUMERIC': return inInt64Range(roundDiv(value as bigint, pow10(NUMERIC_SCALE)));
    case 'BIGNUMERIC': return inInt64Range(roundDiv(value as bigint, pow10(BIGNUMERIC_SCALE)));
    default: {
      const match = /^([+-])?(\d+|0x[0-9a-f]+)$/i.exec((value as string).trim());
      if (!match) return undefined;
      const magnitude = BigInt(match[2]!);
      return inInt64Range(match[1] === '-' ? -magnitude : magnitude);
    }
  }
}

function toFloat64(value: SqlValue, from: ScalarTypeName): number | undefined {
  switch (from) {
    case 'INT64': return Number(value);
    case 'NUMERIC': return decimalToDouble(value as bigint, NUMERIC_SCALE);
    case 'BIGNUMERIC': return decimalToDouble(value as bigint, BIGNUMERIC_SCALE);
    default: {
      const text = (value as string).trim();
      if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
      if (/^[+-]?nan$/i.test(text)) return NaN;
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : undefined;
    }
  }
}

function toDecimal(value: SqlValue, from: ScalarTypeName, scale: number): bigint | undefined {
  let unscaled: bigint | undefined;
  switch (from) {
    case 'INT64': unscaled = (value as bigint) * pow10(scale); break;
    case 'NUMERIC': unscaled = (value as bigint) * NUMERIC_TO_BIGNUMERIC; break;
    case 'BIGNUMERIC': unscaled = roundDiv(value as bigint, NUMERIC_TO_BIGNUMERIC); break;
    case 'FLOAT64':
      unscaled = Number.isFinite(value) ? decimalFromDouble(value as number, scale) : undefined;
      break;
    default: unscaled = parseDecimal(value as string, scale);
  }
  if (unscaled === undefined) return undefined;
  const fits = scale === NUMERIC_SCALE ? fitsNumeric(unscaled) : fitsBigNumeric(unscaled);
  return fits ? unscaled : undefined;
}

function toBool(value: SqlValue, from: ScalarTypeName): boolean | undefined {
  if (from === 'INT64') return value !== 0n;
  const text = (value as string).trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function toText(value: SqlValue, from: ScalarTypeName): string | undefined {
  switch (from) {
    case 'INT64': return String(value);
    case 'BOOL': return value ? 'true' : 'false';
    case 'NUMERIC': return formatDecimal(value as bigint, NUMERIC_SCALE);
    case 'BIGNUMERIC': return formatDecimal(value as bigint, BIGNUMERIC_SCALE);
    default:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(value as Uint8Array);
      } catch {
        return undefined;
      }
  }
}

/** GoogleSQL's NUMERIC text: no exponent, no trailing fractional zeros. */
function formatDecimal(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${unscaled < 0n ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}
