import { Data, DataType, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { childTypes } from './child-fields.js';
import {
  BUFFER_FIELDS, LAYOUT_FIELDS, NO_BUFFER, NODE_FIELDS, typedArrayKind, typedArrayView, type AnyTypedArray, type PackedBatch,
} from './packed-batch.js';

/**
 * Moving a RecordBatch between threads without copying column data: a batch arrow decoded, packed
 * in the worker, and every batch rebuilt on the coordinator as views over the transferred memory.
 */

// 8-byte alignment keeps every typed-array view (BigInt64, Float64) constructible in place.
const ALIGN = 8;
const align = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

function buffersOf(data: Data): (AnyTypedArray | undefined)[] {
  return [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as (AnyTypedArray | undefined)[];
}

function measure(data: Data): number {
  let bytes = 0;
  for (const b of buffersOf(data)) if (b && b.byteLength > 0) bytes += align(b.byteLength);
  for (const child of data.children) bytes += measure(child);
  return bytes;
}

function countNodes(data: Data): number {
  let n = 1;
  for (const child of data.children) n += countNodes(child);
  return n;
}

/**
 * Writes the Data tree into a flat layout, depth first. `place` gives each buffer's byte offset in
 * the transferred memory (its own offset when it is a view into that memory already).
 */
function flatten(root: Data, place: (array: AnyTypedArray) => number): Float64Array {
  const layout = new Float64Array(countNodes(root) * LAYOUT_FIELDS);
  let at = 0;
  const write = (data: Data) => {
    layout[at] = data.offset;
    layout[at + 1] = data.length;
    layout[at + 2] = data.nullCount;
    layout[at + 3] = data.children.length;
    let slot = at + NODE_FIELDS;
    for (const array of buffersOf(data)) {
      if (!array) {
        layout[slot] = NO_BUFFER;
      } else {
        const empty = array.byteLength === 0;
        layout[slot] = typedArrayKind(array.constructor);
        layout[slot + 1] = empty ? 0 : place(array);
        layout[slot + 2] = empty ? 0 : array.length;
      }
      slot += BUFFER_FIELDS;
    }
    at += LAYOUT_FIELDS;
    for (const child of data.children) write(child);
  };
  write(root);
  return layout;
}

function livesIn(data: Data, memory: ArrayBuffer): boolean {
  return buffersOf(data).every((b) => !b || b.byteLength === 0 || b.buffer === memory) && data.children.every((c) => livesIn(c, memory));
}

/**
 * Worker side. When every buffer of the batch is a view into `memory` (a batch decoded from a
 * message the worker owns), that memory is sent as is; otherwise (decompressed buffers) the
 * buffers are copied once into a fresh ArrayBuffer.
 */
export function packBatch(batch: RecordBatch, memory?: ArrayBuffer): PackedBatch {
  if (memory && livesIn(batch.data, memory)) {
    return { numRows: batch.numRows, layout: flatten(batch.data, (array) => array.byteOffset), memory };
  }
  return copyBatch(batch);
}

function copyBatch(batch: RecordBatch): PackedBatch {
  const memory = new ArrayBuffer(measure(batch.data));
  const bytes = new Uint8Array(memory);
  let cursor = 0;
  const layout = flatten(batch.data, (array) => {
    const byteOffset = cursor;
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), cursor);
    cursor += align(array.byteLength);
    return byteOffset;
  });
  return { numRows: batch.numRows, layout, memory };
}

function rebuild(type: DataType, layout: Float64Array, at: { node: number }, memory: ArrayBuffer): Data {
  const base = at.node * LAYOUT_FIELDS;
  at.node++;
  if (base + LAYOUT_FIELDS > layout.length) throw new TypeError(`transferred batch does not match the schema at ${String(type)}`);
  const buffers: (AnyTypedArray | undefined)[] = [];
  for (let slot = base + NODE_FIELDS; slot < base + LAYOUT_FIELDS; slot += BUFFER_FIELDS) {
    const kind = layout[slot]!;
    buffers.push(kind === NO_BUFFER ? undefined : typedArrayView(kind, memory, layout[slot + 1]!, layout[slot + 2]!));
  }
  const children = childTypes(type);
  if (children.length !== layout[base + 3]) {
    throw new TypeError(`transferred batch does not match the schema at ${String(type)}`);
  }
  return new Data(type, layout[base]!, layout[base + 1]!, layout[base + 2], buffers as never, children.map((child) => rebuild(child, layout, at, memory)));
}

/** Coordinator side: a RecordBatch whose columns are views over the transferred memory. */
export function unpackBatch(schema: Schema, packed: PackedBatch): RecordBatch {
  const data = rebuild(new Struct(schema.fields), packed.layout, { node: 0 }, packed.memory);
  return new RecordBatch(schema, data as Data<Struct>);
}
