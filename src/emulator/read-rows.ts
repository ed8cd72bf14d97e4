import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata, status as Status, type ServerWritableStream } from '@grpc/grpc-js';
import { decodeRecordBatch } from '../arrow/batch-message.js';
import { encodeBatchMessage } from '../arrow/ipc-messages.js';
import { bufferView } from '../bytes.js';
import { decompressResponseRows } from '../arrow/response-codec.js';
import { readApiTypes } from '../protocol/protos.js';
import type { ReadRowsRequest } from '../protocol/messages.js';
import { encodeRetryInfoStatus, STATUS_DETAILS_KEY } from '../protocol/status-details.js';
import { ApiError } from './api-error.js';
import { StreamPacer, type ServicePace } from './pace.js';
import { faultCode, type ArmedFault, type FaultPlan } from './faults.js';
import { responseCompressed } from './response-compression.js';
import type { EncodedUnit, StreamState } from './session-state.js';
import { streamRowCount } from './session-state.js';

export interface ReadRowsContext {
  readonly faults: FaultPlan;
  /** The service's pace to imitate; none serves as fast as loopback allows. */
  readonly pace?: ServicePace;
  /** Responses written to their calls that have not gone out to the connection grew by `delta`. */
  ahead(delta: number): void;
  /** A response of `bytes` went out to the connection. */
  sent(bytes: number): void;
  /** Tears down the TCP connection the call arrived on. */
  dropConnection(call: ServerWritableStream<ReadRowsRequest, Buffer>): void;
}

/** A unit's rows from `skip` on: resuming mid-batch re-encodes the tail, as the service does. */
function unitTail(stream: StreamState, unit: EncodedUnit, skip: number): EncodedUnit {
  if (skip === 0) return unit;
  const session = stream.session;
  const batch = decodeRecordBatch(session.schemaMessage, decompressResponseRows(unit.message, unit.uncompressedByteSize), unit.rowCount);
  const tail = batch.slice(skip, batch.numRows);
  const message = bufferView(encodeBatchMessage(tail, session.schemaMessage.byteLength, session.bufferCompression));
  return session.responseCompression
    ? { rowCount: tail.numRows, ...responseCompressed(message) }
    : { rowCount: tail.numRows, message };
}

/**
 * Responses a call may have written that the connection has not taken yet. Two keep the
 * connection busy while the next is encoded; more only piles encoded bytes up in memory ahead of
 * a slow reader, and makes every call of a many-stream session encode a burst before the first
 * response of any of them goes out.
 */
export const RESPONSES_AHEAD = 2;

/** Settles when the call ends, however it ends (the reader left, the emulator closed). */
function ended(call: ServerWritableStream<ReadRowsRequest, Buffer>): Promise<void> {
  return new Promise((resolve) => {
    call.once('cancelled', () => resolve());
    call.once('close', () => resolve());
  });
}

/**
 * Breaks the unit's Arrow message so no reader can decode it (the metadata length points past the
 * end). With response compression the broken message is compressed again, so the LZ4 block stays
 * valid and it is the Arrow message, as with the service, that fails.
 */
function corrupt(stream: StreamState, unit: EncodedUnit): EncodedUnit {
  const message = decompressResponseRows(unit.message, unit.uncompressedByteSize);
  const broken = Buffer.from(message.subarray(0, Math.max(8, message.byteLength >> 1)));
  broken.writeInt32LE(0x7ffffff0, 4);
  return stream.session.responseCompression
    ? { rowCount: unit.rowCount, ...responseCompressed(broken) }
    : { rowCount: unit.rowCount, message: broken };
}

function faultError(fault: ArmedFault): ApiError {
  const code = faultCode(fault.spec);
  const message = fault.spec.message ?? `injected fault: ${Status[code]}`;
  const metadata = new Metadata();
  if (fault.spec.retryDelayMs !== undefined) {
    metadata.set(STATUS_DETAILS_KEY, encodeRetryInfoStatus(code, message, fault.spec.retryDelayMs));
  }
  return new ApiError(code, message, metadata);
}

/**
 * Streams a ReadRows call: locate `offset`, then send each unit as one response with the schema in
 * the first, honouring flow control, cancellation and faults.
 */
