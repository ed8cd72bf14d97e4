import {
  DataType,
  Field,
  List,
  RecordBatch,
  Schema,
  Struct,
  makeData,
  type Data,
} from 'apache-arrow';
import { childFields, schemaFields } from '../arrow/child-fields.js';

/** A `selected_fields` entry that names nothing in the table. */
export class SelectedFieldError extends Error {
  override name = 'SelectedFieldError';
}

/** Selection tree: `true` keeps a whole field, a map keeps some of a RECORD's sub-fields. */
type Selection = Map<string, Selection | true>;

/**
 * A RECORD named beside fields of its own (`rec`, `rec.a`) is read once, whole, whatever the order:
 * "If a STRUCT field is specified in the selected fields list, all of the child elements will be
 * returned" (TableReadOptions.selected_fields in protos/google/cloud/bigquery/storage/v1/stream.proto;
 * https://cloud.google.com/bigquery/docs/reference/storage/rpc/google.cloud.bigquery.storage.v1#tablereadoptions).
 * That the service accepts the pair rather than refusing it is inferred from that text, unverified.
 */
function buildSelection(paths: readonly string[]): Selection {
  const root: Selection = new Map<string, Selection | true>();
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.some((p) => p.length === 0)) throw new SelectedFieldError(`selected field "${path}" is not a valid field path`);
    let node = root;
    for (const [i, part] of parts.entries()) {
      const existing = node.get(part);
      if (existing === true) break;
      if (i === parts.length - 1) {
        node.set(part, true);
        break;
      }
      const child: Selection = existing ?? new Map<string, Selection | true>();
      node.set(part, child);
      node = child;
    }
  }
  return root;
}

/** The struct a RECORD field holds: the field's own type, or a REPEATED RECORD's element type. */
function recordType(type: DataType): Struct | undefined {
  if (DataType.isStruct(type)) return type;
  const item = DataType.isList(type) ? childFields(type)[0]!.type : undefined;
  if (item && DataType.isStruct(item)) return item;
  return undefined;
}

interface FieldPlan {
  readonly index: number;
  readonly field: Field<DataType>;
  readonly children?: FieldPlan[];
}

/** Plans which children of `fields` survive, in table order (the service ignores selection order). */
function planFields(fields: readonly Field<DataType>[], selection: Selection, prefix: string): FieldPlan[] {
  const known = new Set(fields.map((f) => f.name));
  for (const name of selection.keys()) {
    if (!known.has(name)) {
      throw new SelectedFieldError(`selected field "${prefix}${name}" was not found in the table schema`);
    }
  }
  const plans: FieldPlan[] = [];
  fields.forEach((field, index) => {
    const sel = selection.get(field.name);
    if (sel === undefined) return;
    if (sel === true) {
      plans.push({ index, field });
      return;
    }
    const struct = recordType(field.type);
    if (!struct) {
      throw new SelectedFieldError(`selected field "${prefix}${field.name}" is not a RECORD, so it has no sub-field "${[...sel.keys()][0]}"`);
    }
    const children = planFields(childFields(struct), sel, `${prefix}${field.name}.`);
    const projectedStruct = new Struct(children.map((c) => c.field));
    const item = DataType.isList(field.type) ? childFields(field.type)[0]! : undefined;
    const type = item ? new List(new Field(item.name, projectedStruct, item.nullable, item.metadata)) : projectedStruct;
    plans.push({ index, field: new Field(field.name, type, field.nullable, field.metadata), children });
  });
  return plans;
}

function projectData(data: Data, plan: FieldPlan): Data {
  if (!plan.children) return data;
  const children = plan.children;
  if (DataType.isList(data.type)) {
    const structData = data.children[0]!;
    const projectedStruct = projectStructData(structData, childFields(plan.field.type)[0]!.type as Struct, children);
    return makeData({
      type: plan.field.type as List,
      offset: data.offset,
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap,
      valueOffsets: data.valueOffsets as Int32Array,
      child: projectedStruct,
    });
  }
  return projectStructData(data, plan.field.type as Struct, children);
}

function projectStructData(data: Data, type: Struct, plans: FieldPlan[]): Data<Struct> {
  return makeData({
    type,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    children: plans.map((p) => projectData(data.children[p.index]!, p)),
  });
}

export interface Projection {
  readonly schema: Schema;
  apply(batch: RecordBatch): RecordBatch;
}

/** Resolves `selected_fields` (top-level `col` and nested `record.field`) against a table schema. */
export function compileProjection(schema: Schema, selectedFields: readonly string[]): Projection {
  if (selectedFields.length === 0) return { schema, apply: (batch) => batch };
  const plans = planFields(schemaFields(schema), buildSelection(selectedFields), '');
  const projected = new Schema(plans.map((p) => p.field), schema.metadata);
  const rootType = new Struct(projected.fields);
  return {
    schema: projected,
    apply: (batch) => new RecordBatch(projected, projectStructData(batch.data, rootType, plans)),
  };
}
