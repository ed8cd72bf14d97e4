import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Readable } from 'node:stream';
import PQueue from 'p-queue';
import type { RecordBatch } from 'apache-arrow';
import { unpackBatch } from '../arrow/transfer.js';
import { resolveConnection, type ConnectionConfig } from '../client/connection.js';
import { parseTableReference, TableReferenceError, type TableReference } from '../table-ref.js';
import { CreditLedger } from './credits.js';
import { BqReadError, describeStatus, ReadAbortedError, ReadOptionsError, StreamReadError } from './errors.js';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_SESSION_TIMEOUT_MS,
  retrySettings,
  validateReadOptions,
  type AccessTokenSource,
  type ReadOptions,
} from './options.js';
import { ReadPool } from './pool.js';
import { createReadSession, type ReadSessionInfo } from './session.js';
import { emptyStats, type ReadStats, type StreamStats } from './stats.js';
import type { StreamTaskResult, WorkerMessage } from '../../workers/stream-task.js';

/** A batch with where it came from: stream index in the session and the row offset in that stream. */
export interface PlacedBatch {
  readonly batch: RecordBatch;
  readonly stream: number;
  readonly offset: number;
  readonly bytes: number;
}

export interface BatchStream extends AsyncIterable<RecordBatch> {
  /** The read session, once created. */
  readonly session: Promise<ReadSessionInfo>;
  /** Filled in as the read goes; final once iteration ends. */
  readonly stats: ReadStats;
  /** The same batches as a Node object-mode Readable (holding at most one batch itself). */
  toReadable(): Readable;
}

async function fetchAccessToken(source: AccessTokenSource): Promise<string> {
  const answer = await source.getAccessToken();
  const token = typeof answer === 'string' ? answer : answer.token;
  if (!token) throw new ReadOptionsError('authClient returned no access token');
  return token;
}

function abortError(signal: AbortSignal): ReadAbortedError {
  return new ReadAbortedError(`read aborted: ${String(signal.reason?.message ?? signal.reason ?? 'aborted')}`, { cause: signal.reason });
}