export async function serveReadRows(
  call: ServerWritableStream<ReadRowsRequest, Buffer>,
  stream: StreamState,
  offset: number,
  ctx: ReadRowsContext,
): Promise<void> {
  const session = stream.session;
  const encoding = session.encoding();
  const rowsOf = (unit: number) => encoding.knownRows(unit) ?? encoding.unit(unit).rowCount;
  const totalRows = await streamRowCount(stream, encoding);
  // The service's answer to an offset past a stream's end, measured against it (goccy/bigquery-emulator#507):
  // at the row count the stream just ends; past it, FAILED_PRECONDITION. A split's primary refuses
  // a reader that has passed the split point this way.
  if (offset > totalRows) {
    throw new ApiError(Status.FAILED_PRECONDITION, `offset ${offset} has not been allocated yet`);
  }
  const faults = ctx.faults.forCall(session.table.name, session.streamList.indexOf(stream));
  const { ReadRowsResponse } = readApiTypes();

  let unitIndex = stream.start;
  let rowsBefore = 0;
  while (unitIndex < stream.end && rowsBefore + rowsOf(unitIndex) <= offset) {
    rowsBefore += rowsOf(unitIndex);
    unitIndex++;
  }
  let skip = offset - rowsBefore;
  let sent = 0;
  let position = offset;
  // Delay and throttle faults act on every response of a call but count `times` per call.
  const claimed = new Set<ArmedFault>();
  const pacer = new StreamPacer(ctx.pace);
  /** Settles once the last response written has gone out to the connection. */
  let flushed = Promise.resolve();
  /** Responses written and not yet gone out to the connection. */
  let ahead = 0;
  let over = false;
  /** Ends the wait for room: a response went out, or the call ended. */
  let wake = () => {};
  void ended(call).then(() => {
    // A call that ends early (the reader cancelled or failed) never sends what it had written.
    over = true;
    ctx.ahead(-ahead);
    ahead = 0;
    wake();
  });

  for (; unitIndex < stream.end && !call.cancelled; unitIndex++) {
    if (rowsOf(unitIndex) === 0) continue;
    const stored = encoding.unit(unitIndex);
    let throttlePercent = 0;
    for (const fault of faults) {
      if (sent < (fault.spec.afterResponses ?? 0)) continue;
      const { kind } = fault.spec;
      if (kind === 'delay' || kind === 'throttle') {
        if (!claimed.has(fault)) {
          if (!ctx.faults.consume(fault)) continue;
          claimed.add(fault);
        }
        // A delay ends with its call: a long one outliving a client that went away would hold the
        // emulator's process open after close.
        if (kind === 'delay') await untilCancelled(call, fault.spec.delayMs ?? 0);
        else throttlePercent = fault.spec.throttlePercent ?? 0;
      } else if (sent === (fault.spec.afterResponses ?? 0) && kind !== 'corrupt' && ctx.faults.consume(fault)) {
        if (kind === 'drop') {
          // "After N responses" means after the client could have them: a socket destroyed with
          // responses still in its write buffers would drop those too, as no real cut after N does.
          if (!call.cancelled) await Promise.race([flushed, new Promise((resolve) => call.once('cancelled', resolve))]);
          if (!call.cancelled) ctx.dropConnection(call);
          return;
        }
        throw faultError(fault);
      }
    }
    if (call.cancelled) return;

    const tail = unitTail(stream, stored, skip);
    skip = 0;
    const corruptFault = faults.find(
      (f) => f.spec.kind === 'corrupt' && sent === (f.spec.afterResponses ?? 0) && f.remaining > 0,
    );
    const unit = corruptFault && ctx.faults.consume(corruptFault) ? corrupt(stream, tail) : tail;
    const response: Record<string, unknown> = {
      arrowRecordBatch: { serializedRecordBatch: unit.message },
      rowCount: unit.rowCount,
      stats: { progress: { atResponseStart: position / totalRows, atResponseEnd: (position + unit.rowCount) / totalRows } },
      throttleState: { throttlePercent },
    };
    if (sent === 0) response.arrowSchema = { serializedSchema: session.schemaMessage };
    if (unit.uncompressedByteSize !== undefined) response.uncompressedByteSize = unit.uncompressedByteSize;
    const bytes = bufferView(ReadRowsResponse.encode(ReadRowsResponse.fromObject(response)).finish());
    await pacer.beforeResponse(bytes.byteLength, () => call.cancelled);
    if (call.cancelled) return;
    position += unit.rowCount;
    sent++;
    flushed = new Promise<void>((resolve) => {
      call.write(bytes, () => {
        ctx.sent(bytes.byteLength);
        if (!over) {
          ahead--;
          ctx.ahead(-1);
        }
        wake();
        resolve();
      });
    });
    ahead++;
    ctx.ahead(1);
    while (ahead >= RESPONSES_AHEAD && !over) await new Promise<void>((resolve) => (wake = resolve));
  }
  call.end();
}

/** Waits `ms`, or less if the call is cancelled first (the client went away, the server closed). */
async function untilCancelled(call: ServerWritableStream<unknown, unknown>, ms: number): Promise<void> {
  if (call.cancelled) return;
  const stop = new AbortController();
  const cancelled = () => stop.abort();
  call.once('cancelled', cancelled);
  try {
    await sleep(ms, undefined, { signal: stop.signal }).catch(() => undefined);
  } finally {
    call.off('cancelled', cancelled);
  }
}
