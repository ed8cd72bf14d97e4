// BigQuery table schemas (the JSON that `bq show --schema` prints and `bq load` reads) and
// their mapping to the exact Arrow schema that the BigQuery Storage Read API sends. Each type's
// Arrow form, and the public source it was checked against, is listed in src/emulator/README.md.
import * as arrow from 'apache-arrow';
import { BqReadError } from '../../errors.js';
import { PICOS_TIMESTAMP_KEY, PICOS_TIMESTAMP_VALUE } from './picos-timestamp.js';

export type BqMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

export interface BqField {
  name: string;
  type: string;
  mode?: BqMode;
  fields?: BqField[];
  description?: string;
  /** NUMERIC / BIGNUMERIC only: declared digits in all (the REST API writes int64 as a string). */
  precision?: number | string;
  /** NUMERIC / BIGNUMERIC only: declared digits after the point; needs `precision`. */
  scale?: number | string;
  /** RANGE only: the type of its bounds, DATE, DATETIME or TIMESTAMP. */
  rangeElementType?: { type: string };
  /** TIMESTAMP only: digits of its seconds' fraction, 6 (the default) or 12 (picoseconds). */
  timestampPrecision?: number | string;
}

/** The canonical spelling of every BigQuery column type; aliases map onto these. */
export type BqType =
  | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BIGNUMERIC' | 'STRING' | 'BYTES' | 'BOOL'
  | 'DATE' | 'DATETIME' | 'TIME' | 'TIMESTAMP' | 'GEOGRAPHY' | 'JSON' | 'INTERVAL' | 'RANGE' | 'RECORD';

export type RangeElementType = 'DATE' | 'DATETIME' | 'TIMESTAMP';

/** A BqField after validation: canonical type, an explicit mode, numbers where the JSON had strings. */
export interface NormalizedBqField extends BqField {
  type: BqType;
  mode: BqMode;
  fields?: NormalizedBqField[];
  precision?: number;
  scale?: number;
  rangeElementType?: { type: RangeElementType };
  /** Set only for picosecond TIMESTAMPs. */
  timestampPrecision?: 12;
}

export class SchemaError extends BqReadError {
  override name = 'SchemaError';
}

const TYPE_ALIASES: Readonly<Record<string, BqType>> = {
  INT64: 'INT64', INTEGER: 'INT64',
  FLOAT64: 'FLOAT64', FLOAT: 'FLOAT64',
  NUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC', BIGDECIMAL: 'BIGNUMERIC',
  STRING: 'STRING', BYTES: 'BYTES',
  BOOL: 'BOOL', BOOLEAN: 'BOOL',
  DATE: 'DATE', DATETIME: 'DATETIME', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP',
  GEOGRAPHY: 'GEOGRAPHY', JSON: 'JSON', INTERVAL: 'INTERVAL', RANGE: 'RANGE',
  RECORD: 'RECORD', STRUCT: 'RECORD',
};

const RANGE_ELEMENT_TYPES: readonly RangeElementType[] = ['DATE', 'DATETIME', 'TIMESTAMP'];

const MODES: readonly BqMode[] = ['NULLABLE', 'REQUIRED', 'REPEATED'];

// BigQuery's limit on column name length (flexible column names allow most characters,
// so the name itself is only checked for being non-empty and not too long).
const MAX_NAME_LENGTH = 300;

/**
 * Parses schema JSON: either an array of fields (`bq show --schema`), an object with
 * `fields`, or an object with `schema.fields` (`bq show --format=json`).
 * `source` (e.g. the file path) prefixes error messages.
 */
export function parseBqSchemaJson(text: string, source?: string): NormalizedBqField[] {
  const prefix = source ? `${source}: ` : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SchemaError(`${prefix}invalid JSON: ${(err as Error).message}`);
  }
  const fields = schemaFieldList(parsed);
  if (fields === undefined) {
    throw new SchemaError(`${prefix}expected a JSON array of fields, or an object with "fields" or "schema.fields"`);
  }
  return normalizeBqFields(fields, source);
}

