import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import PQueue from 'p-queue';
import { FLOW_CONTROL_WINDOW_BYTES } from '../client/read-client.js';
import type { TableReference } from '../table-ref.js';
import { fetchAccessToken } from './access-token.js';
import type { OutputPlan } from '../sinks/output-plan.js';
import { BatchQueue, type Placed, type PlacedBatch, type PlacedOutput } from './batch-queue.js';
import { loadArrowParts } from './arrow-parts.js';
import { CreditLedger } from './credits.js';
import { abortError, BqReadError, CallbackError, ReadOptionsError, StreamReadError } from './errors.js';
import { DEFAULT_READ_OPTIONS, resolveReadOptions, type ReadOptions, type ResolvedReadOptions } from './options.js';
import { CallingThread } from './calling-thread.js';
import { threadsForSession } from './parallelism.js';
import { DEFAULT_STREAMS_PER_WORKER, ReadPool } from './pool.js';
import { ReadChannel } from './read-channel.js';
import { createReadSession, type ReadSessionInfo } from './session.js';
import { checkNotExpired, sessionGoneError } from './session-expiry.js';
import { emptyStats, type ReadStats } from './stats.js';
import { Rebalancer } from './rebalancer.js';
import { StreamRun, type StreamRunContext, type StreamRunner } from './stream-run.js';

/**
 * One read of one table: resolves the options, creates the session (on demand, so the schema can
 * be had before any row is read) or takes a prepared one (a plan's, created elsewhere), runs a StreamRun per stream on the pool under p-queue, and hands
 * the batches out of a BatchQueue under credit-based backpressure. Every way a read stops (failure,
 * the caller's abort, the consumer leaving) goes through one internal AbortController.
 */
export class TableRead {
  readonly stats: ReadStats = emptyStats();
  private readonly started = performance.now();
  private readonly controller = stopController();
  private failure: BqReadError | undefined;
  private sessionPromise: Promise<ReadSessionInfo> | undefined;
  /** The session once there is one, so a stream's failure can say that it expired. */
  private openedSession: ReadSessionInfo | undefined;
  private resolved: ResolvedReadOptions | undefined;
  private wake: (() => void) | undefined;
  private batchQueue: BatchQueue | undefined;
  private openedChannel: ReadChannel | undefined;
  /** Whether the batches were asked for, so the read goes on past its session on its channel. */
  private iterating = false;

  /** `prepared`: a session created elsewhere (a plan's shard) to read instead of creating one. */
  constructor(
    private readonly reference: TableReference,
    private readonly options: ReadOptions,
    private readonly prepared?: ReadSessionInfo,
  ) {}

  /** Whether the batches come stream by stream in session order (`ordered`), not as they arrive. */
  get ordered(): boolean {
    return this.options.ordered ?? DEFAULT_READ_OPTIONS.ordered;
  }

  /** The read's session, created on first use; iteration reuses it. */
  session(): Promise<ReadSessionInfo> {
    if (!this.sessionPromise) {
      this.sessionPromise = this.openSession();
      // Iteration reports a failed session; a caller who never awaits this one gets no unhandled rejection.
      this.sessionPromise.catch(() => undefined);
    }
    return this.sessionPromise;
  }

  /** The batches with their stream and offset; the read ends (and releases everything) with it. */
  async *batches(): AsyncGenerator<PlacedBatch> {
    for await (const placed of this.deliveries(undefined)) yield placed as PlacedBatch;
  }

  /**
   * Each batch as the output's bytes, made by `plan` where it is read (the worker threads, or the
   * calling thread for a small read), with its stream and offset.
   */
  async *outputs(plan: OutputPlan): AsyncGenerator<PlacedOutput> {
    for await (const placed of this.deliveries(plan)) yield placed as PlacedOutput;
  }

  private async *deliveries(output: OutputPlan | undefined): AsyncGenerator<Placed> {
    const userSignal = this.options.signal;
    const onUserAbort = () => this.stop(abortError(userSignal!));
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    let owned: ReadPool | CallingThread | undefined;
    this.iterating = true;
    try {
      if (userSignal?.aborted) throw abortError(userSignal);
      if (this.options.workers === 0 && !this.options.pool) CallingThread.preload();
      const session = await this.session();
      this.throwIfStopped();
      const options = this.resolvedOptions();
      if (session.streams.length === 0) return;
      if (options.pool?.closed) throw new ReadOptionsError('the ReadPool passed as `pool` is closed');
      // The session says what the read is worth: no thread for a small one (the calling thread
      // reads it), else threads in proportion to its streams and bytes. Threads start only then,
      // so a small read never pays for one.
      const maxThreads = options.pool?.workers ?? options.workers ?? availableParallelism();
      const worth = threadsForSession(session, maxThreads, options.pool?.streamsPerWorker ?? DEFAULT_STREAMS_PER_WORKER);
      // Heap limits isolate a worker thread: a read that asks for them gets one (never with `pool`).
      const threads = options.workerResourceLimits ? Math.max(1, worth) : worth;
      if (!options.pool) owned = threads === 0 ? new CallingThread(this.channel()) : this.ownedPool(options, threads);
      options.pool?.grow(threads);
      const runner = options.pool ?? owned!;
      this.stats.threads = threads;
      // Rebalancing fills free slots with split remainders, so the slots do not stop at the session's streams.
      const slots = options.concurrency ?? runner.capacity;
      const queue = new PQueue({ concurrency: options.rebalance ? slots : Math.min(slots, session.streams.length) });
      // However the read stops (the end, a failure, an abort, the consumer leaving), the queue is
      // cleared and what the read owns closed at once, not when the consumer next pulls, which it
      // may never do.
      const closing = owned;
      this.controller.signal.addEventListener('abort', () => releaseOnStop(queue, closing, () => this.openedChannel?.close()), { once: true });
      try {
        yield* this.runStreams(session, options, runner, queue, output);
      } finally {
        this.stop();
        await queue.onIdle();
      }
    } finally {
      await owned?.close();
      this.openedChannel?.close();
      userSignal?.removeEventListener('abort', onUserAbort);
      this.stop();
      this.stats.wallMs = performance.now() - this.started;
    }
  }

