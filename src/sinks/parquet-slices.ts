// What the Parquet writer (parquet-from-ipc.ts) is fed, made from arrow-js batches, and the plan by
// which a read's workers make it from their messages instead: apart from the writer, so that a
// thread that only prepares batches for writers elsewhere (parts/write-parts.ts) does not
// instantiate parquet-wasm.
import { DataType, RecordBatchStreamWriter, type RecordBatch, type Schema } from 'apache-arrow';
import { childTypes, schemaFields } from '../arrow/child-fields.js';
import { encodeSchemaMessage } from '../arrow/ipc-messages.js';
import { layoutPlanOf } from '../arrow/layout-plan.js';
import type { IntervalNode, ParquetIpcPlan } from './parquet-ipc.js';
import { parquetSchemaOf, parquetWritable } from './parquet-types.js';

// Each batch crosses into WebAssembly memory as an IPC copy plus its decoded arrays, and that memory
// only ever grows: slices of this many rows keep its high-water mark small.
const ROWS_PER_CROSSING = 4096;

/**
 * A function that turns each batch of a source into what the Parquet writer takes: IPC streams of
 * at most `rowsPerSlice` rows (ROWS_PER_CROSSING), in the types Parquet can hold
 * (parquet-types.ts). A zero-row batch gives one, so that a file of no rows still carries its schema.
 */
export function parquetIpcSlices(rowsPerSlice = ROWS_PER_CROSSING): (batch: RecordBatch) => Uint8Array[] {
  let writable: ((batch: RecordBatch) => RecordBatch) | undefined;
  return (batch) => {
    const converted = (writable ??= parquetWritable(batch.schema))(batch);
    const slices: Uint8Array[] = [];
    for (let start = 0; start < converted.numRows || start === 0; start += rowsPerSlice) {
      const slice = converted.numRows <= rowsPerSlice ? converted : converted.slice(start, start + rowsPerSlice);
      slices.push(RecordBatchStreamWriter.writeAll([slice]).toUint8Array(true));
      if (slice === converted) break;
    }
    return slices;
  };
}

/**
 * Each batch whole as one IPC stream, for a worker thread whose batch came from a response (a
 * response's batch is already a bounded size, as the memory it arrived in).
 */
export function parquetIpcStreamOf(): (batch: RecordBatch) => Uint8Array {
  const slicesOf = parquetIpcSlices(Infinity);
  return (batch) => slicesOf(batch)[0]!;
}

/**
 * How a read's workers make the Parquet writer's input from the messages they read (parquet-ipc.ts),
 * for a session of `schema`; undefined where a type in it needs arrow to decode (no layout plan).
 */
export function parquetIpcPlanOf(schema: Schema): ParquetIpcPlan | undefined {
  const layout = layoutPlanOf(schema);
  if (!layout) return undefined;
  const intervals: IntervalNode[] = [];
  let node = 0;
  const visit = (type: DataType): void => {
    if (DataType.isInterval(type)) intervals.push({ node, unit: (type as unknown as { unit: number }).unit });
    node++;
    childTypes(type).forEach(visit);
  };
  schemaFields(schema).forEach((field) => visit(field.type));
  return { format: 'parquet', schemaMessage: encodeSchemaMessage(parquetSchemaOf(schema)), buffersPerNode: layout.nodes.map((n) => n.buffers.length), intervals };
}
