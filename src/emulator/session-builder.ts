import { randomBytes } from 'node:crypto';
import type { RecordBatch } from 'apache-arrow';
import { encodeBatchMessage, encodeSchemaMessage } from '../arrow/ipc-messages.js';
import { takeRows } from '../arrow/take.js';
import { bufferView } from '../bytes.js';
import { formatSessionName, formatStreamName, formatTablePath } from '../protocol/names.js';
import type { ProtoObject } from '../protocol/service.js';
import { responseCompressed } from './response-compression.js';
import { planSession } from './session-request.js';
import type { EncodedUnit, SessionState, StreamState } from './session-state.js';
import type { TableStore } from './table-store.js';

export interface SessionLimits {
  readonly location: string;
  readonly sessionLifetimeMs: number;
  /** Target size of one ReadRows response's Arrow data. */
  readonly batchTargetBytes: number;
  readonly maxBatchRows: number;
}

/** The service's cap on streams per session. */
const MAX_STREAMS = 1000;
/** How much data the emulator puts in one stream when the caller lets it decide (max_stream_count 0). */
const SERVER_CHOSEN_BYTES_PER_STREAM = 32 * 1024 * 1024;
/** Resource ids shaped like the service's (base64url, no padding). */
export function newResourceId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Deterministic per-row keep/drop for sample_percentage (a hash of the row's position). */
function sampleIndices(firstRow: number, rowCount: number, percentage: number): Int32Array {
  const threshold = (percentage / 100) * 2 ** 32;
  const kept: number[] = [];
  for (let i = 0; i < rowCount; i++) {
    let h = Math.imul((firstRow + i) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    if (h < threshold) kept.push(i);
  }
  return Int32Array.from(kept);
}

function intersectSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return Int32Array.from(out);
}

function estimateBatchBytes(batch: RecordBatch): number {
  let bytes = 0;
  const visit = (data: RecordBatch['data']): void => {
    for (const buffer of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds]) bytes += buffer?.byteLength ?? 0;
    for (const child of data.children) visit(child as RecordBatch['data']);
  };
  visit(batch.data);
  return bytes;
}

/** Slices the visible rows into response-sized pieces, small enough to give each wanted stream one. */
function carveUnits(batches: RecordBatch[], wantedStreams: number, limits: SessionLimits): { rowsPerUnit: number; pieces: RecordBatch[] } {
  const totalRows = batches.reduce((n, b) => n + b.numRows, 0);
  if (totalRows === 0) return { rowsPerUnit: 0, pieces: [] };
  const totalBytes = batches.reduce((n, b) => n + estimateBatchBytes(b), 0);
  const bytesPerRow = Math.max(1, totalBytes / totalRows);
  // floor, not ceil: ceil(rows / wanted)-row units can number fewer than `wanted` (3000 rows, 999 wanted: 750).
  const rowsPerUnit = Math.max(
    1,
    Math.min(limits.maxBatchRows, Math.floor(limits.batchTargetBytes / bytesPerRow), Math.floor(totalRows / wantedStreams)),
  );
  const pieces: RecordBatch[] = [];
  for (const batch of batches) {
    for (let start = 0; start < batch.numRows; start += rowsPerUnit) {
      pieces.push(batch.slice(start, Math.min(batch.numRows, start + rowsPerUnit)));
    }
  }
  return { rowsPerUnit, pieces };
}

export interface CreatedSession {
  readonly state: SessionState;
  readonly response: ProtoObject;
}

