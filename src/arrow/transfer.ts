import { Data, DataType, RecordBatch, Struct, type Schema } from 'apache-arrow';

/**
 * Moving a RecordBatch between threads without copying column data: every buffer of the batch lives
 * in one ArrayBuffer that the worker posts in the transfer list (ownership moves, nothing is
 * copied); the coordinator rebuilds the Data tree as views over that same memory.
 */

const TYPED_ARRAYS = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

export interface BufferSlot {
  readonly kind: TypedArrayName;
  readonly byteOffset: number;
  /** In elements of `kind`. */
  readonly length: number;
}

/** The shape of one arrow Data node; `buffers` follows arrow's order: offsets, values, validity, type ids. */
export interface DataLayout {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly buffers: readonly (BufferSlot | null)[];
  readonly children: readonly DataLayout[];
}

export interface PackedBatch {
  readonly numRows: number;
  readonly layout: DataLayout;
  /** All column data of the batch; post it in the transfer list. */
  readonly memory: ArrayBuffer;
}

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

function kindOf(array: AnyTypedArray): TypedArrayName {
  const name = array.constructor.name as TypedArrayName;
  if (!(name in TYPED_ARRAYS)) throw new TypeError(`cannot transfer an arrow buffer of type ${name}`);
  return name;
}

function describe(data: Data): DataLayout {
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers: buffersOf(data).map((array) =>
      array && array.byteLength > 0 ? { kind: kindOf(array), byteOffset: array.byteOffset, length: array.length } : null,
    ),
    children: data.children.map(describe),
  };
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
  if (memory && livesIn(batch.data, memory)) return { numRows: batch.numRows, layout: describe(batch.data), memory };
  return copyBatch(batch);
}

function copyBatch(batch: RecordBatch): PackedBatch {
  const memory = new ArrayBuffer(measure(batch.data));
  const bytes = new Uint8Array(memory);
  let cursor = 0;
  const place = (data: Data): DataLayout => {
    const buffers = buffersOf(data).map((array): BufferSlot | null => {
      if (!array || array.byteLength === 0) return null;
      const slot = { kind: kindOf(array), byteOffset: cursor, length: array.length };
      bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), cursor);
      cursor += align(array.byteLength);
      return slot;
    });
    return {
      offset: data.offset,
      length: data.length,
      nullCount: data.nullCount,
      buffers,
      children: data.children.map(place),
    };
  };
  return { numRows: batch.numRows, layout: place(batch.data), memory };
}

function rebuild(type: DataType, layout: DataLayout, memory: ArrayBuffer): Data {
  const buffers = layout.buffers.map((slot) =>
    slot ? new TYPED_ARRAYS[slot.kind](memory, slot.byteOffset, slot.length) : undefined,
  );
  const childTypes = type.children?.map((f) => f.type) ?? [];
  if (childTypes.length !== layout.children.length) {
    throw new TypeError(`transferred batch does not match the schema at ${String(type)}`);
  }
  const children = layout.children.map((child, i) => rebuild(childTypes[i]!, child, memory));
  return new Data(type, layout.offset, layout.length, layout.nullCount, buffers as never, children);
}

/** Coordinator side: a RecordBatch whose columns are views over the transferred memory. */
export function unpackBatch(schema: Schema, packed: PackedBatch): RecordBatch {
  const data = rebuild(new Struct(schema.fields), packed.layout, packed.memory);
  return new RecordBatch(schema, data as Data<Struct>);
}
