// Query parameters in the JSON shape of BigQuery's REST API (QueryParameter, QueryParameterType,
// QueryParameterValue: https://cloud.google.com/bigquery/docs/reference/rest/v2/QueryParameter),
// turned into one-row Arrow columns of the Storage Read API's types (through the NDJSON loader,
// which already reads every BigQuery type) and, for scalars, the engine's constants.
import type * as arrow from 'apache-arrow';
import { SchemaError, type BqField } from '../sources/bq-schema.js';
import { NdjsonError } from '../sources/ndjson.js';
import type { ParameterRef } from '../row-restriction/ast.js';
import type { ParameterValue } from '../row-restriction/analyze.js';
import { isScalar, sqlTypeOfField, typeName } from '../row-restriction/types.js';
import type { SqlValue } from '../row-restriction/values.js';
import { RowRestrictionError } from '../row-restriction/errors.js';
import { oneRowColumn, type OneRowColumn } from './constants.js';
import { QueryError } from './errors.js';
import { decimalFromWords } from '../../decimal-text.js';
import type { QueryParameter, QueryParameterType, QueryParameterValue } from '../../protocol/query-parameter.js';

/** The parameters of one query, looked up by name (case-insensitively, as BigQuery does) or position. */
export class QueryParameters {
  private readonly named = new Map<string, OneRowColumn>();
  private readonly positional: OneRowColumn[] = [];

  constructor(parameters: readonly QueryParameter[], mode: string | undefined) {
    for (const [index, parameter] of parameters.entries()) {
      const column = parameterColumn(parameter, index);
      const positionalMode = mode?.toUpperCase() === 'POSITIONAL' || (mode === undefined && !parameter.name);
      if (positionalMode) {
        if (parameter.name) throw new QueryError('Positional parameters must not have names', 'invalid');
        this.positional.push(column);
      } else {
        if (!parameter.name) throw new QueryError('Named parameters must have names', 'invalid');
        const key = parameter.name.toLowerCase();
        if (this.named.has(key)) throw new QueryError(`Duplicate parameter name ${parameter.name}`, 'invalid');
        this.named.set(key, column);
      }
    }
  }

  column(ref: ParameterRef): OneRowColumn | undefined {
    return ref.mode === 'named' ? this.named.get(ref.name.toLowerCase()) : this.positional[ref.index];
  }

  /** The engine's constant for a scalar parameter; a STRUCT, ARRAY, RANGE or INTERVAL one is only selectable. */
  value(ref: ParameterRef): ParameterValue | undefined {
    const column = this.column(ref);
    if (!column) return undefined;
    const type = sqlTypeOfField(column.field);
    if (!isScalar(type)) {
      const shown = type.kind === 'UNSUPPORTED' ? parameterTypeName(column.field) : typeName(type);
      throw new RowRestrictionError(`A query parameter of type ${shown} in an expression is not supported by the bqread emulator's SQL subset`);
    }
    return { type, value: column.data.nullCount > 0 ? null : scalarAt(column.data, type.kind) };
  }
}

function parameterTypeName(field: arrow.Field<arrow.DataType>): string {
  return String(field.metadata.get('ARROW:extension:name') ?? '').endsWith('interval') ? 'INTERVAL' : `RANGE`;
}

function parameterColumn(parameter: QueryParameter, index: number): OneRowColumn {
  const label = parameter.name ? `@${parameter.name}` : `number ${index + 1}`;
  if (!parameter.parameterType || typeof parameter.parameterType.type !== 'string') {
    throw new QueryError(`Query parameter ${label} has no parameterType.type`, 'invalid');
  }
  try {
    return oneRowColumn(bqFieldOf('v', parameter.parameterType), ndjsonValueOf(parameter.parameterType, parameter.parameterValue));
  } catch (error) {
    const problem = error instanceof NdjsonError ? error.problem : error instanceof QueryError || error instanceof SchemaError ? error.message : undefined;
    if (problem === undefined) throw error;
    throw new QueryError(`Invalid value for query parameter ${label}: ${problem}`, 'invalid');
  }
}

/** The table-schema field of a parameter's type: ARRAY<T> is a REPEATED T, STRUCT a RECORD. */
function bqFieldOf(name: string, type: QueryParameterType): BqField {
  const kind = type.type.toUpperCase();
  if (kind === 'ARRAY') {
    if (!type.arrayType) throw new QueryError('an ARRAY parameter needs arrayType', 'invalid');
    if (type.arrayType.type.toUpperCase() === 'ARRAY') throw new QueryError('ARRAY of ARRAY is not a BigQuery type', 'invalid');
    return { ...bqFieldOf(name, type.arrayType), mode: 'REPEATED' };
  }
  if (kind === 'STRUCT') {
    const fields = (type.structTypes ?? []).map((child, i) => bqFieldOf(child.name ?? `_field_${i + 1}`, child.type));
    return { name, type: 'RECORD', fields };
  }
  if (kind === 'RANGE') return { name, type: 'RANGE', rangeElementType: { type: type.rangeElementType?.type ?? '' } };
  return { name, type: kind };
}

/** A parameter value as the NDJSON loader reads a cell of that type. */
function ndjsonValueOf(type: QueryParameterType, value: QueryParameterValue | undefined): unknown {
  const kind = type.type.toUpperCase();
  if (kind === 'ARRAY') return (value?.arrayValues ?? []).map((item) => ndjsonValueOf(type.arrayType!, item));
  if (kind === 'STRUCT') {
    if (!value?.structValues) return null;
    const values = value.structValues;
    return Object.fromEntries((type.structTypes ?? []).map((child, i) => {
      const name = child.name ?? `_field_${i + 1}`;
      return [name, ndjsonValueOf(child.type, values[name])];
    }));
  }
  if (kind === 'RANGE') {
    if (!value?.rangeValue) return value?.value ?? null;
    const bound = (b: QueryParameterValue | undefined) => b?.value ?? null;
    return { start: bound(value.rangeValue.start), end: bound(value.rangeValue.end) };
  }
  const text = value?.value ?? null;
  if (kind !== 'JSON' || text === null) return text;
  // The loader reads a JSON column's cell as the JSON value itself.
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new QueryError(`invalid JSON text ${JSON.stringify(text)}`, 'invalid');
  }
}

const decoder = new TextDecoder();

/** Row 0 of a one-row scalar column, in the engine's representation (values.ts). */
function scalarAt(data: arrow.Data, kind: string): SqlValue {
  switch (kind) {
    case 'INT64':
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'TIME': return (data.values as BigInt64Array)[0]!;
    case 'FLOAT64': return (data.values as Float64Array)[0]!;
    case 'DATE': return (data.values as Int32Array)[0]!;
    case 'BOOL': return ((data.values as Uint8Array)[0]! & 1) === 1;
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const words = data.values as Uint32Array;
      return decimalFromWords(words, 0, words.length);
    }
    default: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(offsets[0], offsets[1]);
      return kind === 'BYTES' ? bytes : decoder.decode(bytes);
    }
  }
}
