import { RecordBatchFileWriter, RecordBatchStreamWriter, type RecordBatch, type RecordBatchWriter } from 'apache-arrow';

// arrow's writers queue every byte they produce in an unbounded queue (and its Node duplex accepts
// batches without waiting for that queue to drain), so a slow output would let a whole table pile
// up. These subclasses hand each write's bytes out instead, for the sink to pass on with backpressure.

function bytesOf(chunk: ArrayBufferView | ArrayBufferLike): Uint8Array {
  return ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : new Uint8Array(chunk);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires a mixin's base constructor to take any[]
type WriterClass = new (...args: any[]) => RecordBatchWriter;

/** The writer class, its bytes handed out by take() instead of queued. */
function handingOutBytes<Base extends WriterClass>(Writer: Base) {
  return class extends Writer {
    private taken: Uint8Array[] = [];
    protected override _write(chunk: ArrayBufferView): this {
      if (this._started && chunk.byteLength > 0) {
        this.taken.push(bytesOf(chunk));
        this._position += chunk.byteLength;
      }
      return this;
    }
    take(): Uint8Array[] {
      return this.taken.splice(0);
    }
  };
}

const FileChunks = handingOutBytes(RecordBatchFileWriter);
const StreamChunks = handingOutBytes(RecordBatchStreamWriter);

/**
 * Arrow IPC: the file format (`.arrow`, random access, footer at the end) or the stream format
 * (`.arrows`, readable as it arrives, fit for pipes); a batch's bytes are views of its buffers.
 */
export function arrowIpcEncoder(kind: 'file' | 'stream') {
  return async function* encode(batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
    const writer = kind === 'file' ? new FileChunks() : new StreamChunks();
    for await (const batch of batches) {
      writer.write(batch);
      yield* writer.take();
    }
    writer.finish();
    yield* writer.take();
  };
}
