export interface StreamStats {
  /** The stream read: the session's, a split's remainder, or the primary a run moved to. */
  stream: string;
  rows: number;
  /** Arrow bytes decoded from this stream. */
  bytes: number;
  batches: number;
  ms: number;
  retries: number;
  maxThrottlePercent: number;
  /** Times this stream was resumed on a fresh worker after its worker thread died. */
  workerRestarts: number;
}

export interface ReadStats {
  rows: number;
  /** Arrow bytes decoded (of the batches a read written as text was formatted from, too). */
  bytes: number;
  /** Wire bytes of the ReadRows responses the workers took off their calls. */
  responseBytes: number;
  batches: number;
  /** From the call to the last batch (session creation included). */
  wallMs: number;
  sessionMs: number;
  /**
   * From the call to the first batch a worker delivered: the session, starting the pool's threads
   * (each loads its modules) and the first response. 0 while none has arrived.
   */
  firstBatchMs: number;
  retries: number;
  /** Streams resumed on a fresh worker after a worker thread died. */
  workerRestarts: number;
  /** Highest throttle_percent the service reported on any stream. */
  maxThrottlePercent: number;
  /** The byte budget the read ran under (`maxBufferedBytes`). */
  budgetBytes: number;
  /** Most decoded bytes (batches, or their text in a read written as text) waiting for the consumer at any moment. */
  peakBufferedBytes: number;
  /**
   * The largest batch received, or its text in a read written as text (each stream in flight may
   * overshoot its credit by one).
   */
  largestBatchBytes: number;
  /** The largest ReadRows response on the wire (each paused stream may hold one read ahead). */
  largestResponseBytes: number;
  /**
   * Worker threads the session is worth (threadsForSession): a pool of the read's own starts that
   * many, a shared one grows to them if it runs fewer; 0: read on the calling thread.
   */
  threads: number;
  /** Streams read at once (the p-queue's concurrency). */
  streamsInFlight: number;
  /** Each stream's HTTP/2 window (4 MiB). */
  flowControlWindowBytes: number;
  /** Column bytes that stayed readable in a worker after posting (0: everything moved by transfer). */
  bytesNotDetached: number;
  /** Rebalancing: streams split in flight (a run moved to the primary and the remainder was read too). */
  splits: number;
  /** Splits dropped because the run had already read past the split point (or ended first). */
  splitsAbandoned: number;
  /** SplitReadStream calls that made no split: the stream could not be split further, or the call failed. */
  splitsFailed: number;
  /** Rows read from split remainders rather than from the streams the session created. */
  rowsMoved: number;
  /** Every stream read: the session's, then split remainders as they were made. */
  streams: StreamStats[];
}

export interface ReadProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly streamsDone: number;
  readonly streamsTotal: number;
  /**
   * Bytes waiting for the consumer now, of `budgetBytes`: near the budget, the consumer (a slow
   * output, say) sets the read's pace, not the service.
   */
  readonly bufferedBytes: number;
  readonly budgetBytes: number;
  /** The session's row estimate (exact for the emulator, approximate for the service). */
  readonly estimatedRows: number;
}

export function emptyStats(): ReadStats {
  return {
    rows: 0, bytes: 0, responseBytes: 0, batches: 0, wallMs: 0, sessionMs: 0, firstBatchMs: 0, retries: 0, workerRestarts: 0,
    maxThrottlePercent: 0, budgetBytes: 0, peakBufferedBytes: 0, largestBatchBytes: 0, largestResponseBytes: 0, threads: 0, streamsInFlight: 0, flowControlWindowBytes: 0, bytesNotDetached: 0,
    splits: 0, splitsAbandoned: 0, splitsFailed: 0, rowsMoved: 0, streams: [],
  };
}

/**
 * The documented bound on the bytes a read holds for its batches, whatever the consumer's pace:
 * the budget, plus for each stream in flight one batch over its credit, the response grpc-js reads
 * ahead, and the HTTP/2 window the server may fill while the stream is paused.
 */
export function heldBytesBound(budget: number, stats: Pick<ReadStats, 'streamsInFlight' | 'largestBatchBytes' | 'largestResponseBytes' | 'flowControlWindowBytes'>): number {
  return budget + stats.streamsInFlight * (stats.flowControlWindowBytes + stats.largestBatchBytes + stats.largestResponseBytes);
}
