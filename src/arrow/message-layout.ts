import { MessageReader, Type, type DataType, type Schema } from 'apache-arrow';
import { checkFraming, checkRowCount } from './batch-message.js';
import { CorruptBatchError } from './corrupt-batch.js';
import { MessageField, RECORD_BATCH_HEADER, RecordBatchField, STRUCT_PAIR_BYTES } from './message-flatbuffer.js';
import { BUFFER_FIELDS, BufferSlot, LAYOUT_FIELDS, NO_BUFFER, NODE_FIELDS, typedArrayKind, type PackedBatch } from './transfer.js';

/**
 * A record batch's transferable layout read straight from its IPC message: the field nodes and
 * buffer regions of the flatbuffer, mapped onto the schema as apache-arrow's VectorLoader and
 * makeData would map them, without building a Data object or a typed array in the worker. The
 * coordinator's unpackBatch builds the same batch from it as from a layout of arrow's decode.
 */

interface BufferPlan {
  readonly slot: number;
  /** The layout's typed-array code and that array's element size. */
  readonly kind: number;
  readonly bytesPerElement: number;
}

/** One Data node below the root, depth first: its buffers in IPC order and how many children it has. */
interface NodePlan {
  readonly buffers: readonly BufferPlan[];
  readonly children: number;
}

type TypedArrayClass = { readonly BYTES_PER_ELEMENT: number };

const buffer = (slot: number, ctor: TypedArrayClass): BufferPlan => ({ slot, kind: typedArrayKind(ctor as unknown as Function), bytesPerElement: ctor.BYTES_PER_ELEMENT });
const VALIDITY = buffer(BufferSlot.validity, Uint8Array);
const INT32_OFFSETS = buffer(BufferSlot.offsets, Int32Array);
const INT64_OFFSETS = buffer(BufferSlot.offsets, BigInt64Array);
const BYTES = buffer(BufferSlot.values, Uint8Array);

/** The buffers of a node of `type` in IPC order (Columnar.md, "Buffer Layout"), or undefined for a type read the general way. */
function bufferPlanOf(type: DataType): BufferPlan[] | undefined {
  switch (type.typeId) {
    case Type.Bool: case Type.Int: case Type.Float: case Type.Decimal: case Type.Date: case Type.Time:
    case Type.Timestamp: case Type.Interval: case Type.Duration: case Type.FixedSizeBinary:
      return [VALIDITY, buffer(BufferSlot.values, type.ArrayType as TypedArrayClass)];
    case Type.Utf8: case Type.Binary:
      return [VALIDITY, INT32_OFFSETS, BYTES];
    case Type.LargeUtf8: case Type.LargeBinary:
      return [VALIDITY, INT64_OFFSETS, BYTES];
    case Type.List: case Type.Map:
      return [VALIDITY, INT32_OFFSETS];
    case Type.LargeList:
      return [VALIDITY, INT64_OFFSETS];
    case Type.Struct: case Type.FixedSizeList:
      return [VALIDITY];
    default:
      // Null, unions, dictionaries and views: never in a Read API session; arrow decodes them.
      return undefined;
  }
}

function plan(type: DataType, nodes: NodePlan[]): boolean {
  const buffers = bufferPlanOf(type);
  if (!buffers) return false;
  const children = type.children ?? [];
  nodes.push({ buffers, children: children.length });
  return children.every((child) => plan(child.type, nodes));
}

function setBuffer(layout: Float64Array, slot: number, kind: number, byteOffset: number, length: number): void {
  layout[slot] = kind;
  layout[slot + 1] = byteOffset;
  layout[slot + 2] = length;
}

export class MessageLayout {
  private readonly bufferCount: number;

  private constructor(
    private readonly fieldCount: number,
    private readonly nodes: readonly NodePlan[],
  ) {
    this.bufferCount = nodes.reduce((n, node) => n + node.buffers.length, 0);
  }

  /** The layout reader for `schema`, or undefined when a type in it is one arrow must decode. */
  static of(schema: Schema): MessageLayout | undefined {
    const nodes: NodePlan[] = [];
    return schema.fields.every((field) => plan(field.type, nodes)) ? new MessageLayout(schema.fields.length, nodes) : undefined;
  }

