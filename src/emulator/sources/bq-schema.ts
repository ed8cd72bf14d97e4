// BigQuery table schemas (the JSON that `bq show --schema` prints and `bq load` reads) and
// their mapping to the exact Arrow schema that the BigQuery Storage Read API sends.
import * as arrow from 'apache-arrow';

export type BqMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

export interface BqField {
  name: string;
  type: string;
  mode?: BqMode;
  fields?: BqField[];
  description?: string;
}

/** The canonical spelling of every BigQuery column type; aliases map onto these. */
export type BqType =
  | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BIGNUMERIC' | 'STRING' | 'BYTES' | 'BOOL'
  | 'DATE' | 'DATETIME' | 'TIME' | 'TIMESTAMP' | 'GEOGRAPHY' | 'JSON' | 'RECORD';

/** A BqField after validation: canonical type and an explicit mode. */
export interface NormalizedBqField extends BqField {
  type: BqType;
  mode: BqMode;
  fields?: NormalizedBqField[];
}

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

const TYPE_ALIASES: Readonly<Record<string, BqType>> = {
  INT64: 'INT64', INTEGER: 'INT64',
  FLOAT64: 'FLOAT64', FLOAT: 'FLOAT64',
  NUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC', BIGDECIMAL: 'BIGNUMERIC',
  STRING: 'STRING', BYTES: 'BYTES',
  BOOL: 'BOOL', BOOLEAN: 'BOOL',
  DATE: 'DATE', DATETIME: 'DATETIME', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP',
  GEOGRAPHY: 'GEOGRAPHY', JSON: 'JSON',
  RECORD: 'RECORD', STRUCT: 'RECORD',
};

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
  if (Array.isArray(parsed)) return parsed;
  if (!isObject(parsed)) return undefined;
  if (Array.isArray(parsed.fields)) return parsed.fields;
  if (isObject(parsed.schema) && Array.isArray(parsed.schema.fields)) return parsed.schema.fields;
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

  const hasFields = raw.fields !== undefined && raw.fields !== null;
  if (type === 'RECORD') {
    if (!Array.isArray(raw.fields) || raw.fields.length === 0) fail('RECORD needs a non-empty "fields" list');
    normalized.fields = normalizeList(raw.fields as unknown[], path, prefix);
  } else if (hasFields && !(Array.isArray(raw.fields) && raw.fields.length === 0)) {
    fail(`"fields" is only allowed on RECORD, not ${type}`);
  }
  return normalized;
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Digits after the decimal point of NUMERIC and BIGNUMERIC values (the Arrow Decimal scale). */
export const NUMERIC_SCALE = 9;
export const BIGNUMERIC_SCALE = 38;

const GEOGRAPHY_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:geography'],
  ['ARROW:extension:metadata', '{"encoding": "WKT"}'],
]);

const JSON_METADATA: ReadonlyMap<string, string> = new Map([
  ['ARROW:extension:name', 'google:sqlType:json'],
]);

/** Arrow schema of a table with these BigQuery fields, as the Storage Read API sends it. */
export function bqSchemaToArrow(fields: BqField[]): arrow.Schema {
  return new arrow.Schema(normalizeBqFields(fields).map(bqFieldToArrow));
}

/**
 * One BigQuery field as an Arrow field. REPEATED becomes a non-nullable List whose
 * non-nullable child is named `item` (BigQuery has no NULL arrays nor NULL elements);
 * the extension metadata of GEOGRAPHY/JSON sits on the field holding the values
 * (the `item` child for a REPEATED one).
 */
export function bqFieldToArrow(f: BqField): arrow.Field {
  const [field] = normalizeBqFields([f]);
  return arrowFieldOf(field);
}

function arrowFieldOf(f: NormalizedBqField): arrow.Field {
  const type = arrowTypeOf(f);
  const metadata = metadataOf(f.type);
  if (f.mode === 'REPEATED') {
    const item = new arrow.Field('item', type, false, metadata);
    return new arrow.Field(f.name, new arrow.List(item), false);
  }
  return new arrow.Field(f.name, type, f.mode !== 'REQUIRED', metadata);
}

function metadataOf(type: BqType): Map<string, string> | null {
  if (type === 'GEOGRAPHY') return new Map(GEOGRAPHY_METADATA);
  if (type === 'JSON') return new Map(JSON_METADATA);
  return null;
}

/** Storage type of one value of the field (ignoring REPEATED). */
function arrowTypeOf(f: NormalizedBqField): arrow.DataType {
  switch (f.type) {
    case 'INT64': return new arrow.Int64();
    case 'FLOAT64': return new arrow.Float64();
    case 'NUMERIC': return new arrow.Decimal(NUMERIC_SCALE, 38, 128);
    case 'BIGNUMERIC': return new arrow.Decimal(BIGNUMERIC_SCALE, 76, 256);
    case 'STRING': return new arrow.Utf8();
    case 'BYTES': return new arrow.Binary();
    case 'BOOL': return new arrow.Bool();
    case 'DATE': return new arrow.DateDay();
    case 'DATETIME': return new arrow.TimestampMicrosecond(null);
    case 'TIMESTAMP': return new arrow.TimestampMicrosecond('UTC');
    case 'TIME': return new arrow.TimeMicrosecond();
    case 'GEOGRAPHY': return new arrow.Utf8();
    case 'JSON': return new arrow.Utf8();
    case 'RECORD': return new arrow.Struct((f.fields ?? []).map(arrowFieldOf));
  }
}
