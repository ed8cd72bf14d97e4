// Row selection ("take") on Arrow Data, producing compact buffers at offset 0.
//
// Buffer addressing follows arrow-js (see Data.slice): a sliced Data keeps `offset` for the
// bit-addressed buffers (null bitmap, Bool values) but has its value and value-offset arrays
// already advanced, so those are indexed from the slice's first row. Struct children are
// sliced with their parent; a List's child is not, and its offsets index the child directly.
import * as arrow from 'apache-arrow';

export class TakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TakeError';
  }
}

function checkIndices(indices: Int32Array, rows: number): void {
  for (let j = 0; j < indices.length; j++) {
    const index = indices[j]!;
    if (index < 0 || index >= rows) throw new TakeError(`row index ${index} at position ${j} is outside 0..${rows - 1}`);
  }
}

/** A new batch holding the rows of `batch` at `indices`, in that order (repeats allowed). */
export function takeRows(batch: arrow.RecordBatch, indices: Int32Array): arrow.RecordBatch {
  checkIndices(indices, batch.numRows);
  const children = batch.data.children.map((child) => takeData(child, indices));
  const data = arrow.makeData({ type: batch.data.type, length: indices.length, nullCount: 0, children });
  // Batch metadata (and the three-argument constructor) arrived in apache-arrow 21.2; 21.1, inside
  // the peer range, has neither and rejects a third argument.
  return batch.metadata?.size ? new arrow.RecordBatch(batch.schema, data, batch.metadata) : new arrow.RecordBatch(batch.schema, data);
}

/** One column's values at `indices`, in that order (repeats allowed), as fresh Data at offset 0. */
export function takeColumn(data: arrow.Data, indices: Int32Array): arrow.Data {
  checkIndices(indices, data.length);
  return takeData(data, indices);
}

/** `data`'s values at `indices` (assumed in range) as fresh Data at offset 0. */
function takeData(data: arrow.Data, indices: Int32Array): arrow.Data {
  const { type } = data;
  const length = indices.length;
  const [nullBitmap, nullCount] = takeValidity(data, indices);
  const make = ([valueOffsets, values]: [Int32Array | undefined, ArrayBufferView | undefined], children: arrow.Data[] = []) =>
    new arrow.Data(type, 0, length, nullCount, [valueOffsets, values, nullBitmap], children);

  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Duration:
    case arrow.Type.Interval:
    case arrow.Type.FixedSizeBinary:
      return make([undefined, takeFixedWidth(data.values as TypedArray, data.stride, indices)]);
    case arrow.Type.Bool:
      return make([undefined, takeBits(data.values as Uint8Array, data.offset, indices)]);
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const [valueOffsets, values] = takeVariableWidth(data.valueOffsets as Int32Array, data.values as Uint8Array, indices);
      return make([valueOffsets, values]);
    }
    case arrow.Type.List: {
      const [valueOffsets, childIndices] = takeListOffsets(data.valueOffsets as Int32Array, indices);
      return make([valueOffsets, undefined], [takeData(data.children[0]!, childIndices)]);
    }
    case arrow.Type.Struct:
      return make([undefined, undefined], data.children.map((child) => takeData(child, indices)));
    default:
      throw new TakeError(`takeRows does not support Arrow type ${type}`);
  }
}

type TypedArray = Uint8Array | Int32Array | Uint32Array | Float64Array | BigInt64Array | Int16Array | Int8Array
  | Uint16Array | Float32Array | BigUint64Array;

/** The null bitmap and null count of the taken rows; no bitmap when none is null. */
function takeValidity(data: arrow.Data, indices: Int32Array): [Uint8Array | undefined, number] {
  if (data.nullCount === 0) return [undefined, 0];
  const bitmap = takeBits(data.nullBitmap, data.offset, indices);
  let valid = 0;
  for (let i = 0; i < bitmap.length; i++) valid += popcount8(bitmap[i]!);
  const nullCount = indices.length - valid;
  return nullCount === 0 ? [undefined, 0] : [bitmap, nullCount];
}

function popcount8(byte: number): number {
  byte = byte - ((byte >> 1) & 0x55);
  byte = (byte & 0x33) + ((byte >> 2) & 0x33);
  return (byte + (byte >> 4)) & 0x0f;
}

function takeBits(bits: Uint8Array, bitOffset: number, indices: Int32Array): Uint8Array {
  const out = new Uint8Array((indices.length + 7) >> 3);
  for (let j = 0; j < indices.length; j++) {
    const bit = bitOffset + indices[j]!;
    if (bits[bit >> 3]! & (1 << (bit & 7))) out[j >> 3]! |= 1 << (j & 7);
  }
  return out;
}

function takeFixedWidth(values: TypedArray, stride: number, indices: Int32Array): TypedArray {
  const out = new (values.constructor as new (length: number) => TypedArray)(indices.length * stride);
  if (stride === 1) {
    for (let j = 0; j < indices.length; j++) out[j] = values[indices[j]!]!;
  } else {
    for (let j = 0; j < indices.length; j++) {
      const from = indices[j]! * stride;
      const to = j * stride;
      for (let k = 0; k < stride; k++) out[to + k] = values[from + k]!;
    }
  }
  return out;
}

function takeVariableWidth(offsets: Int32Array, values: Uint8Array, indices: Int32Array): [Int32Array, Uint8Array] {
  const outOffsets = new Int32Array(indices.length + 1);
  let total = 0;
  for (let j = 0; j < indices.length; j++) {
    const row = indices[j]!;
    total += offsets[row + 1]! - offsets[row]!;
    if (total > 0x7fffffff) throw new TakeError('taken values exceed the 2 GiB limit of 32-bit offsets');
    outOffsets[j + 1] = total;
  }
  const out = new Uint8Array(total);
  for (let j = 0; j < indices.length; j++) {
    const row = indices[j]!;
    const begin = offsets[row]!;
    const end = offsets[row + 1]!;
    // Short values copy faster byte by byte than through a subarray view.
    if (end - begin > 32) {
      out.set(values.subarray(begin, end), outOffsets[j]);
    } else {
      for (let k = begin, at = outOffsets[j]!; k < end; k++, at++) out[at] = values[k]!;
    }
  }
  return [outOffsets, out];
}

/** New list offsets and the child rows they cover, in order. */
function takeListOffsets(offsets: Int32Array, indices: Int32Array): [Int32Array, Int32Array] {
  const outOffsets = new Int32Array(indices.length + 1);
  let total = 0;
  for (let j = 0; j < indices.length; j++) {
    const row = indices[j]!;
    total += offsets[row + 1]! - offsets[row]!;
    outOffsets[j + 1] = total;
  }
  const childIndices = new Int32Array(total);
  for (let j = 0, at = 0; j < indices.length; j++) {
    const row = indices[j]!;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) childIndices[at++] = k;
  }
  return [outOffsets, childIndices];
}
