// Query parameters from JS values, typed as BigQuery's Node client types them
// (nodejs-bigquery's BigQuery.getTypeDescriptorFromValue_: bigint and integral numbers INT64,
// other numbers FLOAT64, Date TIMESTAMP, Buffer BYTES, arrays ARRAY, plain objects STRUCT), with
// an explicit type wherever a value cannot say it (NULL, an empty array, NUMERIC from a string,
// DATE, JSON, ...). Named (`@name`) from an object, positional (`?`) from an array.
import { parseRangeText } from '../range-text.js';
import { ReadOptionsError } from '../read/errors.js';
import type { QueryParameter as WireParameter, QueryParameterValue as WireValue } from '../protocol/query-parameter.js';
import { formatParameterType, parseParameterType, type ParameterType } from './parameter-type.js';

export type QueryParameterValue =
  | null | undefined | bigint | number | string | boolean | Date | Uint8Array
  | readonly QueryParameterValue[]
  | { readonly [field: string]: QueryParameterValue };

/** Named parameters (`@name`) as an object, positional ones (`?`) as an array. */
export type QueryParameters = Readonly<Record<string, QueryParameterValue>> | readonly QueryParameterValue[];
/** Types written as GoogleSQL writes them (`NUMERIC`, `ARRAY<DATE>`), by name or by position; only where a value cannot say its own. */
export type QueryParameterTypes = Readonly<Record<string, string>> | readonly (string | undefined)[];

export interface ParametersJson {
  readonly parameterMode?: 'NAMED' | 'POSITIONAL';
  readonly queryParameters?: readonly WireParameter[];
}

class ParameterProblem extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const isPlainObject = (v: unknown): v is Record<string, QueryParameterValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

/** The type a value says by itself, as the Node client infers it. */
function inferType(value: QueryParameterValue): ParameterType {
  if (value === null || value === undefined) throw new ParameterProblem('is NULL: give its type');
  if (typeof value === 'bigint') return { type: 'INT64' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'INT64' : 'FLOAT64' };
  if (typeof value === 'string') return { type: 'STRING' };
  if (typeof value === 'boolean') return { type: 'BOOL' };
  if (value instanceof Date) return { type: 'TIMESTAMP' };
  if (value instanceof Uint8Array) return { type: 'BYTES' };
  if (Array.isArray(value)) {
    const items = value as readonly QueryParameterValue[];
    const first = items.find((item) => item !== null && item !== undefined);
    if (first === undefined) throw new ParameterProblem('is an empty (or all-NULL) array: give its type, e.g. ARRAY<INT64>');
    return { type: 'ARRAY', arrayType: inferType(first) };
  }
  const struct = value as Readonly<Record<string, QueryParameterValue>>;
  return { type: 'STRUCT', structTypes: Object.entries(struct).map(([name, v]) => ({ name, type: inferType(v) })) };
}

function int64Text(value: QueryParameterValue): string {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else throw new ParameterProblem(`is not an INT64: ${describe(value)}${typeof value === 'number' && Number.isInteger(value) ? ' (beyond 2^53: pass a bigint)' : ''}`);
  if (n < INT64_MIN || n > INT64_MAX) throw new ParameterProblem(`${n} is out of INT64's range`);
  return n.toString();
}

function float64Text(value: QueryParameterValue): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && (DECIMAL.test(value.trim()) || /^[+-]?(inf|infinity|nan)$/i.test(value.trim()))) return value.trim();
  throw new ParameterProblem(`is not a FLOAT64: ${describe(value)}`);
}