function schemaFieldList(parsed: unknown): unknown[] | undefined {
  if (Array.isArray(parsed)) return parsed as unknown[];
  if (!isObject(parsed)) return undefined;
  if (Array.isArray(parsed.fields)) return parsed.fields as unknown[];
  if (isObject(parsed.schema) && Array.isArray(parsed.schema.fields)) return parsed.schema.fields as unknown[];
  return undefined;
}

/**
 * Validates fields (names, types, modes, RECORD sub-fields) and returns copies with the
 * canonical type and an explicit mode. Throws SchemaError naming the field path.
 */
export function normalizeBqFields(fields: readonly unknown[], source?: string): NormalizedBqField[] {
  const prefix = source ? `${source}: ` : '';
  if (fields.length === 0) throw new SchemaError(`${prefix}schema has no fields`);
  return normalizeList(fields, '', prefix);
}

function normalizeList(fields: readonly unknown[], parentPath: string, prefix: string): NormalizedBqField[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    const field = normalizeField(raw, parentPath, i, prefix);
    // BigQuery column names are case-insensitive, so `a` and `A` collide.
    const key = field.name.toLowerCase();
    if (seen.has(key)) throw new SchemaError(`${prefix}field ${joinPath(parentPath, field.name)}: duplicate field name`);
    seen.add(key);
    return field;
  });
}

function normalizeField(raw: unknown, parentPath: string, index: number, prefix: string): NormalizedBqField {
  if (!isObject(raw)) {
    throw new SchemaError(`${prefix}field #${index + 1}${parentPath ? ` of ${parentPath}` : ''}: expected an object`);
  }
  const { name } = raw;
  if (typeof name !== 'string' || name.length === 0) {
    throw new SchemaError(`${prefix}field #${index + 1}${parentPath ? ` of ${parentPath}` : ''}: missing or empty "name"`);
  }
  const path = joinPath(parentPath, name);
  function fail(problem: string): never {
    throw new SchemaError(`${prefix}field ${path}: ${problem}`);
  }
  if (name.length > MAX_NAME_LENGTH) fail(`name is longer than ${MAX_NAME_LENGTH} characters`);

  if (typeof raw.type !== 'string') fail('missing "type"');
  const type = TYPE_ALIASES[raw.type.toUpperCase()];
  if (type === undefined) fail(`unknown type ${JSON.stringify(raw.type)}`);

  let mode: BqMode = 'NULLABLE';
  if (raw.mode !== undefined && raw.mode !== null) {
    const upper = typeof raw.mode === 'string' ? raw.mode.toUpperCase() : '';
    if (!MODES.includes(upper as BqMode)) fail(`unknown mode ${JSON.stringify(raw.mode)}`);
    mode = upper as BqMode;
  }

  const normalized: NormalizedBqField = { name, type, mode };
  if (typeof raw.description === 'string') normalized.description = raw.description;
  Object.assign(normalized, decimalParameters(raw, type, fail));
  if (type === 'RANGE') {
    const element = isObject(raw.rangeElementType) ? raw.rangeElementType.type : undefined;
    const elementType = typeof element === 'string' ? element.toUpperCase() as RangeElementType : undefined;
    if (!elementType || !RANGE_ELEMENT_TYPES.includes(elementType)) {
      fail('RANGE needs "rangeElementType": {"type": "DATE" | "DATETIME" | "TIMESTAMP"}');
    }
    normalized.rangeElementType = { type: elementType };
  } else if (raw.rangeElementType !== undefined && raw.rangeElementType !== null) {
    fail(`"rangeElementType" is only allowed on RANGE, not ${type}`);
  }
  if (raw.timestampPrecision !== undefined && raw.timestampPrecision !== null) {
    // table.proto, TableFieldSchema.timestamp_precision: 6 (the default) or 12, for TIMESTAMP.
    if (type !== 'TIMESTAMP') fail(`"timestampPrecision" is only allowed on TIMESTAMP, not ${type}`);
    const precision = Number(raw.timestampPrecision);
    if (precision !== 6 && precision !== 12) fail(`"timestampPrecision" must be 6 or 12, got ${JSON.stringify(raw.timestampPrecision)}`);
    if (precision === 12) normalized.timestampPrecision = 12;
  }

  const hasFields = raw.fields !== undefined && raw.fields !== null;
  if (type === 'RECORD') {
    if (!Array.isArray(raw.fields) || raw.fields.length === 0) fail('RECORD needs a non-empty "fields" list');
    normalized.fields = normalizeList(raw.fields as unknown[], path, prefix);
  } else if (hasFields && !(Array.isArray(raw.fields) && raw.fields.length === 0)) {
    fail(`"fields" is only allowed on RECORD, not ${type}`);
  }
  return normalized;
}

