// What the Parquet writer (parquet-from-ipc.ts) is fed, made where a read's batches arrive: each
// record batch message the Read API sent, behind the schema Parquet can hold (parquet-types.ts), as
// an IPC stream of its own. The body is the service's bytes as they came, not a batch decoded and
// encoded again (which cost the calling thread about half the CPU the read itself took); only
// INTERVAL values, which Parquet cannot hold, are rewritten as their text. No apache-arrow, so a
// worker thread makes it from the message it has just read.
import { Builder } from 'flatbuffers';
import { CorruptBatchError } from '../arrow/corrupt-batch.js';
import { checkFraming } from '../arrow/message-framing.js';
import { MessageField, RECORD_BATCH_HEADER, RecordBatchField, STRUCT_PAIR_BYTES } from '../arrow/message-flatbuffer.js';
import { intervalTextColumn } from './interval-text-column.js';

/** An INTERVAL field node (depth first among the schema's nodes, as in the layout plan) and its Arrow IntervalUnit. */
export interface IntervalNode {
  readonly node: number;
  readonly unit: number;
}

/** How a session's batches become the Parquet writer's input; plain data, so it travels in a stream task. */
export interface ParquetIpcPlan {
  readonly format: 'parquet';
  /** The schema the Parquet writer is given (parquet-types.ts's), as an IPC schema message. */
  readonly schemaMessage: Uint8Array;
  /** The buffers of each field node of the session's schema, depth first (Columnar.md's buffer layout). */
  readonly buffersPerNode: readonly number[];
  readonly intervals: readonly IntervalNode[];
}

const CONTINUATION = 0xffffffff;
const PREFIX_BYTES = 8;
const END_OF_STREAM_BYTES = 8;
/** MetadataVersion.V5, the version of every message since Arrow 1.0. */
const METADATA_VERSION_V5 = 4;
/** Fields of Message and of RecordBatch (Message.fbs), the vtable's size. */
const TABLE_FIELDS = 5;

const padded = (bytes: number) => (bytes + 7) & ~7;

/** A message body's buffers and where each starts: 8-aligned, one after another, zeros between. */
interface Body {
  readonly buffers: readonly Uint8Array[];
  readonly offsets: readonly number[];
  readonly length: number;
}

function bodyOf(buffers: readonly Uint8Array[]): Body {
  const offsets: number[] = [];
  let length = 0;
  for (const buffer of buffers) {
    offsets.push(length);
    length += padded(buffer.byteLength);
  }
  return { buffers, offsets, length };
}

const NO_BODY = bodyOf([]);

/**
 * A function that turns one record batch message of the session (checked against its framing by
 * the caller's layout) into an IPC stream the Parquet writer takes: schema, batch, end of stream,
 * in memory of its own (transferable).
 */
export function parquetIpcOf(plan: ParquetIpcPlan): (message: Uint8Array) => Uint8Array {
  const units = new Map(plan.intervals.map(({ node, unit }) => [node, unit]));
  return (message) => {
    if (units.size === 0) return stream(plan.schemaMessage, message);
    const { metadata, body } = withIntervalText(message, plan.buffersPerNode, units);
    return stream(plan.schemaMessage, metadata, body);
  };
}

/** `schema`, `head` (a whole message, or a message's metadata), `body` where it places its buffers, the end of stream. */
function stream(schema: Uint8Array, head: Uint8Array, body: Body = NO_BODY): Uint8Array {
  const start = schema.byteLength + head.byteLength;
  const end = start + body.length;
  // Unpooled and not zero-filled: every byte is written below, the padding with zeros.
  const out = Buffer.allocUnsafeSlow(end + END_OF_STREAM_BYTES);
  out.set(schema, 0);
  out.set(head, schema.byteLength);
  body.buffers.forEach((buffer, k) => {
    const at = start + body.offsets[k]!;
    out.set(buffer, at);
    out.fill(0, at + buffer.byteLength, start + (body.offsets[k + 1] ?? body.length));
  });
  out.writeUInt32LE(CONTINUATION, end);
  out.writeUInt32LE(0, end + 4);
  return out;
}