/** The coordinator: one session, one pool task per stream, credits, and a merged stream of batches. */
async function* readPlaced(
  table: TableReference,
  options: ReadOptions,
  stats: ReadStats,
  onSession: (session: ReadSessionInfo) => void,
): AsyncGenerator<PlacedBatch> {
  const started = performance.now();
  validateReadOptions(options);
  let path;
  try {
    path = parseTableReference(table);
  } catch (err) {
    if (err instanceof TableReferenceError) throw new ReadOptionsError(err.message, { cause: err });
    throw err;
  }
  const retry = retrySettings(options);
  let connection: ConnectionConfig;
  try {
    connection = resolveConnection(options);
  } catch (err) {
    throw new ReadOptionsError((err as Error).message, { cause: err });
  }
  if (options.authClient) connection = { ...connection, auth: { kind: 'token', token: await fetchAccessToken(options.authClient) } };
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);

  const pool = options.pool ?? new ReadPool({ workers: options.workers });
  const ownsPool = options.pool === undefined;
  const ports = new Map<number, MessagePort>();
  let queue: PQueue | undefined;
  let failure: BqReadError | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const cancelAll = () => {
    queue?.clear();
    for (const port of ports.values()) port.postMessage({ type: 'cancel' });
  };
  const onAbort = () => {
    cancelAll();
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const session = await createReadSession(connection, path, options, pool.workers, options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS).catch(
      (err: unknown) => {
        throw signal?.aborted ? abortError(signal) : err;
      },
    );
    stats.sessionMs = performance.now() - started;
    onSession(session);
    if (signal?.aborted) throw abortError(signal);
    const streamCount = session.streams.length;
    if (streamCount === 0) return;

    const concurrency = Math.min(options.concurrency ?? pool.capacity, streamCount);
    const budget = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    const ledger = new CreditLedger(budget, Math.max(1, Math.floor(budget / concurrency)));
    const pending: PlacedBatch[][] = session.streams.map(() => []);
    const arrival: PlacedBatch[] = [];
    const finished = new Array<boolean>(streamCount).fill(false);
    let finishedCount = 0;
    let head = 0;
    stats.streams = session.streams.map((stream): StreamStats => ({
      stream, rows: 0, bytes: 0, batches: 0, ms: 0, retries: 0, maxThrottlePercent: 0,
    }));

    const fail = (error: BqReadError) => {
      failure ??= error;
      cancelAll();
      notify();
    };

    const runStream = async (index: number): Promise<void> => {
      const name = session.streams[index]!;
      const { port1, port2 } = new MessageChannel();
      ports.set(index, port1);
      let received = 0;
      let expected = Infinity;
      let drained!: () => void;
      const allReceived = new Promise<void>((resolve) => (drained = resolve));
      port1.on('message', (message: WorkerMessage) => {
        if (message.type === 'retry') {
          stats.retries++;
          return;
        }
        const batch = unpackBatch(session.schema, message.packed);
        const placed = { batch, stream: index, offset: message.offset, bytes: message.packed.memory.byteLength };
        ledger.received(index, placed.bytes);
        (options.ordered ? pending[index]! : arrival).push(placed);
        stats.rows += batch.numRows;
        stats.bytes += placed.bytes;
        stats.batches++;
        if (++received >= expected) drained();
        options.onProgress?.({
          rows: stats.rows, bytes: stats.bytes, streamsDone: finishedCount, streamsTotal: streamCount,
          estimatedRows: session.estimatedRowCount,
        });
        notify();
      });
      let result: StreamTaskResult | undefined;
      try {
        // A token per stream: the auth client refreshes it, so a long read's later streams do not
        // start with a token that expired while earlier streams ran.
        const accessToken = options.authClient ? await fetchAccessToken(options.authClient) : undefined;
        const initialCredit = ledger.open(index, (bytes) => port1.postMessage({ type: 'credit', bytes }));
        result = await pool.run(
          { port: port2, connection, accessToken, stream: name, offset: 0, schemaMessage: session.schemaMessage, retry, initialCredit },
          port2,
        );
        // Batches travel on the task's own port, so they can land after the task's result.
        expected = result.batches;
        if (received >= expected) drained();
        await allReceived;
      } catch (err) {
        fail(new StreamReadError(`reading stream ${name} failed: ${(err as Error).message}`, { table: session.table, stream: name, cause: err }, 0, 0));
      } finally {
        port1.close();
        ports.delete(index);
        ledger.close(index);
      }
      if (result) {
        const s = stats.streams[index]!;
        Object.assign(s, { rows: result.rows, bytes: result.bytes, batches: result.batches, ms: result.ms, retries: result.retries, maxThrottlePercent: result.maxThrottlePercent });
        stats.maxThrottlePercent = Math.max(stats.maxThrottlePercent, result.maxThrottlePercent);
        stats.bytesNotDetached += result.bytesNotDetached;
        if (result.status === 'failed' && result.error) {
          const { code, details, retriesExhausted } = result.error;
          const why = retriesExhausted ? ` (gave up after ${result.retries} retries)` : '';
          fail(new StreamReadError(
            `reading stream ${name} of ${session.table} failed at row ${result.rows}: ${describeStatus(code, details)}${why}`,
            { code, table: session.table, stream: name },
            result.rows,
            result.retries,
          ));
        }
      }
      finished[index] = true;
      finishedCount++;
      notify();
    };

    queue = new PQueue({ concurrency });
    for (let i = 0; i < streamCount; i++) void queue.add(() => runStream(i));

    const next = (): PlacedBatch | undefined => {
      if (!options.ordered) return arrival.shift();
      while (head < streamCount) {
        const batch = pending[head]!.shift();
        if (batch) return batch;
        if (!finished[head]) return undefined;
        head++;
      }
      return undefined;
    };

    for (;;) {
      if (failure) throw failure;
      if (signal?.aborted) throw abortError(signal);
      const placed = next();
      if (placed) {
        yield placed;
        ledger.consumed(placed.stream, placed.bytes);
        stats.peakBufferedBytes = ledger.peakBufferedBytes;
        continue;
      }
      if (finishedCount === streamCount) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    stats.peakBufferedBytes = ledger.peakBufferedBytes;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    cancelAll();
    await queue?.onIdle();
    if (ownsPool) await pool.close();
    stats.wallMs = performance.now() - started;
  }
}

/** The internal form with each batch's stream and offset (readTableParallel orders by them). */
export function readPlacedBatches(table: TableReference, options: ReadOptions = {}) {
  const stats = emptyStats();
  let resolveSession!: (s: ReadSessionInfo) => void;
  let rejectSession!: (err: unknown) => void;
  const session = new Promise<ReadSessionInfo>((resolve, reject) => {
    resolveSession = resolve;
    rejectSession = reject;
  });
  // A read that fails before its session exists must not leave an unhandled rejection behind.
  session.catch(() => undefined);
  async function* guarded(): AsyncGenerator<PlacedBatch> {
    try {
      yield* readPlaced(table, options, stats, resolveSession);
    } catch (err) {
      rejectSession(err);
      throw err;
    } finally {
      rejectSession(new BqReadError('the read ended before its session was created'));
    }
  }
  return { batches: guarded(), session, stats };
}

/**
 * Streams the table's record batches as they arrive (or in stream order with `ordered`), holding at
 * most `maxBufferedBytes` of decoded data ahead of the consumer.
 */
export function readBatches(table: TableReference, options: ReadOptions = {}): BatchStream {
  const { batches, session, stats } = readPlacedBatches(table, options);
  async function* unwrap(): AsyncGenerator<RecordBatch> {
    for await (const placed of batches) yield placed.batch;
  }
  let iterable: AsyncGenerator<RecordBatch> | undefined;
  const iterate = () => {
    if (iterable) throw new Error('a BatchStream can be iterated only once');
    iterable = unwrap();
    return iterable;
  };
  return {
    session,
    stats,
    [Symbol.asyncIterator]: iterate,
    toReadable: () => Readable.from(iterate(), { objectMode: true, highWaterMark: 1 }),
  };
}
