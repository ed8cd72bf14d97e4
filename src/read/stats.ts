export interface StreamStats {
  readonly stream: string;
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
  bytes: number;
  batches: number;
  /** From the call to the last batch (session creation included). */
  wallMs: number;
  sessionMs: number;
  retries: number;
  /** Streams resumed on a fresh worker after a worker thread died. */
  workerRestarts: number;
  /** Highest throttle_percent the service reported on any stream. */
  maxThrottlePercent: number;
  /** Most decoded bytes waiting for the consumer at any moment. */
  peakBufferedBytes: number;
  /** Column bytes that stayed readable in a worker after posting (0: everything moved by transfer). */
  bytesNotDetached: number;
  streams: StreamStats[];
}

export interface ReadProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly streamsDone: number;
  readonly streamsTotal: number;
  /** The session's row estimate (exact for the emulator, approximate for the service). */
  readonly estimatedRows: number;
}

export function emptyStats(): ReadStats {
  return {
    rows: 0, bytes: 0, batches: 0, wallMs: 0, sessionMs: 0, retries: 0, workerRestarts: 0,
    maxThrottlePercent: 0, peakBufferedBytes: 0, bytesNotDetached: 0, streams: [],
  };
}
