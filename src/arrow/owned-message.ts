/**
 * grpc-js hands each response over in a buffer of its own: it joins the length-prefixed frame's
 * parts with Buffer.concat (a fresh allocation, unpooled above 4 KiB) and passes the message on as
 * a view that skips the 5-byte frame header. A view that starts within that header and ends where
 * its ArrayBuffer ends is the only thing that can see that memory.
 */
const GRPC_FRAME_HEADER_BYTES = 5;

function ownsItsMemory(response: Uint8Array): boolean {
  const memory = response.buffer;
  // Pooled Buffers (under 4 KiB) lie inside an 8 KiB pool shared with other Buffers; a view
  // starting at most 5 bytes in that ends at the pool's end would be over 8 KiB long, so cannot be one.
  return memory instanceof ArrayBuffer
    && response.byteOffset <= GRPC_FRAME_HEADER_BYTES
    && response.byteOffset + response.byteLength === memory.byteLength;
}

/**
 * The record batch message as memory this worker may give away, starting 8-aligned so Arrow
 * decodes every body buffer in place (an IPC body is laid out 8-aligned from the message start).
 *
 * When the message lies inside `response`, and `response` alone sees its memory, the message is
 * moved to the start of that memory: a memmove through bytes the CPU has just written, no new
 * allocation, and the receive buffer becomes the transferred one instead of garbage. Otherwise
 * (a decompressed message, a pooled small response) it is copied into fresh memory.
 */
export function ownedAlignedMessage(message: Uint8Array, response: Uint8Array): Uint8Array {
  if (message.buffer === response.buffer && ownsItsMemory(response)) {
    const memory = response.buffer as ArrayBuffer;
    new Uint8Array(memory).copyWithin(0, message.byteOffset, message.byteOffset + message.byteLength);
    return new Uint8Array(memory, 0, message.byteLength);
  }
  // Unpooled and not zero-filled: every byte is overwritten, and the memory is given away.
  const owned = Buffer.allocUnsafeSlow(message.byteLength);
  owned.set(message);
  return owned;
}
