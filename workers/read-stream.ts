import { createHash } from 'node:crypto';
import { status as Status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { CorruptBatchError } from '../src/arrow/corrupt-batch.js';
import { MessageLayout } from '../src/arrow/message-layout.js';
import { ownedAlignedMessage } from '../src/arrow/owned-message.js';
import type { PackedBatch } from '../src/arrow/packed-batch.js';
import { decompressResponseRows } from '../src/arrow/response-codec.js';
import type { ConnectionConfig } from '../src/client/connection.js';
import { ReadApiClient } from '../src/client/read-client.js';
import { backoffMs, classifyReadError } from '../src/client/retry.js';
import { decodeReadRowsResponse } from '../src/protocol/read-rows-response.js';
import { readApiTypes } from '../src/protocol/protos.js';
import { CoordinatorLink } from './coordinator-link.js';
import type { OutputPlan } from '../src/sinks/output-plan.js';
import type { StreamTask, StreamTaskResult } from './stream-task.js';

/**
 * The worker's reader, which the piscina entry (entry.ts) loads: reads one ReadRows stream per task
 * and posts each decoded record batch to the coordinator as transferred memory. The gRPC clients
 * are built here, once per connection, and reused by every task that reads with them: a worker
 * thread keeps its own for its life; a read on the calling thread reads through the read's own
 * channel there (the one its session was created on).
 */
// A digest, so no token or key is kept as a map key; brokered auth carries no token at all, so
// every task of a read (and every token it is given) shares one channel.
const connectionKey = (connection: ConnectionConfig) => createHash('sha256').update(JSON.stringify(connection)).digest('hex');

export class ReadClients {
  private readonly clients = new Map<string, ReadApiClient>();
  private readonly lentKey: string | undefined;

  /** `lent`: a client owned elsewhere (which these never close) to read through for its connection. */
  constructor(private readonly lent?: { readonly connection: ConnectionConfig; readonly client: () => ReadApiClient }) {
    this.lentKey = lent && connectionKey(lent.connection);
  }

  for(connection: ConnectionConfig): ReadApiClient {
    const key = connectionKey(connection);
    if (key === this.lentKey) return this.lent!.client();
    let client = this.clients.get(key);
    if (!client) {
      client = new ReadApiClient(connection);
      this.clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

const threadClients = new ReadClients();

type ArrowPacker = (message: Uint8Array, rows: number) => PackedBatch;

/**
 * Batches arrow must decode (compressed buffers, a type the layout plan leaves to arrow, a rare
 * misaligned buffer) go through one arrow reader per stream, loaded on first need: a thread that
 * reads only uncompressed sessions never loads apache-arrow.
 */
async function arrowPacker(schemaMessage: Uint8Array): Promise<ArrowPacker> {
  const [{ StreamBatchDecoder }, { packBatch }] = await Promise.all([import('../src/arrow/batch-message.js'), import('../src/arrow/transfer.js')]);
  const decoder = new StreamBatchDecoder(schemaMessage);
  return (message, rows) => packBatch(decoder.decode(message, rows), message.buffer as ArrayBuffer);
}

const SWITCH = Symbol('switch');

type OpenedPrimary =
  | { call: ClientReadableStream<Buffer>; responses: AsyncIterator<Buffer>; first: IteratorResult<Buffer>; refusal?: undefined }
  | { call?: undefined; refusal: string };

/**
 * Opens a split's primary at the reader's offset and waits for its first answer, as the service
 * requires (and Apache Beam's BigQueryStorageStreamSource does): a reader already past the split
 * point gets FAILED_PRECONDITION and stays on the original, whose every row the service still
 * serves. Any other failure refuses the switch too: the original is still good.
 */
async function openPrimary(client: ReadApiClient, primary: string, offset: number, token: string | undefined): Promise<OpenedPrimary> {
  const call = client.readRows(primary, offset, { token });
  const responses = (call as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    return { call, responses, first: await responses.next() };
  } catch (err) {
    call.cancel();
    const serviceError = err as ServiceError;
    return { refusal: `${Status[serviceError.code] ?? 'error'}: ${serviceError.details ?? serviceError.message}` };
  }
}

/** A batch, as its message and its layout, as the output's bytes. */
type BatchOutput = (message: Uint8Array, packed: PackedBatch) => Uint8Array;

/**
 * The read is written to a file: what makes its bytes loads on the first batch, never for a plain
 * read. Text is made from the batch's layout; the Parquet writer's input from the message itself,
 * or, where arrow decoded it (compressed buffers), from arrow's batch, as the calling thread would.
 */
async function batchOutput(task: StreamTask, plan: OutputPlan): Promise<BatchOutput> {
  if (plan.format === 'parquet') {
    if (!task.compressedBuffers) {
      const parquetIpc = (await import('../src/sinks/parquet-ipc.js')).parquetIpcOf(plan);
      return (message) => parquetIpc(message);
    }
    const [{ decodeSchema }, { unpackBatch }, { parquetIpcStreamOf }] = await Promise.all([
      import('../src/arrow/schema-message.js'), import('../src/arrow/transfer.js'), import('../src/sinks/parquet-slices.js'),
    ]);
    const schema = decodeSchema(task.schemaMessage);
    const ipcOf = parquetIpcStreamOf();
    return (_message, packed) => ipcOf(unpackBatch(schema, packed));
  }
  const [{ rowsTextOf, rowWriterOf }, { columnsOfPacked }] = await Promise.all([import('../src/sinks/text/row-text.js'), import('../src/sinks/text/column-data.js')]);
  const rowsText = rowsTextOf(rowWriterOf(plan));
  return (_message, packed) => rowsText(columnsOfPacked(packed), 0, packed.numRows);
}

/** Auth whose tokens are renewed, so an UNAUTHENTICATED after expiry deserves one more try with a fresh one. */
const refreshes = (connection: ConnectionConfig) => connection.auth.kind === 'brokered' || connection.auth.kind === 'google';

export default function readStream(task: StreamTask): Promise<StreamTaskResult> {
  return readStreamWith(task, threadClients);
}

export async function readStreamWith(task: StreamTask, clients: ReadClients): Promise<StreamTaskResult> {
  const started = performance.now();
  const link = new CoordinatorLink(task.port, task.initialCredit);
  const result: StreamTaskResult = {
    status: 'done', stream: task.stream, rows: 0, bytes: 0, batches: 0, retries: 0, maxThrottlePercent: 0, ms: 0, bytesNotDetached: 0,
  };
  let call: ClientReadableStream<Buffer> | undefined;
  link.whenCancelled(() => call?.cancel());
  try {
    if (task.compressedBuffers) await (await import('../src/arrow/codecs.js')).registerArrowCodecs();
    const client = clients.for(task.connection);
    // Batches go out as layouts read straight from their messages; arrow decodes what that cannot
    // take, every batch of a session with compressed buffers (the coordinator sends no plan then:
    // not worth a framing check twice per message) and a rare misaligned one.
    const layouts = task.layoutPlan && new MessageLayout(task.layoutPlan);
    let viaArrow: ArrowPacker | undefined;
    let toOutput: BatchOutput | undefined;
    const brokered = task.connection.auth.kind === 'brokered';
    let stream = task.stream;
    let offset = task.offset;
    let failuresInARow = 0;
    let refreshedAfterRejection = false;
    while (!link.cancelled) {
      // Every connect and reconnect gets a token of its own, so a stream paused for an hour does
      // not come back with the one it started with.
      const token = brokered ? await link.token() : undefined;
      if (link.cancelled) break;
      call = client.readRows(stream, offset, { token });
      let responses = (call as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      let pending: Promise<IteratorResult<Buffer>> | undefined;
      try {
        for (;;) {
          // Credit before the next response leaves the call: a paused stream then holds no decoded
          // batch, only grpc-js's one read-ahead message and the HTTP/2 window.
          await link.creditAvailable();
          if (link.cancelled) break;
          pending ??= responses.next();
          const next = await Promise.race([pending, link.switchRequested().then((): typeof SWITCH => SWITCH)]);
          if (next === SWITCH) {
            const primary = link.takeSwitch()!;
            const opened = await openPrimary(client, primary, offset, brokered ? await link.token() : undefined);
            if (link.cancelled) {
              opened.call?.cancel();
              break;
            }
            if (!opened.call) {
              link.post({ type: 'switch-refused', stream: primary, reason: opened.refusal });
              continue;
            }
            // The original's response in flight is dropped with its call; the primary serves the same rows.
            pending.catch(() => undefined);
            call.cancel();
            call = opened.call;
            responses = opened.responses;
            pending = Promise.resolve(opened.first);
            stream = primary;
            result.stream = stream;
            link.post({ type: 'switched', stream });
            continue;
          }
          pending = undefined;
          if (next.done) break;
          const chunk = decodeReadRowsResponse(next.value);
          if (chunk.rowCount === 0 || !chunk.recordBatch) continue;
          // Read before the response's memory may be given away with the batch.
          const responseBytes = next.value.byteLength;
          const message = ownedAlignedMessage(decompressResponseRows(chunk.recordBatch, chunk.uncompressedByteSize), next.value);
          const packed = layouts?.pack(message, chunk.rowCount) ?? (viaArrow ??= await arrowPacker(task.schemaMessage))(message, chunk.rowCount);
          // What goes out, the batch or the output's bytes, is what the credit pays for.
          let size: number;
          if (task.output) {
            const output = (toOutput ??= await batchOutput(task, task.output))(message, packed);
            size = output.byteLength;
            const arrowBytes = packed.memory.byteLength;
            link.post({ type: 'output', output, rows: chunk.rowCount, arrowBytes, offset, responseBytes, progress: chunk.progressAtEnd }, [output.buffer as ArrayBuffer]);
            result.bytesNotDetached += output.buffer.byteLength;
          } else {
            size = packed.memory.byteLength;
            link.post({ type: 'batch', packed, offset, responseBytes, progress: chunk.progressAtEnd }, [packed.memory]);
            // A transferred ArrayBuffer is detached on this side; anything else means it was copied.
            result.bytesNotDetached += packed.memory.byteLength;
          }
          link.spend(size);
          offset += chunk.rowCount;
          result.rows += chunk.rowCount;
          result.bytes += size;
          result.batches++;
          result.maxThrottlePercent = Math.max(result.maxThrottlePercent, chunk.throttlePercent);
          failuresInARow = 0;
          refreshedAfterRejection = false;
        }
        break;
      } catch (err) {
        if (link.cancelled) break;
        if (err instanceof CorruptBatchError) throw err;
        const serviceError = err as ServiceError;
        let delayMs: number;
        if (serviceError.code === Status.UNAUTHENTICATED && refreshes(task.connection) && !refreshedAfterRejection) {
          // A token that expired between fetch and use: one more try with a fresh one, at once.
          refreshedAfterRejection = true;
          delayMs = 0;
        } else {
          const decision = classifyReadError(serviceError);
          failuresInARow++;
          if (!decision.retryable || failuresInARow > task.retry.maxRetries) throw err;
          delayMs = decision.serverDelayMs ?? backoffMs(failuresInARow, task.retry);
        }
        result.retries++;
        link.post({ type: 'retry', code: serviceError.code, details: serviceError.details ?? serviceError.message, offset, delayMs });
        await link.backoff(delayMs);
      }
    }
    // A switch asked for as the stream ended: the task stays (stayed) on its stream.
    const unanswered = link.takeSwitch();
    if (unanswered !== undefined) link.post({ type: 'switch-refused', stream: unanswered, reason: 'the stream ended first' });
    if (link.cancelled) result.status = 'cancelled';
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
    link.close();
  }
  result.ms = performance.now() - started;
  return result;
}

// The protocol's generated code loads as the thread loads, while the coordinator waits for its
// session, not on the first task; so a loaded thread (WORKER_LOADED) is ready to read.
readApiTypes();
