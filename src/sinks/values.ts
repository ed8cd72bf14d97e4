// An Arrow field's text plan (text/text-plan.ts): which of BigQuery's text forms its values take,
// decided once per field from its Arrow type and the Read API's extension names. The rules
// themselves live in text/value-text.ts, free of apache-arrow so worker threads run them too.
import { DataType, DateUnit, type Field, type Struct } from 'apache-arrow';
import { bqTypeOf, repeatedItem, UnsupportedArrowTypeError } from '../bq-type.js';
import type { FieldPlan, JsonForm, ScalarPlan, ValuePlan } from './text/text-plan.js';
import { jsonTextOf, objectTextOf, scalarTextOf, type TextOf } from './text/value-text.js';

/** How a scalar value of `field` is read from its buffers. */
export function scalarPlanOf(field: Field): ScalarPlan {
  const type = field.type as DataType;
  if (DataType.isInt(type)) return { kind: 'int' };
  if (DataType.isFloat(type)) return { kind: 'float' };
  if (DataType.isDecimal(type)) return { kind: 'decimal', words: type.bitWidth / 32, scale: type.scale };
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return { kind: 'utf8' };
  if (bqTypeOf(field) === 'BYTES') return { kind: 'bytes', byteWidth: DataType.isFixedSizeBinary(type) ? type.byteWidth : 0 };
  if (DataType.isBool(type)) return { kind: 'bool' };
  if (DataType.isDate(type) && type.unit === DateUnit.DAY) return { kind: 'date' };
  if (DataType.isTimestamp(type)) return { kind: 'timestamp', unit: type.unit, utc: Boolean(type.timezone) };
  if (DataType.isTime(type)) return { kind: 'time', unit: type.unit };
  if (DataType.isInterval(type)) return { kind: 'interval', unit: (type as unknown as { unit: number }).unit };
  throw new UnsupportedArrowTypeError(`column ${field.name}: cannot render Arrow type ${String(type)} as text`);
}

const JSON_FORMS: Readonly<Partial<Record<string, JsonForm>>> = { JSON: 'inline', BOOLEAN: 'literal', FLOAT: 'number' };

/** How a value of `field` is written, nested values included. */
export function valuePlanOf(field: Field): ValuePlan {
  const item = repeatedItem(field);
  if (item) return { kind: 'list', item: valuePlanOf(item) };
  const bq = bqTypeOf(field);
  if (bq === 'RECORD') return { kind: 'record', fields: fieldPlansOf((field.type as Struct).children) };
  const text = scalarPlanOf(field);
  return { kind: 'scalar', text, json: JSON_FORMS[bq] ?? (text.kind === 'utf8' ? 'string' : 'quoted') };
}

export function fieldPlansOf(fields: readonly Field[]): FieldPlan[] {
  return fields.map((f) => ({ name: f.name, value: valuePlanOf(f) }));
}

/** The text BigQuery's exports write for one scalar value of `field` (see scalarTextOf). */
export const scalarText = (field: Field): TextOf => scalarTextOf(scalarPlanOf(field));

/** JSON text of one non-null value of `field`, as BigQuery's JSON export writes it (see jsonTextOf). */
export const jsonText = (field: Field): TextOf => jsonTextOf(valuePlanOf(field));

/** A JSON object over the children of a struct Data (a RECORD value, or a whole row of a batch). */
export const objectText = (fields: readonly Field[]): TextOf => objectTextOf(fieldPlansOf(fields));
