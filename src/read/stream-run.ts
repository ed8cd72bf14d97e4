import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { LayoutPlan } from '../arrow/message-layout.js';
import type { PackedBatch } from '../arrow/packed-batch.js';
import type { unpackBatch } from '../arrow/transfer.js';
import type { RetrySettings } from '../client/retry.js';
import type { ConnectionConfig } from '../client/connection.js';
import type { OutputPlan } from '../sinks/output-plan.js';
import type { Placed } from './batch-queue.js';
import type { CreditAccount, CreditLedger } from './credits.js';
import { describeStatus, StreamReadError } from './errors.js';
import type { ReadSessionInfo } from './session.js';
import type { Remaining } from './rebalancer.js';
import type { StreamStats } from './stats.js';
import type { StreamTask, StreamTaskResult, WorkerMessage } from '../../workers/stream-task.js';

/** What a stream run needs from the read it belongs to. */
/** Where a stream's attempts run: a ReadPool's worker threads, or the calling thread. */
export interface StreamRunner {
  run(task: StreamTask, port: MessagePort): Promise<StreamTaskResult>;
  readonly closed: boolean;
}

export interface StreamRunContext {
  readonly session: ReadSessionInfo;
  /** The session asked for compressed Arrow buffers. */
  readonly compressedBuffers: boolean;
  /** The workers' plan for laying out the session's batches (see StreamTask.layoutPlan). */
  readonly layoutPlan: LayoutPlan | undefined;
  /** Rebuilds a batch a worker sent (arrow-parts.ts: loaded with the session, not before it). */
  readonly unpackBatch: typeof unpackBatch;
  /** The read is written to a file, its bytes made by the workers (see StreamTask.output). */
  readonly output: OutputPlan | undefined;
  readonly connection: ConnectionConfig;
  readonly retry: RetrySettings;
  readonly pool: StreamRunner;
  readonly ledger: CreditLedger;
  readonly maxWorkerRestarts: number;
  /** Fires when the read stops (failure, abort, consumer gone): the run cancels its task. */
  readonly signal: AbortSignal;
  deliver(placed: Placed): void;
  /** A retry notice from the worker. */
  retried(): void;
  /** A worker died under this stream and it is resumed on another. */
  restarted(): void;
  /** A token for the worker's next call (brokered auth). */
  token(): Promise<string>;
  /** Anything thrown while handling the worker's messages; ends the read. */
  failed(error: unknown): void;
  /**
   * The run moved to a split's primary: `remainder` is now the read's to read, after this run, cut
   * into `parts` streams first.
   */
  switched(run: StreamRun, remainder: string, parts: number): void;
  /** A split this run was asked to take did not happen; its remainder must never be read. */
  splitAbandoned(run: StreamRun, reason: string): void;
}

/** A split the run was asked to take, until its worker answers. */
interface PendingSplit {
  readonly primary: string;
  readonly remainder: string;
  /** Streams to cut the remainder into before it is read. */
  readonly remainderParts: number;
}

/** One attempt: a pool task, its port and its credit account. */
interface Attempt {
  readonly port: MessagePort;
  readonly account: CreditAccount;
  /** Batches received on this attempt's port. */
  received: number;
  /** Set once the task's result says how many batches it sent. */
  expected: number;
  allReceived: () => void;
}

/**
 * Reads one stream of the session to its end on the pool, resuming it on a fresh worker at the
 * offset after the last batch delivered when the worker thread running it dies. Rebalancing may
 * move it to a split's primary, which serves the same rows at the same offsets up to the split.
 */
export class StreamRun {
  /** The offset after the last row delivered to the queue: where a resumed attempt starts. */
  private nextOffset = 0;
  /** The stream being read: the session's, or after a switch the primary of its split. */
  private stream: string;
  private attemptPort: MessagePort | undefined;
  private pendingSplit: PendingSplit | undefined;
  /** The fraction of `stream` read so far, as the service last reported it (stats.progress). */
  private progress: number | undefined;
  /**
   * The attempt under way: when it started, when its first batch came, its rows, and its rows after
   * the first batch. Its pace is measured from the first batch on (the call's start-up is no part
   * of the rate it will read the rest at), and up to now, so a stream that has gone quiet slows.
   */
  private attemptStarted = 0;
  private attemptFirstBatchAt = 0;
  private attemptRows = 0;
  private attemptRowsAfterFirst = 0;
  /** The read finished with this run: it can no longer be split. */
  private ended = false;
  /** From the run's first attempt to its first batch: what starting a stream costs. */
  firstBatchMs: number | undefined;
  private firstAttemptStarted: number | undefined;
  /** The consumer waits on this stream (ordered delivery); every attempt's account says so. */
  private awaited = false;
  /** The credit account of the attempt under way (or the last one). */
  private account: CreditAccount | undefined;
  readonly stats: StreamStats;