/**
 * Declared precision and scale, checked against the limits of table.proto's
 * TableFieldSchema.precision: NUMERIC 1 <= P - S <= 29, 0 <= S <= 9; BIGNUMERIC
 * 1 <= P - S <= 38, 0 <= S <= 38; a scale needs a precision.
 */
function decimalParameters(
  raw: Record<string, unknown>, type: BqType, fail: (problem: string) => never,
): { precision?: number; scale?: number } {
  const present = (value: unknown) => value !== undefined && value !== null;
  if (!present(raw.precision) && !present(raw.scale)) return {};
  if (type !== 'NUMERIC' && type !== 'BIGNUMERIC') fail(`"precision" and "scale" are only allowed on NUMERIC and BIGNUMERIC, not ${type}`);
  if (!present(raw.precision)) fail('"scale" needs "precision"');
  const integer = (value: unknown, key: string): number => {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail(`"${key}" must be a non-negative integer, got ${JSON.stringify(value)}`);
    return n;
  };
  const precision = integer(raw.precision, 'precision');
  const scale = present(raw.scale) ? integer(raw.scale, 'scale') : 0;
  const [maxIntegerDigits, maxScale] = type === 'NUMERIC' ? [29, NUMERIC_SCALE] : [38, BIGNUMERIC_SCALE];
  if (scale > maxScale || precision - scale < 1 || precision - scale > maxIntegerDigits) {
    fail(`${type}(${precision}, ${scale}) is invalid: needs 1 <= precision - scale <= ${maxIntegerDigits} and 0 <= scale <= ${maxScale}`);
  }
  return { precision, scale };
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Digits after the decimal point of NUMERIC and BIGNUMERIC values without declared parameters. */
export const NUMERIC_SCALE = 9;
export const BIGNUMERIC_SCALE = 38;
/** The Arrow precision of NUMERIC / BIGNUMERIC without declared parameters (Storage Read API docs,
 *  "Arrow schema details": 38 and 76, where Avro says 77). */
const NUMERIC_PRECISION = 38;
const BIGNUMERIC_PRECISION = 76;

/** The Arrow Decimal precision and scale of a NUMERIC / BIGNUMERIC field: the declared ones, or the defaults. */
export function decimalPrecisionScale(f: NormalizedBqField): { precision: number; scale: number } {
  if (f.precision !== undefined) return { precision: f.precision, scale: f.scale ?? 0 };
  return f.type === 'NUMERIC'
    ? { precision: NUMERIC_PRECISION, scale: NUMERIC_SCALE }
    : { precision: BIGNUMERIC_PRECISION, scale: BIGNUMERIC_SCALE };
}

const GEOGRAPHY_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:geography'],
  ['ARROW:extension:metadata', '{"encoding": "WKT"}'],
]);

const JSON_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:json'],
]);

// python-bigquery's system test test_arrow_extension_types_same_for_storage_and_REST_APIs_894
// asserts this on DATETIME columns read through the Storage API.
const DATETIME_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:datetime'],
]);

// Unverified: no Google source documents INTERVAL's Arrow form (see src/emulator/README.md); the
// name follows the google:sqlType: pattern of the verified ones.
const INTERVAL_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:interval'],
]);

/**
 * Arrow schema of a table with these BigQuery fields, as the Storage Read API sends it (picosecond
 * TIMESTAMPs aside: those are stored as text and take their Arrow form per session).
 */
export function bqSchemaToArrow(fields: BqField[]): arrow.Schema {
  return new arrow.Schema(normalizeBqFields(fields).map(bqFieldToArrow));
}

/**
 * One BigQuery field as an Arrow field. REPEATED becomes a non-nullable List whose
 * non-nullable child is named `item` (BigQuery has no NULL arrays nor NULL elements);
 * the extension metadata of GEOGRAPHY/JSON/DATETIME/INTERVAL sits on the field holding
 * the values (the `item` child for a REPEATED one). Both choices for REPEATED fields are
 * unverified: no public source shows the service's nullability or metadata placement there.
 */