/** Validates a CreateReadSession request the way the service does and builds the session. */
export function createSession(
  request: ProtoObject,
  store: TableStore,
  limits: SessionLimits,
  nowMs = Date.now(),
): CreatedSession {
  const {
    parentProject, tablePath, table, maxStreamCount, preferredMin, projection, restriction,
    samplePercentage, bufferCompression, responseCompression, snapshotMs,
  } = planSession(request, store, nowMs);
  const requested: ProtoObject = request.readSession;

  const visible = table.batchesAsOf(snapshotMs);
  const cap = maxStreamCount > 0 ? Math.min(maxStreamCount, MAX_STREAMS) : MAX_STREAMS;
  const visibleBytes = visible.reduce((n, b) => n + estimateBatchBytes(b), 0);
  const serverChoice = Math.max(preferredMin, Math.ceil(visibleBytes / SERVER_CHOSEN_BYTES_PER_STREAM), 1);
  const wantedStreams = Math.min(cap, maxStreamCount > 0 ? maxStreamCount : serverChoice);
  const { rowsPerUnit, pieces } = carveUnits(visible, wantedStreams, limits);
  const encode = () => {
    const schemaMessage = bufferView(encodeSchemaMessage(projection.schema));
    const units: EncodedUnit[] = [];
    let firstRow = 0;
    for (const piece of pieces) {
      let indices = restriction ? restriction.filter(piece) : undefined;
      if (samplePercentage !== undefined && samplePercentage < 100) {
        const sampled = sampleIndices(firstRow, piece.numRows, samplePercentage);
        indices = indices ? intersectSorted(indices, sampled) : sampled;
      }
      firstRow += piece.numRows;
      const projected = projection.apply(piece);
      const rows = indices && indices.length !== piece.numRows ? takeRows(projected, indices) : projected;
      if (rows.numRows === 0) {
        units.push({ rowCount: 0, message: Buffer.alloc(0) });
        continue;
      }
      const message = bufferView(encodeBatchMessage(rows, schemaMessage.byteLength, bufferCompression));
      units.push(responseCompression ? { rowCount: rows.numRows, ...responseCompressed(message) } : { rowCount: rows.numRows, message });
    }
    return { schemaMessage, units };
  };
  // Sessions that read the same rows the same way share one encoding: batches are encoded once and
  // served from memory, however many sessions read them.
  const filtered = restriction !== undefined || (samplePercentage !== undefined && samplePercentage < 100);
  const { schemaMessage, units } = filtered
    ? encode()
    : table.encoding(
        [table.generation, visible.length, rowsPerUnit, projection.schema.fields.map(String).join(','), bufferCompression, responseCompression].join('|'),
        encode,
      );

  const sessionId = newResourceId(24);
  const sessionName = formatSessionName(parentProject, limits.location, sessionId);
  const streamCount = Math.min(wantedStreams, units.length);
  const state: SessionState = {
    id: sessionId,
    name: sessionName,
    projectId: parentProject,
    location: limits.location,
    table,
    schema: projection.schema,
    schemaMessage,
    units,
    streams: new Map(),
    streamList: [],
    bufferCompression,
    responseCompression,
    createdAtMs: nowMs,
    expireAtMs: nowMs + limits.sessionLifetimeMs,
  };
  for (let s = 0; s < streamCount; s++) {
    addStream(state, Math.floor((s * units.length) / streamCount), Math.floor(((s + 1) * units.length) / streamCount));
  }

  const response: ProtoObject = {
    name: sessionName,
    expireTime: { seconds: Math.floor(state.expireAtMs / 1000), nanos: (state.expireAtMs % 1000) * 1e6 },
    dataFormat: 'ARROW',
    arrowSchema: { serializedSchema: schemaMessage },
    table: formatTablePath(tablePath),
    tableModifiers: requested.tableModifiers ?? undefined,
    readOptions: requested.readOptions ?? undefined,
    streams: state.streamList.map((s) => ({ name: s.name })),
    estimatedTotalBytesScanned: visible.reduce((n, b) => n + estimateBatchBytes(projection.apply(b)), 0),
    // stream.proto: "only set for BigLake tables"; emulated tables are BigQuery-managed, so it stays unset.
    // stream.proto: an estimate "based on metadata from the table": the table's row count at the
    // snapshot, blind to what row_restriction and sample_percentage keep.
    estimatedRowCount: visible.reduce((n, b) => n + b.numRows, 0),
    traceId: requested.traceId ?? '',
  };
  return { state, response };
}

/** Registers a stream over units [start, end) of the session. */
export function addStream(session: SessionState, start: number, end: number): StreamState {
  const id = newResourceId(12);
  const stream: StreamState = {
    id,
    name: formatStreamName({ projectId: session.projectId, location: session.location, sessionId: session.id, streamId: id }),
    session,
    start,
    end,
    servedEnd: start,
  };
  session.streams.set(id, stream);
  session.streamList.push(stream);
  return stream;
}
