import { RecordBatchReader, type Schema } from 'apache-arrow';

/** The Arrow schema of a serialized schema message (a ReadSession's `arrow_schema`). */
export function decodeSchema(message: Uint8Array): Schema {
  const reader = RecordBatchReader.from(message);
  reader.open();
  return reader.schema;
}
