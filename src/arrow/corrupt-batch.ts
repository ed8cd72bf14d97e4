/** A serialized_record_batch that cannot be decoded: a broken message from the server. */
export class CorruptBatchError extends Error {
  override name = 'CorruptBatchError';
}