/** The message with each INTERVAL node's [validity, values] replaced by a Utf8 node's [validity, offsets, text]. */
function withIntervalText(message: Uint8Array, buffersPerNode: readonly number[], units: ReadonlyMap<number, number>): { metadata: Uint8Array; body: Body } {
  const metadata = checkFraming(message);
  const batch = metadata.table(metadata.root(), MessageField.header);
  if (batch === 0) throw new CorruptBatchError('record batch message has no header');
  const rows = metadata.int64(batch, RecordBatchField.length);
  const nodes = metadata.vector(batch, RecordBatchField.nodes, STRUCT_PAIR_BYTES);
  const buffers = metadata.vector(batch, RecordBatchField.buffers, STRUCT_PAIR_BYTES);
  const expectedBuffers = buffersPerNode.reduce((n, count) => n + count, 0);
  if (nodes.length !== buffersPerNode.length || buffers.length !== expectedBuffers) {
    throw new CorruptBatchError(`record batch has ${nodes.length} field nodes and ${buffers.length} buffers where the schema has ${buffersPerNode.length} and ${expectedBuffers}`);
  }
  const received = message.subarray(metadata.end);
  let region = buffers.at;
  const nextBuffer = (): Uint8Array => {
    const offset = metadata.int64At(region);
    const length = metadata.int64At(region + 8);
    region += STRUCT_PAIR_BYTES;
    if (offset + length > received.byteLength) throw new CorruptBatchError(`record batch buffer [${offset}, ${offset + length}) lies outside its ${received.byteLength}-byte body`);
    return received.subarray(offset, offset + length);
  };
  const fieldNodes: { length: number; nullCount: number }[] = [];
  const bodyBuffers: Uint8Array[] = [];
  for (let n = 0; n < nodes.length; n++) {
    const length = metadata.int64At(nodes.at + n * STRUCT_PAIR_BYTES);
    const nullCount = metadata.int64At(nodes.at + n * STRUCT_PAIR_BYTES + 8);
    fieldNodes.push({ length, nullCount });
    const unit = units.get(n);
    if (unit === undefined) {
      for (let k = 0; k < buffersPerNode[n]!; k++) bodyBuffers.push(nextBuffer());
      continue;
    }
    const validity = nextBuffer();
    const values = nextBuffer();
    const text = intervalTextColumn({ offset: 0, length, nullCount, nullBitmap: validity, values: int32s(values), children: [] }, unit);
    bodyBuffers.push(validity, new Uint8Array(text.offsets.buffer, text.offsets.byteOffset, text.offsets.byteLength), text.text);
  }
  const body = bodyOf(bodyBuffers);
  return { metadata: metadataOf(rows, fieldNodes, body), body };
}

/** Int32 words over `bytes`, copied first where they do not start 4-aligned. */
function int32s(bytes: Uint8Array): Int32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
}

/** The encapsulated message's prefix and flatbuffer metadata (Message.fbs), padded to 8 bytes. */
function metadataOf(rows: number, nodes: readonly { length: number; nullCount: number }[], { buffers, offsets, length }: Body): Uint8Array {
  const builder = new Builder(256 + STRUCT_PAIR_BYTES * (nodes.length + buffers.length));
  // Vectors of structs are written last element first, and a struct's fields last field first.
  builder.startVector(STRUCT_PAIR_BYTES, buffers.length, 8);
  for (let k = buffers.length - 1; k >= 0; k--) {
    builder.prep(8, STRUCT_PAIR_BYTES);
    builder.writeInt64(BigInt(buffers[k]!.byteLength));
    builder.writeInt64(BigInt(offsets[k]!));
  }
  const bufferVector = builder.endVector();
  builder.startVector(STRUCT_PAIR_BYTES, nodes.length, 8);
  for (let n = nodes.length - 1; n >= 0; n--) {
    builder.prep(8, STRUCT_PAIR_BYTES);
    builder.writeInt64(BigInt(nodes[n]!.nullCount));
    builder.writeInt64(BigInt(nodes[n]!.length));
  }
  const nodeVector = builder.endVector();
  builder.startObject(TABLE_FIELDS);
  builder.addFieldInt64(RecordBatchField.length, BigInt(rows), 0n);
  builder.addFieldOffset(RecordBatchField.nodes, nodeVector, 0);
  builder.addFieldOffset(RecordBatchField.buffers, bufferVector, 0);
  const recordBatch = builder.endObject();
  builder.startObject(TABLE_FIELDS);
  builder.addFieldInt16(MessageField.version, METADATA_VERSION_V5, 0);
  builder.addFieldInt8(MessageField.headerType, RECORD_BATCH_HEADER, 0);
  builder.addFieldOffset(MessageField.header, recordBatch, 0);
  builder.addFieldInt64(MessageField.bodyLength, BigInt(length), 0n);
  builder.finish(builder.endObject());
  const flatbuffer = builder.asUint8Array();
  const metadata = new Uint8Array(PREFIX_BYTES + padded(flatbuffer.byteLength));
  const view = new DataView(metadata.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, metadata.byteLength - PREFIX_BYTES, true);
  metadata.set(flatbuffer, PREFIX_BYTES);
  return metadata;
}
