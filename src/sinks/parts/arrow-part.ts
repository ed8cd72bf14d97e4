// An Arrow IPC file from the IPC streams a part's thread is sent: each stream's batches, read in
// place (views of its buffer), into the file writer.
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { arrowIpcEncoder } from '../arrow-ipc.js';

async function* batchesOf(ipcs: AsyncIterable<Uint8Array>): AsyncGenerator<RecordBatch> {
  for await (const ipc of ipcs) yield* RecordBatchReader.from(ipc);
}

export function arrowFileFromIpc() {
  const encode = arrowIpcEncoder('file');
  return (ipcs: AsyncIterable<Uint8Array>) => encode(batchesOf(ipcs));
}
