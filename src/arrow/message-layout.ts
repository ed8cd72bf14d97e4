import { CorruptBatchError } from './corrupt-batch.js';
import { MessageField, RECORD_BATCH_HEADER, RecordBatchField, STRUCT_PAIR_BYTES } from './message-flatbuffer.js';
import { checkFraming, checkRowCount } from './message-framing.js';
import { BUFFER_FIELDS, BufferSlot, LAYOUT_FIELDS, NO_BUFFER, NODE_FIELDS, typedArrayKind, type PackedBatch } from './packed-batch.js';

/**
 * A record batch's transferable layout read straight from its IPC message: the field nodes and
 * buffer regions of the flatbuffer, mapped onto the schema as apache-arrow's VectorLoader and
 * makeData would map them, without building a Data object or a typed array in the worker. The
 * coordinator's unpackBatch builds the same batch from it as from a layout of arrow's decode.
 * The schema comes as a LayoutPlan the coordinator made from its own arrow Schema (layout-plan.ts),
 * so the worker reads batches without loading apache-arrow.
 */

export interface BufferPlan {
  readonly slot: number;
  /** The layout's typed-array code and that array's element size. */
  readonly kind: number;
  readonly bytesPerElement: number;
}

/** One Data node below the root, depth first: its buffers in IPC order and how many children it has. */
export interface NodePlan {
  readonly buffers: readonly BufferPlan[];
  readonly children: number;
}

/** The schema as the layout needs it; plain data, so it travels to a worker in its task. */
export interface LayoutPlan {
  readonly fieldCount: number;
  readonly nodes: readonly NodePlan[];
}

export type TypedArrayClass = { readonly BYTES_PER_ELEMENT: number };

export const bufferPlan = (slot: number, ctor: TypedArrayClass): BufferPlan =>
  ({ slot, kind: typedArrayKind(ctor), bytesPerElement: ctor.BYTES_PER_ELEMENT });
/** The validity bitmap, which the root node has too. */
export const VALIDITY = bufferPlan(BufferSlot.validity, Uint8Array);

function setBuffer(layout: Float64Array, slot: number, kind: number, byteOffset: number, length: number): void {
  layout[slot] = kind;
  layout[slot + 1] = byteOffset;
  layout[slot + 2] = length;
}

export class MessageLayout {
  private readonly fieldCount: number;
  private readonly nodes: readonly NodePlan[];
  private readonly bufferCount: number;

  constructor(plan: LayoutPlan) {
    this.fieldCount = plan.fieldCount;
    this.nodes = plan.nodes;
    this.bufferCount = plan.nodes.reduce((n, node) => n + node.buffers.length, 0);
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