  constructor(
    /** The run's place among the read's runs; a split's remainder gets the next free one. */
    readonly index: number,
    stream: string,
    private readonly ctx: StreamRunContext,
  ) {
    this.stream = stream;
    this.stats = { stream, rows: 0, bytes: 0, batches: 0, ms: 0, retries: 0, maxThrottlePercent: 0, workerRestarts: 0 };
  }

  get name(): string {
    return this.stream;
  }

  /**
   * What is left of this run, for rebalancing: undefined until the service has reported progress,
   * while a split is pending, or once the run is over.
   */
  remaining(now: number): Remaining | undefined {
    const progress = this.progress;
    if (this.ended || this.pendingSplit || !this.attemptPort || progress === undefined || progress <= 0 || progress >= 1) return undefined;
    const rows = (this.nextOffset * (1 - progress)) / progress;
    const rowsPerMs = this.attemptRowsAfterFirst > 0
      ? this.attemptRowsAfterFirst / Math.max(1, now - this.attemptFirstBatchAt)
      : this.attemptRows / Math.max(1, now - this.attemptStarted);
    return { fraction: progress, rows, ms: rowsPerMs > 0 ? rows / rowsPerMs : Infinity };
  }

  /** Asks the worker to move to `split.primary`; the answer comes back through the context. A run between attempts or over leaves the split unused. */
  requestSwitch(split: PendingSplit): void {
    if (this.ended || this.pendingSplit || !this.attemptPort) return;
    this.pendingSplit = split;
    this.attemptPort.postMessage({ type: 'switch', stream: split.primary });
  }

  /** The consumer waits on this stream's next batch (ordered delivery): its credit never runs dry. */
  awaitedByConsumer(): void {
    this.awaited = true;
    if (this.account) this.ctx.ledger.await(this.account);
  }

  /** Resolves with the last attempt's result (undefined when cancelled first); throws StreamReadError. */
  async run(): Promise<StreamTaskResult | undefined> {
    const started = performance.now();
    try {
      for (;;) {
        if (this.ctx.signal.aborted) return undefined;
        const outcome = await this.attempt();
        if (outcome.result) {
          this.record(outcome.result);
          this.throwIfFailed(outcome.result);
          return outcome.result;
        }
        if (this.ctx.signal.aborted) return undefined;
        if (this.ctx.pool.closed) {
          throw this.error(`stopped at row ${this.nextOffset}: the ReadPool was closed during the read`, { cause: outcome.death });
        }
        if (this.stats.workerRestarts >= this.ctx.maxWorkerRestarts) {
          const times = this.stats.workerRestarts + 1;
          throw this.error(`failed at row ${this.nextOffset}: its worker thread died ${times} times (${(outcome.death as Error).message})`, {
            retryable: true, cause: outcome.death,
          });
        }
        this.stats.workerRestarts++;
        this.ctx.restarted();
      }
    } finally {
      this.ended = true;
      this.stats.ms = performance.now() - started;
    }
  }

  private async attempt(): Promise<{ result?: StreamTaskResult; death?: unknown }> {
    const { port1, port2 } = new MessageChannel();
    let allReceived!: () => void;
    const arrived = new Promise<void>((resolve) => (allReceived = resolve));
    const account = this.ctx.ledger.open((bytes) => port1.postMessage({ type: 'credit', bytes }));
    const attempt: Attempt = { port: port1, account, received: 0, expected: Infinity, allReceived };
    // Taken before anything else can grant more: later grants travel as messages on the port.
    const initialCredit = account.granted;
    this.account = account;
    this.attemptPort = port1;
    this.attemptStarted = performance.now();
    this.firstAttemptStarted ??= this.attemptStarted;
    this.attemptRows = 0;
    this.attemptRowsAfterFirst = 0;
    if (this.awaited) this.ctx.ledger.await(account);
    port1.on('message', (message: WorkerMessage) => {
      try {
        this.onMessage(attempt, message);
      } catch (err) {
        this.ctx.failed(err);
      }
    });
    const cancel = () => {
      port1.postMessage({ type: 'cancel' });
      // A cancelled read no longer waits for batches still on their way.
      allReceived();
    };
    if (this.ctx.signal.aborted) cancel();
    else this.ctx.signal.addEventListener('abort', cancel, { once: true });
    // The worker's end closed: it finished, or its thread was ended, taking any batch it had not
    // yet delivered with it; either way no more will come.
    port1.once('close', allReceived);
    try {
      const result = await this.ctx.pool.run(
        {
          port: port2, connection: this.ctx.connection, stream: this.name, offset: this.nextOffset,
          schemaMessage: this.ctx.session.schemaMessage, compressedBuffers: this.ctx.compressedBuffers, layoutPlan: this.ctx.layoutPlan, output: this.ctx.output,
          retry: this.ctx.retry, initialCredit,
        },
        port2,
      );
      // The switch may have been the task's last act (the primary had no rows past the offset),
      // its message still on the way: the result says where the task ended.
      if (result.stream === this.pendingSplit?.primary) this.settleSplit(result.stream, '');
      // Batches travel on the task's own port, so they can land after the task's result.
      attempt.expected = result.batches;
      if (attempt.received >= attempt.expected) allReceived();
      await arrived;
      if (attempt.received < attempt.expected && !this.ctx.signal.aborted) {
        // Batches lost with a thread ended after it returned: read on from the last delivered row.
        return { death: new Error(`its worker thread ended with ${attempt.expected - attempt.received} batch(es) undelivered`) };
      }
      return { result };
    } catch (death) {
      // The worker thread died. Closing the port first means no batch it sent can land after the
      // resume offset is taken, so the next attempt starts exactly after the last delivered row.
      return { death };
    } finally {
      this.ctx.signal.removeEventListener('abort', cancel);
      port1.close();
      this.attemptPort = undefined;
      // A split the attempt never answered is dropped: the next attempt reads the stream it knows.
      this.settleSplit(undefined, 'its attempt ended first');
      this.ctx.ledger.close(account);
    }
  }

