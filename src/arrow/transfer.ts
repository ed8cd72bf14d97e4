import { Data, DataType, RecordBatch, Struct, type Schema } from 'apache-arrow';

/**
 * Moving a RecordBatch between threads without copying column data: every buffer of the batch lives
 * in one ArrayBuffer that the worker posts in the transfer list (ownership moves, nothing is
 * copied); the coordinator rebuilds the Data tree as views over that same memory.
 */

const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;
type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[number]>;
const KIND_CODES = new Map<unknown, number>(TYPED_ARRAYS.map((ctor, code) => [ctor, code]));

export interface PackedBatch {
  readonly numRows: number;
  /**
   * The Data tree, flattened depth first (see LAYOUT_FIELDS): one array instead of an object per
   * node and buffer, so posting and receiving a batch clones a few KiB of numbers, not hundreds of
   * small objects.
   */
  readonly layout: Float64Array;
  /** All column data of the batch; post it in the transfer list. */
  readonly memory: ArrayBuffer;
}

/**
 * Per Data node: offset, length, nullCount, number of children, then per buffer (arrow's order:
 * offsets, values, validity, type ids) the typed array kind (-1: none), byte offset and length in
 * elements. An empty buffer is kept (offset 0, length 0): arrow's decode gives an empty array, not
 * none, for every buffer a type has, and its getters and writers expect one.
 */
export const NODE_FIELDS = 4;
export const BUFFER_FIELDS = 3;
const BUFFERS_PER_NODE = 4;
export const LAYOUT_FIELDS = NODE_FIELDS + BUFFERS_PER_NODE * BUFFER_FIELDS;
export const NO_BUFFER = -1;
/** A buffer's place among a node's four, in arrow's order. */
export const BufferSlot = { offsets: 0, values: 1, validity: 2, typeIds: 3 } as const;

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

/** The layout's code for a typed array class (what the coordinator builds the view with). */
export function typedArrayKind(ctor: Function): number {
  const code = KIND_CODES.get(ctor);
  if (code === undefined) throw new TypeError(`cannot transfer an arrow buffer of type ${ctor.name}`);
  return code;
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
    buffers.push(kind === NO_BUFFER ? undefined : new TYPED_ARRAYS[kind]!(memory, layout[slot + 1]!, layout[slot + 2]!));
  }
  const childTypes = type.children?.map((f) => f.type) ?? [];
  if (childTypes.length !== layout[base + 3]) {
    throw new TypeError(`transferred batch does not match the schema at ${String(type)}`);
  }
  const children = childTypes.map((childType) => rebuild(childType, layout, at, memory));
  return new Data(type, layout[base]!, layout[base + 1]!, layout[base + 2]!, buffers as never, children);
}

/** Coordinator side: a RecordBatch whose columns are views over the transferred memory. */
export function unpackBatch(schema: Schema, packed: PackedBatch): RecordBatch {
  const data = rebuild(new Struct(schema.fields), packed.layout, { node: 0 }, packed.memory);
  return new RecordBatch(schema, data as Data<Struct>);
}
