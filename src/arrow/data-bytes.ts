import type { Data } from 'apache-arrow';

/**
 * The bytes a Data tree's buffers hold (value offsets, values, validity, type ids), its children's
 * included: what a batch of it weighs in memory, as the service's size estimates and statistics
 * count it.
 */
export function dataBytes(data: Data): number {
  let bytes = 0;
  for (const buffer of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as (ArrayBufferView | undefined)[]) bytes += buffer?.byteLength ?? 0;
  for (const child of data.children) bytes += dataBytes(child);
  return bytes;
}