  /** The options with their defaults, resolved once (a ReadOptionsError for bad ones). */
  private resolvedOptions(): ResolvedReadOptions {
    return (this.resolved ??= resolveReadOptions(this.reference, this.options));
  }

  /** The read's gRPC channel on this thread (read-channel.ts). */
  private channel(): ReadChannel {
    return (this.openedChannel ??= new ReadChannel(this.resolvedOptions().connection));
  }

  private ownedPool(options: ResolvedReadOptions, startThreads: number): ReadPool {
    return new ReadPool({ workers: options.workers, startThreads, resourceLimits: options.workerResourceLimits });
  }

  private async openSession(): Promise<ReadSessionInfo> {
    const options = this.resolvedOptions();
    const signal = this.joinedSignal();
    if (signal.aborted) throw this.failure ?? abortError(signal);
    if (this.prepared) {
      checkNotExpired(this.prepared);
      return this.prepared;
    }
    const slots = options.pool?.maxCapacity ?? (options.workers ?? availableParallelism()) * DEFAULT_STREAMS_PER_WORKER;
    const token = options.tokenSource ? await fetchAccessToken(options.tokenSource) : undefined;
    const session = await createReadSession(this.channel().client(), options, slots, signal, token).catch((err: unknown) => {
      throw signal.aborted ? this.failure ?? abortError(signal) : err;
    }).finally(() => {
      // Only the session was asked for (its schema, a plan): nothing else will use the connection.
      if (!this.iterating) this.openedChannel?.release();
    });
    this.stats.sessionMs = performance.now() - this.started;
    this.openedSession = session;
    return session;
  }

  /** The internal signal, also fired by the caller's (session creation may run before iteration). */
  private joinedSignal(): AbortSignal {
    const user = this.options.signal;
    return user ? AbortSignal.any([this.controller.signal, user]) : this.controller.signal;
  }

