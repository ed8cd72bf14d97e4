import { Type, type DataType, type Field, type Schema } from 'apache-arrow';
import { childTypes } from './child-fields.js';
import { bufferPlan, VALIDITY, type BufferPlan, type LayoutPlan, type NodePlan, type TypedArrayClass } from './message-layout.js';
import { BufferSlot } from './packed-batch.js';

/**
 * Coordinator side of MessageLayout: the session's schema, which the coordinator decodes with
 * apache-arrow anyway, as the plan a worker lays out each batch by. Made from the same Schema the
 * coordinator rebuilds batches with, so both ends agree on every buffer's typed array.
 */

const INT32_OFFSETS = bufferPlan(BufferSlot.offsets, Int32Array);
const INT64_OFFSETS = bufferPlan(BufferSlot.offsets, BigInt64Array);
const BYTES = bufferPlan(BufferSlot.values, Uint8Array);

/** The buffers of a node of `type` in IPC order (Columnar.md, "Buffer Layout"), or undefined for a type read the general way. */
function bufferPlanOf(type: DataType): BufferPlan[] | undefined {
  switch (type.typeId) {
    case Type.Bool: case Type.Int: case Type.Float: case Type.Decimal: case Type.Date: case Type.Time:
    case Type.Timestamp: case Type.Interval: case Type.Duration: case Type.FixedSizeBinary:
      return [VALIDITY, bufferPlan(BufferSlot.values, type.ArrayType as TypedArrayClass)];
    case Type.Utf8: case Type.Binary:
      return [VALIDITY, INT32_OFFSETS, BYTES];
    case Type.LargeUtf8: case Type.LargeBinary:
      return [VALIDITY, INT64_OFFSETS, BYTES];
    case Type.List: case Type.Map:
      return [VALIDITY, INT32_OFFSETS];
    case Type.LargeList:
      return [VALIDITY, INT64_OFFSETS];
    case Type.Struct: case Type.FixedSizeList:
      return [VALIDITY];
    default:
      // Null, unions, dictionaries and views: never in a Read API session; arrow decodes them.
      return undefined;
  }
}

function plan(type: DataType, nodes: NodePlan[]): boolean {
  const buffers = bufferPlanOf(type);
  if (!buffers) return false;
  const children = childTypes(type);
  nodes.push({ buffers, children: children.length });
  return children.every((child) => plan(child, nodes));
}

/** The plan for `schema`, or undefined when a type in it is one arrow must decode. */
export function layoutPlanOf(schema: Schema): LayoutPlan | undefined {
  const nodes: NodePlan[] = [];
  return schema.fields.every((field: Field<DataType>) => plan(field.type, nodes)) ? { fieldCount: schema.fields.length, nodes } : undefined;
}