function decimalText(value: QueryParameterValue, type: string): string {
  // A JS number is a binary fraction: a NUMERIC from one would not be the decimal the caller wrote.
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return value.trim();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new ParameterProblem(`is not a ${type} (give it as a decimal string): ${describe(value)}`);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateOf = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const timeOf = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;

function validDate(value: Date): Date {
  if (Number.isNaN(value.getTime())) throw new ParameterProblem('is an invalid Date');
  return value;
}

/** The text of one scalar value of `type`. */
function scalarText(type: string, value: QueryParameterValue): string {
  switch (type) {
    case 'INT64': return int64Text(value);
    case 'FLOAT64': return float64Text(value);
    case 'NUMERIC':
    case 'BIGNUMERIC': return decimalText(value, type);
    case 'BOOL':
      if (typeof value === 'boolean') return String(value);
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase();
      throw new ParameterProblem(`is not a BOOL: ${describe(value)}`);
    case 'BYTES':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      // Text given for BYTES is already base64 (the REST API's encoding), as from the command line.
      if (typeof value === 'string') return value;
      throw new ParameterProblem(`is not BYTES (a Buffer or Uint8Array, or base64 text): ${describe(value)}`);
    case 'TIMESTAMP':
      if (value instanceof Date) return validDate(value).toISOString();
      break;
    case 'DATE':
      if (value instanceof Date) return dateOf(validDate(value));
      break;
    case 'DATETIME':
      if (value instanceof Date) return `${dateOf(validDate(value))} ${timeOf(value)}`;
      break;
    case 'JSON':
      if (typeof value !== 'string') return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      break;
  }
  if (typeof value === 'string') return value;
  throw new ParameterProblem(`is not a ${type}: ${describe(value)}`);
}

function valueJson(type: ParameterType, value: QueryParameterValue): WireValue {
  if (value === null || value === undefined) return {};
  if (type.type === 'ARRAY') {
    if (!Array.isArray(value)) throw new ParameterProblem(`is not an array (${formatParameterType(type)}): ${describe(value)}`);
    const items = value as readonly QueryParameterValue[];
    if (items.some((item) => item === null || item === undefined)) throw new ParameterProblem('holds a NULL element, which BigQuery arrays cannot');
    return { arrayValues: items.map((item) => valueJson(type.arrayType!, item)) };
  }
  if (type.type === 'STRUCT') {
    if (!isPlainObject(value)) throw new ParameterProblem(`is not an object (${formatParameterType(type)}): ${describe(value)}`);
    const known = new Set(type.structTypes!.map((f) => f.name));
    const extra = Object.keys(value).find((key) => !known.has(key));
    if (extra !== undefined) throw new ParameterProblem(`has field ${extra}, which ${formatParameterType(type)} lacks`);
    return { structValues: Object.fromEntries(type.structTypes!.map((f) => [f.name, valueJson(f.type, value[f.name])])) };
  }
  if (type.type === 'RANGE') return { rangeValue: rangeJson(type.rangeElementType!, value) };
  return { value: scalarText(type.type, value) };
}

/** A RANGE from `{ start, end }` (NULL or missing: unbounded) or from its text `[start, end)`. */
function rangeJson(element: ParameterType, value: QueryParameterValue): { start?: WireValue; end?: WireValue } {
  let bounds: [QueryParameterValue, QueryParameterValue];
  if (typeof value === 'string') {
    const text = parseRangeText(value);
    if (!text) throw new ParameterProblem(`is not a RANGE "[start, end)": ${describe(value)}`);
    bounds = text;
  } else if (isPlainObject(value)) {
    bounds = [value.start, value.end];
  } else {
    throw new ParameterProblem(`is not a RANGE ({ start, end } or "[start, end)"): ${describe(value)}`);
  }
  return { start: valueJson(element, bounds[0]), end: valueJson(element, bounds[1]) };
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function parameterJson(label: string, name: string | undefined, value: QueryParameterValue, typeText: string | undefined): WireParameter {
  try {
    const parameterType = typeText === undefined ? inferType(value) : parseParameterType(typeText);
    return { ...(name === undefined ? {} : { name }), parameterType, parameterValue: valueJson(parameterType, value) };
  } catch (err) {
    if (err instanceof ParameterProblem) throw new ReadOptionsError(`query parameter ${label} ${err.message}`);
    throw err;
  }
}

/** The request's parameterMode and queryParameters; nothing for no parameters. */
export function parametersJson(params: QueryParameters | undefined, types: QueryParameterTypes | undefined): ParametersJson {
  if (params === undefined) {
    if (types !== undefined) throw new ReadOptionsError('types were given without params');
    return {};
  }
  if (Array.isArray(params)) {
    const positional = params as readonly QueryParameterValue[];
    if (types !== undefined && !Array.isArray(types)) throw new ReadOptionsError('positional params take their types as an array');
    const typeList = (types ?? []) as readonly (string | undefined)[];
    if (typeList.length > positional.length) throw new ReadOptionsError(`${typeList.length} types for ${positional.length} positional params`);
    return {
      parameterMode: 'POSITIONAL',
      queryParameters: positional.map((value, i) => parameterJson(`#${i + 1}`, undefined, value, typeList[i])),
    };
  }
  const named = params as Readonly<Record<string, QueryParameterValue>>;
  if (types !== undefined && Array.isArray(types)) throw new ReadOptionsError('named params take their types as an object');
  const typeMap = (types ?? {}) as Readonly<Record<string, string>>;
  const unknown = Object.keys(typeMap).find((name) => !Object.hasOwn(named, name));
  if (unknown !== undefined) throw new ReadOptionsError(`types names @${unknown}, which params lacks`);
  for (const name of Object.keys(named)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ReadOptionsError(`query parameter name "${name}" is not a GoogleSQL identifier`);
  }
  return {
    parameterMode: 'NAMED',
    queryParameters: Object.entries(named).map(([name, value]) => parameterJson(`@${name}`, name, value, typeMap[name])),
  };
}