  private async *runStreams(
    session: ReadSessionInfo, options: ResolvedReadOptions, pool: StreamRunner, queue: PQueue, output: OutputPlan | undefined,
  ): AsyncGenerator<Placed> {
    const sessionStreams = session.streams.length;
    this.stats.budgetBytes = options.maxBufferedBytes;
    const ledger = new CreditLedger(options.maxBufferedBytes, Math.max(1, Math.floor(options.maxBufferedBytes / queue.concurrency)));
    const { connection } = options;
    const batches = new BatchQueue(sessionStreams, options.ordered);
    this.batchQueue = batches;
    const { stats } = this;
    const tokenSource = options.tokenSource;
    const token = tokenSource && (() => fetchAccessToken(tokenSource));
    const compressedBuffers = options.compression !== 'none';
    // Loaded already, while the session was created (or with a prepared one's schema).
    const arrow = await loadArrowParts();
    const layoutPlan = compressedBuffers ? undefined : arrow.layoutPlanOf(session.schema);
    const runs = new Map<number, StreamRun>();
    const rebalancer = options.rebalance ? new Rebalancer(this.channel(), token, this.controller.signal, () => stats.splitsFailed++) : undefined;
    // A split pays only when the streams set the pace: not while every slot is taken or a stream
    // waits its turn, nor while the consumer is the one behind (half the budget held).
    const rebalance = () => rebalancer?.consider(
      runs.values(),
      queue.pending,
      queue.size === 0 && ledger.buffered() < options.maxBufferedBytes / 2 ? queue.concurrency - queue.pending : 0,
    );
    const schedule = (run: StreamRun) => {
      runs.set(run.index, run);
      stats.streams.push(run.stats);
      void queue.add(async () => {
        if (this.controller.signal.aborted) return;
        try {
          const result = await run.run();
          stats.bytesNotDetached += result?.bytesNotDetached ?? 0;
        } catch (err) {
          this.fail(err);
        } finally {
          stats.maxThrottlePercent = Math.max(stats.maxThrottlePercent, run.stats.maxThrottlePercent);
          batches.finish(run.index);
          // A stream's last batch is reported before the stream ends: without this, the last
          // report would count every row and all streams but one done.
          this.progress(session, batches, ledger.buffered());
          this.notify();
        }
      }).then(rebalance);
    };
    /**
     * A split's remainder, cut into `parts` streams before anyone reads it (no restart to pay),
     * each placed after the one before it; `slot` is the place the remainder took.
     */
    const cutAndSchedule = async (slot: number, stream: string, parts: number) => {
      for (; parts > 1 && !this.controller.signal.aborted; parts--) {
        const halves = await rebalancer!.splitStream(stream, 1 / parts);
        if (!halves) break;
        stats.splits++;
        const next = batches.addStreamAfter(slot);
        schedule(new StreamRun(slot, halves.primary, context));
        [slot, stream] = [next, halves.remainder];
      }
      schedule(new StreamRun(slot, stream, context));
    };
    const context: StreamRunContext = {
      session, compressedBuffers, layoutPlan, unpackBatch: arrow.unpackBatch, output, connection, retry: options.retry, pool, ledger,
      maxWorkerRestarts: options.maxWorkerRestarts, signal: this.controller.signal,
      deliver: (placed) => {
        batches.push(placed);
        stats.rows += placed.rows;
        stats.bytes += placed.arrowBytes;
        stats.responseBytes += placed.responseBytes;
        if (placed.stream >= sessionStreams) stats.rowsMoved += placed.rows;
        if (stats.batches++ === 0) stats.firstBatchMs = performance.now() - this.started;
        stats.largestBatchBytes = Math.max(stats.largestBatchBytes, placed.bytes);
        stats.largestResponseBytes = Math.max(stats.largestResponseBytes, placed.responseBytes);
        this.progress(session, batches, ledger.buffered());
        this.notify();
        rebalance();
      },
      retried: () => stats.retries++,
      restarted: () => stats.workerRestarts++,
      token: () => token!(),
      failed: (err) => this.fail(err),
      switched: (run, remainder, parts) => {
        stats.splits++;
        // Its place in the order is taken now, so the read cannot end before the remainder is read.
        void cutAndSchedule(batches.addStreamAfter(run.index), remainder, parts);
      },
      splitAbandoned: () => stats.splitsAbandoned++,
    };
    stats.streamsInFlight = queue.concurrency;
    stats.flowControlWindowBytes = FLOW_CONTROL_WINDOW_BYTES;
    session.streams.forEach((stream, index) => schedule(new StreamRun(index, stream, context)));

    try {
      for (;;) {
        this.throwIfStopped();
        const placed = batches.take();
        if (placed) {
          yield placed;
          ledger.consumed(placed.account, placed.bytes);
          continue;
        }
        if (batches.exhausted) return;
        // Ordered delivery: the consumer now waits on one stream, whose credit must not run dry
        // while the batches of the streams after it fill the budget.
        const awaited = batches.awaitedStream;
        // (A remainder still being cut has no run yet: the next wake-up finds it.)
        if (awaited !== undefined) runs.get(awaited)?.awaitedByConsumer();
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      rebalancer?.close();
      stats.peakBufferedBytes = ledger.peakBufferedBytes;
    }
  }

  /** Each stream's rank in delivery order (a split's remainder right after its stream), by stream index. */
  streamRanks(): number[] {
    return this.batchQueue?.ranks() ?? [];
  }

  private progress(session: ReadSessionInfo, batches: BatchQueue, bufferedBytes: number): void {
    const { onProgress } = this.options;
    if (!onProgress) return;
    try {
      onProgress({
        rows: this.stats.rows, bytes: this.stats.bytes, streamsDone: batches.streamsFinished, streamsTotal: batches.streamCount,
        estimatedRows: session.estimatedRowCount, bufferedBytes, budgetBytes: this.stats.budgetBytes,
      });
    } catch (err) {
      this.fail(new CallbackError(`onProgress threw: ${(err as Error)?.message ?? String(err)}`, { table: session.table, cause: err }));
    }
  }

  /** The first failure wins; it stops every stream. */
  private fail(err: unknown): void {
    const session = this.prepared ?? this.openedSession;
    this.failure ??= err instanceof BqReadError
      ? session ? sessionGoneError(err, session, this.prepared !== undefined) : err
      : new StreamReadError(`the read failed: ${(err as Error)?.message ?? String(err)}`, { table: this.resolved?.tableName, cause: err });
    this.stop();
  }

  private stop(reason?: BqReadError): void {
    if (reason) this.failure ??= reason;
    if (!this.controller.signal.aborted) this.controller.abort(this.failure);
    this.notify();
  }

  private throwIfStopped(): void {
    if (this.failure) throw this.failure;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function releaseOnStop(queue: PQueue, owned: ReadPool | CallingThread | undefined, closeChannel: () => void): void {
  queue.clear();
  void queue.onIdle().then(() => {
    closeChannel();
    return owned?.close();
  });
}

/**
 * The read's own stop signal. Every stream attempt in flight listens to it (and stops listening
 * when it ends), so a read of many streams at once has more listeners than Node's warning
 * threshold of 10 without leaking any.
 */
function stopController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
