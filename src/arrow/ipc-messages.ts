import {
  RecordBatchStreamWriter,
  type CompressionType,
  type RecordBatch,
  type Schema,
} from 'apache-arrow';

/**
 * The Read API carries Arrow IPC *encapsulated messages*: ArrowSchema.serialized_schema is one
 * schema message and each ArrowRecordBatch.serialized_record_batch is one record-batch message
 * (continuation marker, length, flatbuffer metadata, body), without the stream's end marker.
 */

const END_OF_STREAM_BYTES = 8;

function writeStream(schema: Schema, batches: RecordBatch[], compressionType?: CompressionType | null): Uint8Array {
  const writer = new RecordBatchStreamWriter({ compressionType: compressionType ?? null });
  writer.reset(undefined, schema);
  for (const batch of batches) writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

export function encodeSchemaMessage(schema: Schema): Uint8Array {
  const stream = writeStream(schema, []);
  return stream.subarray(0, stream.byteLength - END_OF_STREAM_BYTES);
}

export function encodeBatchMessage(
  batch: RecordBatch,
  schemaMessageLength: number,
  compressionType?: CompressionType | null,
): Uint8Array {
  const stream = writeStream(batch.schema, [batch], compressionType);
  return stream.subarray(schemaMessageLength, stream.byteLength - END_OF_STREAM_BYTES);
}
