import type { CompressionType, Schema } from 'apache-arrow';
import type { StoredTable } from './table-store.js';

/** One response's worth of rows. */
export interface EncodedUnit {
  readonly rowCount: number;
  /** The Arrow record-batch message exactly as sent in serialized_record_batch. */
  readonly message: Buffer;
  /** With response compression: the uncompressed size, or -1 when compressing did not help. */
  readonly uncompressedByteSize?: number;
}

/** A session's rows as the Arrow messages ReadRows sends, one unit per response, each made on first use. */
export interface SessionEncoding {
  /** Unit `k`, encoded now if no reader has needed it before. */
  unit(k: number): EncodedUnit;
  /** Unit `k`'s row count, when it is known without encoding the unit (no filter or sample drops rows from it). */
  knownRows(k: number): number | undefined;
}

export interface StreamState {
  readonly id: string;
  readonly name: string;
  readonly session: SessionState;
  /** Half-open range of the session's units this stream serves; a split leaves it as it is. */
  readonly start: number;
  readonly end: number;
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
  /** How many units the session's rows are cut into (some may be empty after filtering). */
  readonly unitCount: number;
  /**
   * Units in one storage block (fractional: blocks are whole rows, units a response's worth): the
   * finest a split can cut, since it falls on a block boundary.
   */
  readonly unitsPerBlock: number;
  /**
   * The session's units, each encoded when first read rather than at creation: a session never
   * read costs no encoding, and creating one never blocks the server. Cached (see EncodingCache),
   * and made again, byte for byte, if the cache let it go.
   */
  encoding(): SessionEncoding;
  readonly streams: Map<string, StreamState>;
  /** Streams in creation order: index i is what faults call stream i. */
  readonly streamList: StreamState[];
  readonly bufferCompression: CompressionType | null;
  readonly responseCompression: boolean;
  readonly createdAtMs: number;
  readonly expireAtMs: number;
}

/** Lets other calls run between two units of a long encoding. */
const yieldToOtherCalls = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A stream's rows: from the plan, or, where a filter or sample decides them, by encoding its units,
 * letting other calls run after each, so a large filtered stream never holds up the server.
 */
export async function streamRowCount(stream: StreamState, encoding: SessionEncoding): Promise<number> {
  let rows = 0;
  for (let u = stream.start; u < stream.end; u++) {
    const known = encoding.knownRows(u);
    if (known !== undefined) rows += known;
    else {
      rows += encoding.unit(u).rowCount;
      await yieldToOtherCalls();
    }
  }
  return rows;
}