  /** The worker's answer to a switch: moved (`moved` is the primary) or not (`reason`). */
  private settleSplit(moved: string | undefined, reason: string): void {
    const split = this.pendingSplit;
    if (!split) return;
    this.pendingSplit = undefined;
    if (moved === split.primary) {
      this.stream = split.primary;
      this.stats.stream = split.primary;
      this.ctx.switched(this, split.remainder, split.remainderParts);
    } else {
      this.ctx.splitAbandoned(this, reason);
    }
  }

  private onMessage(attempt: Attempt, message: WorkerMessage): void {
    if (message.type === 'token-request') {
      this.ctx.token().then(
        (token) => attempt.port.postMessage({ type: 'token', token }),
        (err: unknown) => this.ctx.failed(err),
      );
      return;
    }
    if (message.type === 'retry') {
      this.stats.retries++;
      this.ctx.retried();
      return;
    }
    if (message.type === 'switched') {
      this.progress = undefined;
      this.settleSplit(message.stream, '');
      return;
    }
    if (message.type === 'switch-refused') {
      this.settleSplit(undefined, message.reason);
      return;
    }
    if (message.offset !== this.nextOffset) {
      throw this.error(`delivered rows at offset ${message.offset} where ${this.nextOffset} was expected`);
    }
    const { offset, responseBytes } = message;
    const placement = message.type === 'output'
      ? { output: message.output, rows: message.rows, bytes: message.output.byteLength, arrowBytes: message.arrowBytes }
      : this.unpacked(message.packed);
    this.ctx.ledger.received(attempt.account, placement.bytes);
    const now = performance.now();
    this.firstBatchMs ??= now - this.firstAttemptStarted!;
    if (this.attemptRows === 0) this.attemptFirstBatchAt = now;
    else this.attemptRowsAfterFirst += placement.rows;
    this.nextOffset += placement.rows;
    this.attemptRows += placement.rows;
    this.progress = message.progress;
    this.stats.rows += placement.rows;
    this.stats.bytes += placement.arrowBytes;
    this.stats.batches++;
    if (++attempt.received >= attempt.expected) attempt.allReceived();
    this.ctx.deliver({ ...placement, stream: this.index, offset, responseBytes, account: attempt.account });
  }

  private unpacked(packed: PackedBatch) {
    const batch = this.ctx.unpackBatch(this.ctx.session.schema, packed);
    const bytes = packed.memory.byteLength;
    return { batch, rows: batch.numRows, bytes, arrowBytes: bytes };
  }

  /** Rows, bytes and retries are counted as their messages arrive, so a dead attempt's count too. */
  private record(result: StreamTaskResult): void {
    this.stats.maxThrottlePercent = Math.max(this.stats.maxThrottlePercent, result.maxThrottlePercent);
  }

  /** A StreamReadError naming this stream, its table and where it stopped. */
  private error(what: string, context: { code?: number; retryable?: boolean; cause?: unknown } = {}): StreamReadError {
    return new StreamReadError(`reading stream ${this.name} of ${this.ctx.session.table} ${what}`, {
      table: this.ctx.session.table, stream: this.name, offset: this.nextOffset, retries: this.stats.retries, ...context,
    });
  }

  private throwIfFailed(result: StreamTaskResult): void {
    if (result.status !== 'failed' || !result.error) return;
    const { code, details, retriesExhausted } = result.error;
    const why = retriesExhausted ? ` (gave up after ${result.retries} retries)` : '';
    throw this.error(`failed at row ${this.nextOffset}: ${describeStatus(code, details)}${why}`, { code, retryable: retriesExhausted });
  }
}
