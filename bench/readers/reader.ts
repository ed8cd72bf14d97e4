import type { RecordBatch } from 'apache-arrow';
import type { Checksum } from '../checksum.js';

export type Compression = 'none' | 'lz4' | 'zstd';

/** The same session options for every reader (the official ArrowTableReader cannot take them: see its file). */
export interface ReaderConfig {
  /** The emulator, `host:port`. */
  readonly endpoint: string;
  /** `project.dataset.table`. */
  readonly table: string;
  readonly workers: number;
  readonly maxStreams: number;
  readonly compression: Compression;
  /** Streaming form: bqread's maxBufferedBytes. */
  readonly budgetBytes: number;
  /** Streaming form: how long the consumer sleeps per batch. */
  readonly consumerDelayMs: number;
}

/** What a reader produced; the child checksums `batches` after the clock stops. */
export interface ReadOutcome {
  readonly streams: number;
  /** CreateReadSession (the emulator encodes the table then), included in wall time, excluded from read time. */
  readonly sessionMs: number;
  /** bqread's stats.firstBatchMs. */
  readonly firstBatchMs?: number;
  /** Collecting readers: every batch, checksummed after timing. */
  readonly batches?: readonly RecordBatch[];
  /** Streaming readers: checksummed batch by batch while reading (nothing is kept). */
  readonly checksum?: Checksum;
  /** The raw drain, which never decodes Arrow: rows from the responses' row_count. */
  readonly rows?: number;
  /** The raw drain: bytes of serialized_record_batch received (the table's Arrow IPC bytes). */
  readonly arrowBytes?: number;
  /** Reader-specific figures (peakBufferedBytes, ...). */
  readonly extra?: Readonly<Record<string, number>>;
}

export type Reader = ((config: ReaderConfig) => Promise<ReadOutcome>) & {
  /** Setup a reader keeps out of its measured read (a warm pool, as a long-lived job has one). */
  readonly prepare?: (config: ReaderConfig) => Promise<void>;
};
