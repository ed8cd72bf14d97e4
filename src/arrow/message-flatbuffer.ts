import { CorruptBatchError } from './corrupt-batch.js';

/**
 * The few fields of an encapsulated Arrow IPC message that a record batch needs, read straight
 * from its flatbuffer metadata (format/Message.fbs), every offset checked to lie inside the
 * metadata so a garbled message fails as corrupt instead of reading past it.
 */

const CONTINUATION = 0xffffffff;
const TWO_TO_32 = 4294967296;

/** Message.header_type for a record batch (MessageHeader union). */
export const RECORD_BATCH_HEADER = 3;

/** The fields of Message read (and written, parquet-ipc.ts), by their index in Message.fbs. */
export const MessageField = { version: 0, headerType: 1, header: 2, bodyLength: 3 } as const;
/** The fields read of RecordBatch, by their index in Message.fbs. */
export const RecordBatchField = { length: 0, nodes: 1, buffers: 2, compression: 3 } as const;

/** FieldNode { length: long; null_count: long } and Buffer { offset: long; length: long }: 16 bytes each. */
export const STRUCT_PAIR_BYTES = 16;

export class MessageFlatbuffer {
  private readonly view: DataView;
  /** Where the metadata (the flatbuffer) starts and ends in `view`; the body follows its end. */
  readonly start: number;
  readonly end: number;

  /** Reads the encapsulation prefix: continuation marker (optional, pre-1.0 streams lack it) and metadata length. */
  constructor(message: Uint8Array) {
    if (message.byteLength < 8) throw new CorruptBatchError(`record batch message is only ${message.byteLength} bytes`);
    this.view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    const continued = this.view.getUint32(0, true) === CONTINUATION;
    const prefix = continued ? 8 : 4;
    const metadataLength = this.view.getInt32(continued ? 4 : 0, true);
    if (metadataLength <= 0 || prefix + metadataLength > message.byteLength) {
      throw new CorruptBatchError(`record batch metadata claims ${metadataLength} bytes but the message has ${message.byteLength}`);
    }
    this.start = prefix;
    this.end = prefix + metadataLength;
  }

  private check(at: number, bytes: number): void {
    if (at < this.start || at + bytes > this.end) throw new CorruptBatchError('record batch metadata points outside itself');
  }

  /** The root table (the Message). */
  root(): number {
    this.check(this.start, 4);
    return this.start + this.view.getUint32(this.start, true);
  }

  /** Where field `index` of the table at `table` lies, or 0 when the field is absent (its default). */
  private field(table: number, index: number): number {
    this.check(table, 4);
    const vtable = table - this.view.getInt32(table, true);
    this.check(vtable, 4);
    const slot = 4 + 2 * index;
    if (slot + 2 > this.view.getUint16(vtable, true)) return 0;
    this.check(vtable + slot, 2);
    const offset = this.view.getUint16(vtable + slot, true);
    return offset === 0 ? 0 : table + offset;
  }

  uint8(table: number, index: number): number {
    const at = this.field(table, index);
    if (at === 0) return 0;
    this.check(at, 1);
    return this.view.getUint8(at);
  }

  int64(table: number, index: number): number {
    const at = this.field(table, index);
    if (at === 0) return 0;
    this.check(at, 8);
    return this.int64At(at);
  }

  /** A non-negative int64 stored at `at` (checked by the caller), as a number. */
  int64At(at: number): number {
    const high = this.view.getInt32(at + 4, true);
    if (high < 0) throw new CorruptBatchError('record batch metadata holds a negative length or offset');
    return high * TWO_TO_32 + this.view.getUint32(at, true);
  }

  /** The table field `index` points to, or 0 when absent. */
  table(table: number, index: number): number {
    const at = this.field(table, index);
    if (at === 0) return 0;
    this.check(at, 4);
    return at + this.view.getUint32(at, true);
  }

  /** Vector field `index` of structs `elementBytes` long: where its first element lies and how many there are. */
  vector(table: number, index: number, elementBytes: number): { at: number; length: number } {
    const at = this.table(table, index);
    if (at === 0) return { at: 0, length: 0 };
    this.check(at, 4);
    const length = this.view.getUint32(at, true);
    this.check(at + 4, length * elementBytes);
    return { at: at + 4, length };
  }
}
