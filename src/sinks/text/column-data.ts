import { LAYOUT_FIELDS, NO_BUFFER, NODE_FIELDS, BUFFER_FIELDS, typedArrayView, type AnyTypedArray, type PackedBatch } from '../../arrow/packed-batch.js';

/**
 * The part of a column's Data the text formatters read: apache-arrow's Data has these members, and
 * so does a column rebuilt in a worker from a PackedBatch, where arrow is not loaded. Addressing
 * follows arrow-js: a sliced Data keeps `offset` for bit-addressed buffers (validity, BOOL values)
 * while its value and value-offset arrays already start at the slice.
 */
export interface ColumnData {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap?: Uint8Array | undefined;
  /** A typed array the formatter of the column's type knows how to read (arrow's Data types these per type). */
  readonly valueOffsets?: unknown;
  readonly values?: unknown;
  readonly children: readonly ColumnData[];
}

export function isValid(data: ColumnData, index: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.byteLength === 0) return true;
  const at = data.offset + index;
  return (data.nullBitmap[at >> 3]! & (1 << (at & 7))) !== 0;
}

/** The batch's root (a struct whose children are the columns) as views over its memory. */
export function columnsOfPacked(packed: PackedBatch): ColumnData {
  const { layout, memory } = packed;
  let node = 0;
  const buffer = (slot: number): AnyTypedArray | undefined => {
    const kind = layout[slot]!;
    return kind === NO_BUFFER ? undefined : typedArrayView(kind, memory, layout[slot + 1]!, layout[slot + 2]!);
  };
  const read = (): ColumnData => {
    const base = node++ * LAYOUT_FIELDS;
    if (base + LAYOUT_FIELDS > layout.length) throw new TypeError('the packed batch ends before its last column');
    const buffers = NODE_FIELDS;
    const children: ColumnData[] = [];
    for (let c = 0; c < layout[base + 3]!; c++) children.push(read());
    return {
      offset: layout[base]!,
      length: layout[base + 1]!,
      nullCount: layout[base + 2]!,
      valueOffsets: buffer(base + buffers),
      values: buffer(base + buffers + BUFFER_FIELDS),
      nullBitmap: buffer(base + buffers + 2 * BUFFER_FIELDS) as Uint8Array | undefined,
      children,
    };
  };
  return read();
}
