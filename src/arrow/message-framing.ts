import { CorruptBatchError } from './corrupt-batch.js';
import { MessageField, MessageFlatbuffer } from './message-flatbuffer.js';

/**
 * The framing, checked first so a truncated or garbled message fails loudly instead of decoding
 * garbage: an encapsulated message is its prefix, its metadata (padding included in the length)
 * and the body the metadata's `bodyLength` gives, and nothing more.
 */
export function checkFraming(message: Uint8Array): MessageFlatbuffer {
  const metadata = new MessageFlatbuffer(message);
  const bodyLength = metadata.int64(metadata.root(), MessageField.bodyLength);
  if (metadata.end + bodyLength !== message.byteLength) {
    throw new CorruptBatchError(
      `record batch message has ${message.byteLength} bytes where its framing says ${metadata.start} + ${metadata.end - metadata.start} of metadata + ${bodyLength} of body`,
    );
  }
  return metadata;
}

export function checkRowCount(rows: number, expectedRows: number): void {
  if (rows !== expectedRows) throw new CorruptBatchError(`response said ${expectedRows} rows but its record batch holds ${rows}`);
}
