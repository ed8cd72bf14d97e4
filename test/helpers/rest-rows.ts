// BigQuery's JSON rows (jobs.getQueryResults, with formatOptions.useInt64Timestamp) of an Arrow
// table, spelled from canonical values by the export helper, so the rows-to-Arrow conversion is
// checked against an independent statement of the format rather than against itself.
import { DataType, type Field, type Table } from 'apache-arrow';
import { exportText } from './bigquery-export.js';
import { canonicalRows, type Canonical } from './canonical.js';

type Cell = string | null | { f: { v: Cell }[] } | { v: Cell }[];

function restCell(field: Field, value: Canonical): Cell {
  if (value === null) return null;
  const type = field.type as DataType;
  if (DataType.isList(type)) return (value as Canonical[]).map((item) => ({ v: restCell(type.children[0]!, item) }));
  if (DataType.isStruct(type)) {
    const record = value as Record<string, Canonical>;
    // RANGE, which the Read API sends as a RECORD of `start` and `end`, is `[start, end)` text in the REST API.
    if (type.children.length === 2 && type.children[0]!.name === 'start' && type.children[1]!.name === 'end' && !DataType.isStruct(type.children[0]!.type)) {
      const bound = (f: Field, b: Canonical) => (b === null ? 'UNBOUNDED' : exportText(f, b));
      return `[${bound(type.children[0]!, record.start!)}, ${bound(type.children[1]!, record.end!)})`;
    }
    return { f: type.children.map((child) => ({ v: restCell(child, record[child.name]!) })) };
  }
  if (DataType.isTimestamp(type) && type.timezone) return value as string;
  // BigQuery writes NaN, Infinity and -Infinity as canonical.ts spells them.
  if (DataType.isFloat(type)) return typeof value === 'number' ? String(value) : (value as string);
  return exportText(field, value);
}

export function restRows(table: Table): { f: { v: Cell }[] }[] {
  return canonicalRows(table).map((row) => ({ f: table.schema.fields.map((field) => ({ v: restCell(field, (row as Record<string, Canonical>)[field.name]!) })) }));
}

/** A schema's Arrow form, field by field (type, nullability, metadata), for deep comparison. */
export function describeFields(fields: readonly Field[]): unknown[] {
  return fields.map((f) => ({
    name: f.name, type: String(f.type), nullable: f.nullable, metadata: [...f.metadata],
    children: describeFields(((f.type as DataType).children ?? [])),
  }));
}
