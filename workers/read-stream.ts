import type { MessagePort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as Status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { CorruptBatchError, decodeRecordBatch } from '../src/arrow/batch-message.js';
import { registerArrowCodecs } from '../src/arrow/codecs.js';
import { decompressResponseRows } from '../src/arrow/response-codec.js';
import { packBatch } from '../src/arrow/transfer.js';
import type { ConnectionConfig } from '../src/client/connection.js';
import { ReadApiClient } from '../src/client/read-client.js';
import { backoffMs, classifyReadError } from '../src/client/retry.js';
import { decodeReadRowsResponse } from '../src/protocol/read-rows-response.js';
import type { CoordinatorMessage, StreamTask, StreamTaskResult, WorkerMessage } from './stream-task.js';

/**
 * Piscina worker entry: reads one ReadRows stream per task and posts each decoded record batch to
 * the coordinator as transferred memory. The gRPC client is built here, once per thread and
 * connection, and reused by every task the thread runs.
 */
const clients = new Map<string, ReadApiClient>();

function clientFor(connection: ConnectionConfig): ReadApiClient {
  const key = JSON.stringify(connection);
  let client = clients.get(key);
  if (!client) {
    client = new ReadApiClient(connection);
    clients.set(key, client);
  }
  return client;
}

/** Credit-based flow control: the worker may have `available` bytes in flight to the coordinator. */
class CreditGate {
  private available: number;
  private wake: (() => void) | undefined;
  private readonly cancellation = new AbortController();
  private onCancel: (() => void) | undefined;

  constructor(initial: number, port: MessagePort) {
    this.available = initial;
    port.on('message', (message: CoordinatorMessage) => {
      if (message.type === 'credit') this.available += message.bytes;
      else if (message.type === 'cancel') {
        this.cancellation.abort();
        this.onCancel?.();
      }
      this.wake?.();
    });
  }

  get cancelled(): boolean {
    return this.cancellation.signal.aborted;
  }

  /** Waits out a retry backoff, cut short by cancellation. */
  async backoff(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.cancellation.signal }).catch(() => undefined);
  }

  spend(bytes: number): void {
    this.available -= bytes;
  }

  /** Resolves once there is credit to send another batch, or the read is cancelled. */
  async ready(): Promise<void> {
    while (this.available <= 0 && !this.cancelled) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  whenCancelled(handler: () => void): void {
    this.onCancel = handler;
  }
}

function post(port: MessagePort, message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

export default async function readStream(task: StreamTask): Promise<StreamTaskResult> {
  const started = performance.now();
  const { port } = task;
  const gate = new CreditGate(task.initialCredit, port);
  const result: StreamTaskResult = {
    status: 'done',
    rows: 0,
    bytes: 0,
    batches: 0,
    retries: 0,
    maxThrottlePercent: 0,
    ms: 0,
    bytesNotDetached: 0,
  };
  let call: ClientReadableStream<Buffer> | undefined;
  gate.whenCancelled(() => call?.cancel());
  try {
    await registerArrowCodecs();
    const client = clientFor(task.connection);
    const schemaMessage = task.schemaMessage;
    let offset = task.offset;
    let failuresInARow = 0;
    while (!gate.cancelled) {
      call = client.readRows(task.stream, offset, { token: task.accessToken });
      try {
        for await (const bytes of call as AsyncIterable<Buffer>) {
          const chunk = decodeReadRowsResponse(bytes);
          if (chunk.rowCount === 0 || !chunk.recordBatch) continue;
          // The one copy of a batch: out of gRPC's receive buffer into memory this worker owns and
          // can give away, starting 8-aligned so Arrow decodes the body in place instead of copying.
          const message = decompressResponseRows(chunk.recordBatch, chunk.uncompressedByteSize);
          // Unpooled and not zero-filled: every byte is overwritten, and the memory is given away.
          const owned = Buffer.allocUnsafeSlow(message.byteLength);
          owned.set(message);
          const packed = packBatch(decodeRecordBatch(schemaMessage, owned, chunk.rowCount), owned.buffer);
          const size = packed.memory.byteLength;
          await gate.ready();
          if (gate.cancelled) break;
          post(port, { type: 'batch', packed, offset }, [packed.memory]);
          // A transferred ArrayBuffer is detached on this side; anything else means it was copied.
          result.bytesNotDetached += packed.memory.byteLength;
          gate.spend(size);
          offset += chunk.rowCount;
          result.rows += chunk.rowCount;
          result.bytes += size;
          result.batches++;
          result.maxThrottlePercent = Math.max(result.maxThrottlePercent, chunk.throttlePercent);
          failuresInARow = 0;
        }
        break;
      } catch (err) {
        if (gate.cancelled) break;
        if (err instanceof CorruptBatchError) throw err;
        const serviceError = err as ServiceError;
        const decision = classifyReadError(serviceError);
        failuresInARow++;
        if (!decision.retryable || failuresInARow > task.retry.maxRetries) throw err;
        const delayMs = decision.serverDelayMs ?? backoffMs(failuresInARow, task.retry);
        result.retries++;
        post(port, { type: 'retry', code: serviceError.code, details: serviceError.details ?? serviceError.message, offset, delayMs });
        await gate.backoff(delayMs);
      }
    }
    if (gate.cancelled) result.status = 'cancelled';
  } catch (err) {
    const serviceError = err as Partial<ServiceError>;
    result.status = 'failed';
    result.error = {
      code: err instanceof CorruptBatchError ? Status.DATA_LOSS : serviceError.code ?? Status.UNKNOWN,
      details: serviceError.details ?? (err as Error).message,
      retriesExhausted: result.retries > 0 && classifyReadError(serviceError).retryable,
    };
  } finally {
    call?.cancel();
    port.close();
  }
  result.ms = performance.now() - started;
  return result;
}