  /** The layout reader for the session's schema message (see `of`). */
  static forSchemaMessage(schemaMessage: Uint8Array): MessageLayout | undefined {
    let schema: Schema | null | undefined;
    try {
      schema = new MessageReader(schemaMessage).readSchema();
    } catch (err) {
      throw new CorruptBatchError(`the session's schema could not be decoded: ${(err as Error).message}`);
    }
    if (!schema) throw new CorruptBatchError('the session\'s schema message holds no schema');
    return MessageLayout.of(schema);
  }

  /**
   * The batch in `message` (memory the caller gives away) as a transferable layout; undefined when
   * arrow must decode it: compressed buffers, or a buffer not aligned for its typed array (arrow
   * copies those). Throws CorruptBatchError for a message that does not frame or fit the schema.
   */
  pack(message: Uint8Array, expectedRows: number): PackedBatch | undefined {
    const metadata = checkFraming(message);
    const root = metadata.root();
    const headerType = metadata.uint8(root, MessageField.headerType);
    if (headerType !== RECORD_BATCH_HEADER) throw new CorruptBatchError(`expected a record batch message, got message header type ${headerType}`);
    const batch = metadata.table(root, MessageField.header);
    if (batch === 0) throw new CorruptBatchError('record batch message has no header');
    if (metadata.table(batch, RecordBatchField.compression) !== 0) return undefined;
    const rows = metadata.int64(batch, RecordBatchField.length);
    checkRowCount(rows, expectedRows);
    const nodes = metadata.vector(batch, RecordBatchField.nodes, STRUCT_PAIR_BYTES);
    const buffers = metadata.vector(batch, RecordBatchField.buffers, STRUCT_PAIR_BYTES);
    if (nodes.length !== this.nodes.length || buffers.length !== this.bufferCount) {
      throw new CorruptBatchError(
        `record batch has ${nodes.length} field nodes and ${buffers.length} buffers where the schema has ${this.nodes.length} and ${this.bufferCount}`,
      );
    }
    const bodyStart = message.byteOffset + metadata.end;
    const bodyLength = message.byteLength - metadata.end;
    const layout = new Float64Array((1 + this.nodes.length) * LAYOUT_FIELDS);
    for (let node = 0; node < layout.length; node += LAYOUT_FIELDS) {
      for (let slot = node + NODE_FIELDS; slot < node + LAYOUT_FIELDS; slot += BUFFER_FIELDS) layout[slot] = NO_BUFFER;
    }
    // The root: a struct of the schema's fields, as long as the batch, with an empty validity
    // bitmap as arrow's reader gives it.
    layout.set([0, rows, 0, this.fieldCount]);
    setBuffer(layout, NODE_FIELDS + BufferSlot.validity * BUFFER_FIELDS, VALIDITY.kind, 0, 0);
    let region = buffers.at;
    for (let n = 0; n < this.nodes.length; n++) {
      const node = this.nodes[n]!;
      const at = (n + 1) * LAYOUT_FIELDS;
      const fieldNode = nodes.at + n * STRUCT_PAIR_BYTES;
      const nullCount = metadata.int64At(fieldNode + 8);
      layout[at] = 0;
      layout[at + 1] = metadata.int64At(fieldNode);
      layout[at + 2] = nullCount;
      layout[at + 3] = node.children;
      for (const part of node.buffers) {
        const offset = metadata.int64At(region);
        const length = metadata.int64At(region + 8);
        region += STRUCT_PAIR_BYTES;
        if (offset + length > bodyLength) {
          throw new CorruptBatchError(`record batch buffer [${offset}, ${offset + length}) lies outside its ${bodyLength}-byte body`);
        }
        const slot = at + NODE_FIELDS + part.slot * BUFFER_FIELDS;
        // Every buffer of the type is there, as in arrow's decode: a buffer with no bytes (all
        // strings empty, every list empty) and a validity bitmap with nothing null are empty
        // arrays, never missing ones, which arrow's getters and writers would trip on.
        if ((part.slot === BufferSlot.validity && nullCount === 0) || length === 0) {
          setBuffer(layout, slot, part.kind, 0, 0);
          continue;
        }
        const byteOffset = bodyStart + offset;
        if (byteOffset % part.bytesPerElement !== 0) return undefined;
        setBuffer(layout, slot, part.kind, byteOffset, Math.floor(length / part.bytesPerElement));
      }
    }
    return { numRows: rows, layout, memory: message.buffer as ArrayBuffer };
  }
}
