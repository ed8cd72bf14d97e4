// The contract between writeParts (the calling thread) and a part's thread (part-thread.ts).
import type { ParquetOptions } from '../parquet-options.js';

/** What a part's thread starts with (its workerData). */
export interface PartTask {
  /** The part's final path; it is written under a temporary name and renamed there when complete. */
  readonly path: string;
  /** The schema as an Arrow IPC stream of no rows, so an empty part still carries it. */
  readonly schema: Uint8Array;
  readonly parquet: ParquetOptions;
}

export type ToPart =
  /** One record batch as an Arrow IPC stream; its buffer is transferred. */
  | { readonly type: 'batch'; readonly ipc: Uint8Array }
  /** No more batches: finish the file and put it in place. */
  | { readonly type: 'end' }
  /** The write failed elsewhere: remove what was written. */
  | { readonly type: 'abort' };

export type FromPart =
  /** A batch was handed to the writer; another may be sent. */
  | { readonly type: 'taken' }
  | { readonly type: 'written'; readonly rows: number; readonly bytes: number }
  | { readonly type: 'failed'; readonly name: string; readonly message: string };
