import { RecordBatchReader, type RecordBatch } from 'apache-arrow';

/** A serialized_record_batch that cannot be decoded: a broken message from the server. */
export class CorruptBatchError extends Error {
  override name = 'CorruptBatchError';
}

const CONTINUATION = 0xffffffff;
const EMPTY = new Uint8Array(0);
const MAX_EMPTY_ANSWERS = 4;

/**
 * Decodes one encapsulated record-batch message against the session's schema message, checking
 * the framing first so a truncated or garbled message fails loudly instead of decoding garbage.
 */
export function decodeRecordBatch(schemaMessage: Uint8Array, message: Uint8Array, expectedRows: number): RecordBatch {
  checkFraming(message);
  let batches: RecordBatch[];
  try {
    batches = RecordBatchReader.from([schemaMessage, message]).readAll();
  } catch (err) {
    throw couldNotDecode(err);
  }
  if (batches.length !== 1) throw new CorruptBatchError(`expected one record batch in the message, decoded ${batches.length}`);
  return checkRows(batches[0]!, expectedRows);
}

/**
 * Decodes the record-batch messages of one stream with one Arrow reader, which parses the schema
 * once instead of once per message (a fifth of a worker's decoding time on the demo table). The
 * reader pulls each message from `decode` as it needs it, so a message is decoded as it arrives;
 * the framing check makes sure it takes exactly that message, and nothing of the next.
 */
export class StreamBatchDecoder {
  private pending: Uint8Array | undefined;
  private readonly reader: RecordBatchReader;

  constructor(schemaMessage: Uint8Array) {
    let schemaRead = false;
    let emptyAnswers = 0;
    const messages: Iterator<Uint8Array, undefined> = {
      next: () => {
        if (!schemaRead) {
          schemaRead = true;
          return { done: false, value: schemaMessage };
        }
        const value = this.pending;
        this.pending = undefined;
        if (value) {
          emptyAnswers = 0;
          return { done: false, value };
        }
        // Arrow's byte stream asks for one more chunk after a read that takes exactly the bytes it
        // holds (the end of every message), and goes on once it gets an empty one; the end of the
        // stream would end the reader. Asked again and again, the message is short of bytes: the
        // end then fails the decode.
        return ++emptyAnswers <= MAX_EMPTY_ANSWERS ? { done: false, value: EMPTY } : { done: true, value: undefined };
      },
    };
    this.reader = RecordBatchReader.from({ [Symbol.iterator]: () => messages });
  }

  decode(message: Uint8Array, expectedRows: number): RecordBatch {
    checkFraming(message);
    this.pending = message;
    let next: IteratorResult<RecordBatch>;
    try {
      // Built over a synchronous iterable, the reader is a synchronous one.
      next = this.reader.next() as IteratorResult<RecordBatch>;
    } catch (err) {
      throw couldNotDecode(err);
    }
    if (next.done) throw new CorruptBatchError('the record batch message ended before its batch did');
    return checkRows(next.value, expectedRows);
  }
}

/**
 * The framing, checked first so a truncated or garbled message fails loudly instead of decoding
 * garbage: an encapsulated message is its prefix, its metadata (padding included in the length)
 * and the body the metadata's `bodyLength` gives, and nothing more.
 */
function checkFraming(message: Uint8Array): void {
  if (message.byteLength < 8) throw new CorruptBatchError(`record batch message is only ${message.byteLength} bytes`);
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const continued = view.getUint32(0, true) === CONTINUATION;
  const prefix = continued ? 8 : 4;
  const metadataLength = view.getInt32(continued ? 4 : 0, true);
  if (metadataLength <= 0 || prefix + metadataLength > message.byteLength) {
    throw new CorruptBatchError(`record batch metadata claims ${metadataLength} bytes but the message has ${message.byteLength}`);
  }
  const bodyLength = messageBodyLength(view, prefix, metadataLength);
  if (prefix + metadataLength + bodyLength !== message.byteLength) {
    throw new CorruptBatchError(
      `record batch message has ${message.byteLength} bytes where its framing says ${prefix} + ${metadataLength} of metadata + ${bodyLength} of body`,
    );
  }
}

/** Message.bodyLength (field 3, an int64) read straight from the flatbuffer: no need to decode the rest twice. */
function messageBodyLength(view: DataView, start: number, length: number): number {
  const end = start + length;
  const inside = (at: number, bytes: number) => at >= start && at + bytes <= end;
  if (!inside(start, 4)) return -1;
  const table = start + view.getUint32(start, true);
  if (!inside(table, 4)) return -1;
  const vtable = table - view.getInt32(table, true);
  if (!inside(vtable, 4)) return -1;
  const BODY_LENGTH_SLOT = 4 + 2 * 3;
  if (BODY_LENGTH_SLOT + 2 > view.getUint16(vtable, true)) return 0;
  const field = view.getUint16(vtable + BODY_LENGTH_SLOT, true);
  if (field === 0) return 0;
  if (!inside(table + field, 8)) return -1;
  return Number(view.getBigInt64(table + field, true));
}

function couldNotDecode(err: unknown): CorruptBatchError {
  return new CorruptBatchError(`record batch message could not be decoded: ${(err as Error).message}`);
}

function checkRows(batch: RecordBatch, expectedRows: number): RecordBatch {
  if (batch.numRows !== expectedRows) {
    throw new CorruptBatchError(`response said ${expectedRows} rows but its record batch holds ${batch.numRows}`);
  }
  return batch;
}
