import { RecordBatchFileWriter, RecordBatchStreamWriter } from 'apache-arrow';
import type { Duplex } from 'node:stream';

/**
 * Arrow IPC: the file format (`.arrow`, random access, footer at the end) or the stream format
 * (`.arrows`, readable as it arrives, fit for pipes). arrow's Node duplex honours backpressure.
 */
export function arrowIpcEncoder(kind: 'file' | 'stream'): Duplex {
  return kind === 'file' ? RecordBatchFileWriter.throughNode() : RecordBatchStreamWriter.throughNode();
}
