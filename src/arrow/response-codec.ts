import { createRequire } from 'node:module';

// Loaded on the first compressed response: readers of uncompressed sessions never load it.
const require = createRequire(import.meta.url);
let lz4: typeof import('lz4-napi') | undefined;

/**
 * Undoes TableReadOptions.response_compression_codec = LZ4: the rows arrive as a raw LZ4 block and
 * uncompressed_byte_size gives the decompressed size (-1 or unset: sent uncompressed).
 */
export function decompressResponseRows(rows: Uint8Array, uncompressedByteSize: number | undefined): Uint8Array {
  if (uncompressedByteSize === undefined || uncompressedByteSize <= 0) return rows;
  // lz4-napi expects the size as a 4-byte little-endian prefix before the raw block.
  const sized = Buffer.allocUnsafe(rows.byteLength + 4);
  sized.writeUInt32LE(uncompressedByteSize, 0);
  sized.set(rows, 4);
  lz4 ??= require('lz4-napi') as typeof import('lz4-napi');
  return lz4.uncompressSync(sized);
}
