import { compressSync } from 'lz4-napi';

/**
 * TableReadOptions.response_compression_codec = LZ4: the serialized rows travel as a raw LZ4 block
 * and uncompressed_byte_size tells the reader how large a buffer to decompress into, or is -1 when
 * compressing would not have made the rows smaller (they are then sent as they are).
 */
export function responseCompressed(message: Buffer): { message: Buffer; uncompressedByteSize: number } {
  // lz4-napi prepends the uncompressed size (4 bytes, little endian); the service sends the raw block.
  const raw = compressSync(message).subarray(4);
  return raw.byteLength < message.byteLength
    ? { message: raw, uncompressedByteSize: message.byteLength }
    : { message, uncompressedByteSize: -1 };
}
