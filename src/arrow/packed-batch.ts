/**
 * A record batch as it crosses from a worker to the coordinator: its column data in one
 * ArrayBuffer, which the worker posts in the transfer list (ownership moves, nothing is copied),
 * and its Data tree as a flat layout of numbers the coordinator rebuilds the batch from as views
 * over that memory (transfer.ts). Plain numbers, so a worker packs a batch without apache-arrow.
 */

const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;
export type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[number]>;
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

/** The layout's code for a typed array class (what the coordinator builds the view with). */
export function typedArrayKind(ctor: object): number {
  const code = KIND_CODES.get(ctor);
  if (code === undefined) throw new TypeError(`cannot transfer an arrow buffer of type ${(ctor as { name?: string }).name}`);
  return code;
}

/** A view of `length` elements of the kind `kind` over `memory` at `byteOffset`. */
export function typedArrayView(kind: number, memory: ArrayBuffer, byteOffset: number, length: number): AnyTypedArray {
  return new TYPED_ARRAYS[kind]!(memory, byteOffset, length);
}
