import type { RecordBatch } from 'apache-arrow';
import type { CreditAccount } from './credits.js';
import { RingBuffer } from './ring-buffer.js';

/** Where a delivery came from (stream index in the session, row offset in that stream) and what it holds. */
interface Placement {
  readonly stream: number;
  readonly offset: number;
  readonly rows: number;
  /** Bytes held until it is taken: the batch's, or its output's. */
  readonly bytes: number;
  /** Size of the Arrow batch it is (or was formatted from). */
  readonly arrowBytes: number;
  /** Wire size of the response the batch came in. */
  readonly responseBytes: number;
  /** The credit account its bytes are charged to, credited back when it is taken. */
  readonly account: CreditAccount;
}

export interface PlacedBatch extends Placement {
  readonly batch: RecordBatch;
}

/** A batch as the output's bytes, made by its worker (a read written to a file: StreamTask.output). */
export interface PlacedOutput extends Placement {
  readonly output: Uint8Array;
}

export type Placed = PlacedBatch | PlacedOutput;

/**
 * Batches between the stream runs and the consumer: in arrival order, or stream by stream in
 * session order (a stream's batches wait until every earlier stream has finished). A split's
 * remainder joins as a new stream placed right after the stream it was split from, since its rows
 * follow that stream's.
 */
export class BatchQueue {
  private readonly arrival = new RingBuffer<Placed>();
  private readonly byStream: RingBuffer<Placed>[] = [];
  private readonly finished: boolean[] = [];
  /** Stream indexes in delivery order. */
  private readonly order: number[];
  private finishedCount = 0;
  /** Ordered delivery: the position in `order` of the stream the consumer takes from. */
  private head = 0;

  constructor(
    streamCount: number,
    private readonly ordered: boolean,
  ) {
    this.order = Array.from({ length: streamCount }, (_, i) => i);
    for (let i = 0; i < streamCount; i++) this.track();
  }

  /** A stream whose rows follow `after`'s; returns its index. */
  addStreamAfter(after: number): number {
    const index = this.track();
    this.order.splice(this.order.indexOf(after) + 1, 0, index);
    return index;
  }

  private track(): number {
    this.finished.push(false);
    if (this.ordered) this.byStream.push(new RingBuffer<Placed>());
    return this.finished.length - 1;
  }

  get streamCount(): number {
    return this.order.length;
  }

  /** Each stream's rank in delivery order, by stream index. */
  ranks(): number[] {
    const ranks = new Array<number>(this.order.length);
    this.order.forEach((stream, rank) => (ranks[stream] = rank));
    return ranks;
  }

  push(placed: Placed): void {
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
    if (this.finishedCount < this.order.length) return false;
    return this.ordered ? this.head >= this.order.length : this.arrival.length === 0;
  }

  /** Ordered delivery: the stream whose batches the consumer takes next (undefined in arrival order or at the end). */
  get awaitedStream(): number | undefined {
    return this.ordered && this.head < this.order.length ? this.order[this.head] : undefined;
  }

  /** The next batch the consumer may take, if one is ready. */
  take(): Placed | undefined {
    if (!this.ordered) return this.arrival.shift();
    while (this.head < this.order.length) {
      const stream = this.order[this.head]!;
      const batch = this.byStream[stream]!.shift();
      if (batch) return batch;
      if (!this.finished[stream]) return undefined;
      this.head++;
    }
    return undefined;
  }
}
