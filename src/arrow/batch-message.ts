import { RecordBatchReader, type RecordBatch } from 'apache-arrow';

/** A serialized_record_batch that cannot be decoded: a broken message from the server. */
export class CorruptBatchError extends Error {
  override name = 'CorruptBatchError';
}

const CONTINUATION = 0xffffffff;

/**
 * Decodes one encapsulated record-batch message against the session's schema message, checking
 * the framing first so a truncated or garbled message fails loudly instead of decoding garbage.
 */
export function decodeRecordBatch(schemaMessage: Uint8Array, message: Uint8Array, expectedRows: number): RecordBatch {
  if (message.byteLength < 8) throw new CorruptBatchError(`record batch message is only ${message.byteLength} bytes`);
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const metadataLength = view.getUint32(0, true) === CONTINUATION ? view.getInt32(4, true) : view.getInt32(0, true);
  if (metadataLength <= 0 || metadataLength + 8 > message.byteLength) {
    throw new CorruptBatchError(`record batch metadata claims ${metadataLength} bytes but the message has ${message.byteLength}`);
  }
  let batches: RecordBatch[];
  try {
    batches = RecordBatchReader.from([schemaMessage, message]).readAll();
  } catch (err) {
    throw new CorruptBatchError(`record batch message could not be decoded: ${(err as Error).message}`);
  }
  if (batches.length !== 1) throw new CorruptBatchError(`expected one record batch in the message, decoded ${batches.length}`);
  const batch = batches[0]!;
  if (batch.numRows !== expectedRows) {
    throw new CorruptBatchError(`response said ${expectedRows} rows but its record batch holds ${batch.numRows}`);
  }
  return batch;
}
