/** A Buffer over the same memory as `bytes` (no copy, unlike Buffer.from(bytes)). */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
