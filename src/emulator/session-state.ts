import type { CompressionType, Schema } from 'apache-arrow';
import type { StoredTable } from './table-store.js';

/** One response's worth of rows, encoded once when the session is created. */
export interface EncodedUnit {
  readonly rowCount: number;
  /** The Arrow record-batch message exactly as sent in serialized_record_batch. */
  readonly message: Buffer;
  /** With response compression: the uncompressed size, or -1 when compressing did not help. */
  readonly uncompressedByteSize?: number;
}

export interface StreamState {
  readonly id: string;
  readonly name: string;
  readonly session: SessionState;
  /** Half-open range of the session's units this stream serves; `end` shrinks when split. */
  readonly start: number;
  end: number;
  /** One past the last unit any reader has been sent; a split may not cut before it. */
  servedEnd: number;
}

export interface SessionState {
  readonly id: string;
  readonly name: string;
  /** The billing project (the request's parent), which names the session. */
  readonly projectId: string;
  readonly location: string;
  readonly table: StoredTable;
  readonly schema: Schema;
  readonly schemaMessage: Buffer;
  readonly units: readonly EncodedUnit[];
  readonly streams: Map<string, StreamState>;
  /** Streams in creation order: index i is what faults call stream i. */
  readonly streamList: StreamState[];
  readonly bufferCompression: CompressionType | null;
  readonly responseCompression: boolean;
  readonly createdAtMs: number;
  readonly expireAtMs: number;
}

export function streamRowCount(stream: StreamState): number {
  let rows = 0;
  for (let u = stream.start; u < stream.end; u++) rows += stream.session.units[u]!.rowCount;
  return rows;
}
