import { randomBytes } from 'node:crypto';
import { CompressionType, type RecordBatch } from 'apache-arrow';
import { encodeBatchMessage, encodeSchemaMessage } from '../arrow/ipc-messages.js';
import { takeRows } from '../arrow/take.js';
import {
  formatSessionName,
  formatStreamName,
  parseProjectName,
  parseTablePath,
  tablePathProblem,
  isValidProjectId,
  formatTablePath,
} from '../protocol/names.js';
import type { ProtoObject } from '../protocol/service.js';
import { invalidArgument, notFound } from './api-error.js';
import { compileProjection, SelectedFieldError } from './projection.js';
import { compileRowRestriction, RowRestrictionError } from './row-restriction/index.js';
import { responseCompressed } from './response-compression.js';
import type { EncodedUnit, SessionState, StreamState } from './session-state.js';
import type { StoredTable, TableStore } from './table-store.js';

export interface SessionLimits {
  readonly location: string;
  readonly sessionLifetimeMs: number;
  /** Target size of one ReadRows response's Arrow data. */
  readonly batchTargetBytes: number;
  readonly maxBatchRows: number;
}

const MAX_STREAMS = 1000;
/** How much data the emulator puts in one stream when the caller lets it decide (max_stream_count 0). */
const SERVER_CHOSEN_BYTES_PER_STREAM = 32 * 1024 * 1024;
/** BigQuery time travel reaches back seven days. */
const TIME_TRAVEL_WINDOW_MS = 7 * 24 * 3600 * 1000;

const BUFFER_COMPRESSION: Record<string, CompressionType | null> = {
  COMPRESSION_UNSPECIFIED: null,
  LZ4_FRAME: CompressionType.LZ4_FRAME,
  ZSTD: CompressionType.ZSTD,
};

/** Resource ids shaped like the service's (base64url, no padding). */
export function newResourceId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function snapshotMillis(modifiers: ProtoObject | null | undefined): number | undefined {
  const ts = modifiers?.snapshotTime;
  if (!ts) return undefined;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
}

function validateSnapshot(table: StoredTable, snapshotMs: number, nowMs: number): void {
  const iso = new Date(snapshotMs).toISOString();
  if (snapshotMs > nowMs) throw invalidArgument(`Invalid snapshot_time ${iso}: it is in the future`);
  if (snapshotMs < nowMs - TIME_TRAVEL_WINDOW_MS) {
    throw invalidArgument(`Invalid snapshot_time ${iso}: it is outside the 7-day time travel window`);
  }
  if (snapshotMs < table.createdAtMs) {
    throw invalidArgument(
      `Invalid snapshot_time ${iso}: table ${table.name} was created at ${new Date(table.createdAtMs).toISOString()}`,
    );
  }
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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  const parentProject = parseProjectName(request.parent ?? '');
  if (!parentProject || !isValidProjectId(parentProject)) {
    throw invalidArgument(`Invalid parent "${request.parent ?? ''}": expected projects/{project_id}`);
  }
  const requested: ProtoObject | null = request.readSession ?? null;
  if (!requested) throw invalidArgument('read_session is required');
  const tablePath = parseTablePath(requested.table ?? '');
  if (!tablePath) {
    throw invalidArgument(
      `Invalid table "${requested.table ?? ''}": expected projects/{project_id}/datasets/{dataset_id}/tables/{table_id}`,
    );
  }
  const pathProblem = tablePathProblem(tablePath);
  if (pathProblem) throw invalidArgument(`Invalid table "${requested.table}": ${pathProblem}`);

  if (requested.dataFormat === 'AVRO') {
    throw invalidArgument('data_format AVRO is not supported by this emulator: request ARROW');
  }
  if (requested.dataFormat !== 'ARROW') {
    throw invalidArgument(`data_format must be ARROW (got ${requested.dataFormat ?? 'DATA_FORMAT_UNSPECIFIED'})`);
  }

  const table = store.get(tablePath);
  if (!table) {
    throw notFound(`Not found: Table ${tablePath.projectId}:${tablePath.datasetId}.${tablePath.tableId}`);
  }

  const maxStreamCount = Number(request.maxStreamCount ?? 0);
  const preferredMin = Number(request.preferredMinStreamCount ?? 0);
  if (maxStreamCount < 0) throw invalidArgument(`max_stream_count must not be negative (got ${maxStreamCount})`);
  if (preferredMin < 0) throw invalidArgument(`preferred_min_stream_count must not be negative (got ${preferredMin})`);

  const options: ProtoObject = requested.readOptions ?? {};
  const selectedFields: string[] = options.selectedFields ?? [];
  let projection;
  try {
    projection = compileProjection(table.schema, selectedFields);
  } catch (err) {
    if (err instanceof SelectedFieldError) throw invalidArgument(err.message);
    throw err;
  }

  const restrictionText = String(options.rowRestriction ?? '').trim();
  let restriction;
  try {
    restriction = restrictionText ? compileRowRestriction(restrictionText, table.schema) : undefined;
  } catch (err) {
    if (err instanceof RowRestrictionError) throw invalidArgument(`Invalid row_restriction: ${err.message}`);
    throw err;
  }

  const samplePercentage = options.samplePercentage === undefined || options.samplePercentage === null
    ? undefined
    : Number(options.samplePercentage);
  if (samplePercentage !== undefined && !(samplePercentage > 0 && samplePercentage <= 100)) {
    throw invalidArgument(`sample_percentage must be in (0, 100] (got ${samplePercentage})`);
  }

  const compressionName: string = options.arrowSerializationOptions?.bufferCompression ?? 'COMPRESSION_UNSPECIFIED';
  const bufferCompression = BUFFER_COMPRESSION[compressionName];
  if (bufferCompression === undefined) throw invalidArgument(`Unsupported buffer_compression ${compressionName}`);
  const responseCodec: string = options.responseCompressionCodec ?? 'RESPONSE_COMPRESSION_CODEC_UNSPECIFIED';
  const responseCompression = responseCodec === 'RESPONSE_COMPRESSION_CODEC_LZ4';
  if (responseCompression && bufferCompression !== null) {
    throw invalidArgument(
      'Setting both arrow_serialization_options.buffer_compression and response_compression_codec is not allowed: choose at most one',
    );
  }

  const snapshotMs = snapshotMillis(requested.tableModifiers);
  if (snapshotMs !== undefined) validateSnapshot(table, snapshotMs, nowMs);

  const visible = table.batchesAsOf(snapshotMs);
  const cap = maxStreamCount > 0 ? Math.min(maxStreamCount, MAX_STREAMS) : MAX_STREAMS;
  const visibleBytes = visible.reduce((n, b) => n + estimateBatchBytes(b), 0);
  const serverChoice = Math.max(preferredMin, Math.ceil(visibleBytes / SERVER_CHOSEN_BYTES_PER_STREAM), 1);
  const wantedStreams = Math.min(cap, maxStreamCount > 0 ? maxStreamCount : serverChoice);
  const { rowsPerUnit, pieces } = carveUnits(visible, wantedStreams, limits);
  const encode = () => {
    const schemaMessage = asBuffer(encodeSchemaMessage(projection.schema));
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
      const message = asBuffer(encodeBatchMessage(rows, schemaMessage.byteLength, bufferCompression));
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

  const rowCount = units.reduce((n, u) => n + u.rowCount, 0);
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
    estimatedTotalPhysicalFileSize: visibleBytes,
    estimatedRowCount: rowCount,
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