export function bqFieldToArrow(f: BqField): arrow.Field {
  const [field] = normalizeBqFields([f]);
  return arrowFieldOf(field!);
}

function arrowFieldOf(f: NormalizedBqField): arrow.Field {
  const type = arrowTypeOf(f);
  const metadata = metadataOf(f);
  if (f.mode === 'REPEATED') {
    const item = new arrow.Field('item', type, false, metadata);
    return new arrow.Field(f.name, new arrow.List(item), false);
  }
  return new arrow.Field(f.name, type, f.mode !== 'REQUIRED', metadata);
}

function metadataOf(f: NormalizedBqField): Map<string, string> | null {
  if (f.timestampPrecision === 12) return new Map([[PICOS_TIMESTAMP_KEY, PICOS_TIMESTAMP_VALUE]]);
  switch (f.type) {
    case 'GEOGRAPHY': return new Map(GEOGRAPHY_METADATA);
    case 'JSON': return new Map(JSON_METADATA);
    case 'DATETIME': return new Map(DATETIME_METADATA);
    case 'INTERVAL': return new Map(INTERVAL_METADATA);
    default: return null;
  }
}

/**
 * The RANGE struct types made here, with their element type. Their Arrow form alone cannot tell a
 * RANGE from a RECORD of `start` and `end` (README, "RANGE and RECORD"), and the Read API sends no
 * more; the emulator's REST API, which names the type in schemas and writes RANGE cells as text,
 * asks here. A table given as Arrow (an IPC file) has no entry: its structs stay RECORDs.
 */
const RANGE_TYPES = new WeakMap<arrow.DataType, RangeElementType>();

export const rangeElementTypeOf = (type: arrow.DataType): RangeElementType | undefined => RANGE_TYPES.get(type);

/** Arrow type of one bound of a RANGE (the bounds carry no metadata: unverified). */
function rangeBoundType(element: RangeElementType): arrow.DataType {
  switch (element) {
    case 'DATE': return new arrow.DateDay();
    case 'DATETIME': return new arrow.TimestampMicrosecond(null);
    case 'TIMESTAMP': return new arrow.TimestampMicrosecond('UTC');
  }
}

/** Storage type of one value of the field (ignoring REPEATED). */
function arrowTypeOf(f: NormalizedBqField): arrow.DataType {
  switch (f.type) {
    case 'INT64': return new arrow.Int64();
    case 'FLOAT64': return new arrow.Float64();
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const { precision, scale } = decimalPrecisionScale(f);
      return new arrow.Decimal(scale, precision, f.type === 'NUMERIC' ? 128 : 256);
    }
    case 'STRING': return new arrow.Utf8();
    case 'BYTES': return new arrow.Binary();
    case 'BOOL': return new arrow.Bool();
    case 'DATE': return new arrow.DateDay();
    case 'DATETIME': return new arrow.TimestampMicrosecond(null);
    // A picosecond TIMESTAMP is stored as text and converted per session (timestamp-precision.ts).
    case 'TIMESTAMP': return f.timestampPrecision === 12 ? new arrow.Utf8() : new arrow.TimestampMicrosecond('UTC');
    case 'TIME': return new arrow.TimeMicrosecond();
    case 'GEOGRAPHY': return new arrow.Utf8();
    case 'JSON': return new arrow.Utf8();
    // Storage Read API docs, "Arrow schema details": a struct of `start` and `end`, NULL meaning unbounded.
    case 'RANGE': {
      const bound = rangeBoundType(f.rangeElementType!.type);
      const range = new arrow.Struct([new arrow.Field('start', bound, true), new arrow.Field('end', bound, true)]);
      RANGE_TYPES.set(range, f.rangeElementType!.type);
      return range;
    }
    // Unverified: Arrow's calendar interval holds BigQuery's months, days and sub-day time exactly.
    case 'INTERVAL': return new arrow.IntervalMonthDayNano();
    case 'RECORD': return new arrow.Struct((f.fields ?? []).map(arrowFieldOf));
  }
}
