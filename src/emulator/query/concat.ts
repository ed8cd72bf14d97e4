// Record batches of one schema joined into one, so that ORDER BY can sort rows across batches.
// Buffer addressing as in src/arrow/take.ts: bit buffers honour `offset`, value arrays and value
// offsets are already advanced to the slice, a List's child is not sliced.
import * as arrow from 'apache-arrow';

export function concatBatches(schema: arrow.Schema, batches: readonly arrow.RecordBatch[]): arrow.RecordBatch {
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const children = schema.fields.map((_, i) => concatData(batches.map((b) => b.data.children[i]!)));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children }));
}

type TypedArray = Uint8Array | Int32Array | Uint32Array | Float64Array | BigInt64Array;

function concatData(parts: readonly arrow.Data[]): arrow.Data {
  const type = parts[0]!.type;
  const length = parts.reduce((n, d) => n + d.length, 0);
  const nullCount = parts.reduce((n, d) => n + d.nullCount, 0);
  const nullBitmap = nullCount > 0 ? concatBits(parts.map((d) => (d.nullCount > 0 ? d.nullBitmap : undefined)), parts) : undefined;
  const make = (valueOffsets: Int32Array | undefined, values: ArrayBufferView | undefined, children: arrow.Data[] = []) =>
    new arrow.Data(type, 0, length, nullCount, [valueOffsets, values, nullBitmap], children);
  switch (type.typeId) {
    case arrow.Type.Bool:
      return make(undefined, concatBits(parts.map((d) => d.values as Uint8Array), parts));
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const offsets = new Int32Array(length + 1);
      const chunks: Uint8Array[] = [];
      let row = 0;
      let total = 0;
      for (const d of parts) {
        const from = d.valueOffsets as Int32Array;
        for (let i = 0; i < d.length; i++) offsets[row + i + 1] = total + from[i + 1]! - from[0]!;
        chunks.push((d.values as Uint8Array).subarray(from[0], from[d.length]));
        row += d.length;
        total += from[d.length]! - from[0]!;
      }
      return make(offsets, Buffer.concat(chunks));
    }
    case arrow.Type.List: {
      const offsets = new Int32Array(length + 1);
      const items: arrow.Data[] = [];
      let row = 0;
      let total = 0;
      for (const d of parts) {
        const from = d.valueOffsets as Int32Array;
        for (let i = 0; i < d.length; i++) offsets[row + i + 1] = total + from[i + 1]! - from[0]!;
        items.push(d.children[0]!.slice(from[0]!, from[d.length]! - from[0]!));
        row += d.length;
        total += from[d.length]! - from[0]!;
      }
      return make(offsets, undefined, [concatData(items)]);
    }
    case arrow.Type.Struct:
      return make(undefined, undefined, type.children.map((_: unknown, i: number) => concatData(parts.map((d) => d.children[i]!))));
    default: {
      // Fixed width: Int, Float, Decimal, Date, Time, Timestamp, Interval.
      const first = parts[0]!.values as TypedArray;
      const stride = parts[0]!.stride;
      const out = new (first.constructor as new (n: number) => TypedArray)(length * stride);
      let at = 0;
      for (const d of parts) {
        const values = d.values as TypedArray;
        (out as Uint8Array).set((values as Uint8Array).subarray(0, d.length * stride), at);
        at += d.length * stride;
      }
      return make(undefined, out);
    }
  }
}

/** Bit buffers (validity or BOOL values) of the parts, one after another; an absent one is all set. */
function concatBits(bitmaps: readonly (Uint8Array | undefined)[], parts: readonly arrow.Data[]): Uint8Array {
  const length = parts.reduce((n, d) => n + d.length, 0);
  const out = new Uint8Array((length + 7) >> 3);
  let row = 0;
  parts.forEach((d, p) => {
    const bits = bitmaps[p];
    for (let i = 0; i < d.length; i++, row++) {
      const bit = d.offset + i;
      if (!bits || bits[bit >> 3]! & (1 << (bit & 7))) out[row >> 3]! |= 1 << (row & 7);
    }
  });
  return out;
}
