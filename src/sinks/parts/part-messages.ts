// The contract between writeParts (the calling thread) and a part's thread (part-thread.ts).
import type { ParquetOptions } from '../parquet-options.js';

/** What a part file is: Parquet, or an Arrow IPC file. */
export type PartFormat = 'parquet' | 'arrow';

/** What a part's thread starts with (its workerData). */
export interface PartTask {
  /** The part's final path; it is written under a temporary name and renamed there when complete. */
  readonly path: string;
  readonly format: PartFormat;
  readonly parquet: ParquetOptions;
  /** Report the file's size (`wrote`) once it has grown by this much since the last report. */
  readonly reportBytes: number;
}

export type ToPart =
  /**
   * One batch as IPC streams (for Parquet, as its writer takes it: parquetIpcSlices, streams of a
   * few thousand rows each in Parquet's types); their buffers are transferred.
   */
  | { readonly type: 'batch'; readonly ipcs: readonly Uint8Array[] }
  /** No more batches: finish the file and put it in place. */
  | { readonly type: 'end' }
  /** The write failed elsewhere: remove what was written. */
  | { readonly type: 'abort' };

export type FromPart =
  /**
   * A batch was handed to the writer (copied into its WebAssembly memory); another may be sent. Its
   * buffers come back with it: they were allocated on the sending thread, whose memory holds them
   * until they are garbage there, however long this thread would take to collect them. An Arrow
   * part's come back empty: its file's bytes are views of them until written.
   */
  | { readonly type: 'taken'; readonly buffers: readonly ArrayBuffer[] }
  /** The file's size so far, after each piece the writer gives out (a row group, the footer). */
  | { readonly type: 'wrote'; readonly bytes: number }
  /** The file is in place; its rows are those it was sent. */
  | { readonly type: 'written'; readonly bytes: number; readonly sha256: string; readonly peak: PartThreadMemory }
  | { readonly type: 'failed'; readonly name: string; readonly message: string };

/**
 * What a part's thread held at its highest: its V8 heap, sampled as it takes each batch, and the
 * Parquet writer's WebAssembly memory (0 for an Arrow part), which only ever grows. (Its
 * ArrayBuffers are left out: sampled, they count batches already dead until a collection runs.)
 */
export interface PartThreadMemory {
  readonly heapBytes: number;
  readonly wasmBytes: number;
}
