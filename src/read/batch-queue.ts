import type { RecordBatch } from 'apache-arrow';
import type { CreditAccount } from './credits.js';
import { RingBuffer } from './ring-buffer.js';

/** A batch with where it came from: stream index in the session and the row offset in that stream. */
export interface PlacedBatch {
  readonly batch: RecordBatch;
  readonly stream: number;
  readonly offset: number;
  readonly bytes: number;
  /** Wire size of the response the batch came in. */
  readonly responseBytes: number;
  /** The credit account the batch's bytes are charged to, credited back when it is taken. */
  readonly account: CreditAccount;
}

/**
 * Batches between the stream runs and the consumer: in arrival order, or stream by stream in
 * session order (a stream's batches wait until every earlier stream has finished).
 */
export class BatchQueue {
  private readonly arrival = new RingBuffer<PlacedBatch>();
  private readonly byStream: RingBuffer<PlacedBatch>[];
  private readonly finished: boolean[];
  private finishedCount = 0;
  private head = 0;

  constructor(
    private readonly streamCount: number,
    private readonly ordered: boolean,
  ) {
    this.byStream = ordered ? Array.from({ length: streamCount }, () => new RingBuffer<PlacedBatch>()) : [];
    this.finished = new Array<boolean>(streamCount).fill(false);
  }

  push(placed: PlacedBatch): void {
    (this.ordered ? this.byStream[placed.stream]! : this.arrival).push(placed);
  }

  /** No more batches will come for `stream`. */
  finish(stream: number): void {
    if (this.finished[stream]) return;
    this.finished[stream] = true;
    this.finishedCount++;
  }

  get streamsFinished(): number {
    return this.finishedCount;
  }

  /** Every stream finished and every batch taken. */
  get exhausted(): boolean {
    if (this.finishedCount < this.streamCount) return false;
    return this.ordered ? this.head >= this.streamCount : this.arrival.length === 0;
  }

  /** Ordered delivery: the stream whose batches the consumer takes next (undefined in arrival order or at the end). */
  get awaitedStream(): number | undefined {
    return this.ordered && this.head < this.streamCount ? this.head : undefined;
  }

  /** The next batch the consumer may take, if one is ready. */
  take(): PlacedBatch | undefined {
    if (!this.ordered) return this.arrival.shift();
    while (this.head < this.streamCount) {
      const batch = this.byStream[this.head]!.shift();
      if (batch) return batch;
      if (!this.finished[this.head]) return undefined;
      this.head++;
    }
    return undefined;
  }
}
