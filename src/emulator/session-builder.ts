import { randomBytes } from 'node:crypto';
import type { RecordBatch } from 'apache-arrow';
import { dataBytes } from '../arrow/data-bytes.js';
import { encodeSchemaMessage } from '../arrow/ipc-messages.js';
import { bufferView } from '../bytes.js';
import { formatSessionName, formatStreamName, formatTablePath } from '../protocol/names.js';
import type { CreateReadSessionRequest, ReadSession } from '../protocol/messages.js';
import type { EncodingCache } from './encoding-cache.js';
import { planSession, type SessionPlan } from './session-request.js';
import { LazySessionEncoding, unitCountOf, type EncodingCounters, type EncodingRecipe } from './session-encoding.js';
import type { SessionState, StreamState } from './session-state.js';
import { sessionStreamCount, storageBlockCount } from './stream-count.js';
import type { StoredTable, TableStore } from './table-store.js';

export interface SessionLimits {
  readonly location: string;
  readonly sessionLifetimeMs: number;
  /** Target size of one ReadRows response's Arrow data. */
  readonly batchTargetBytes: number;
  readonly maxBatchRows: number;
  /** The smallest storage block a table's rows are kept in: a session has at most a stream per block. */
  readonly storageBlockBytes: number;
}

/** Resource ids shaped like the service's (base64url, no padding). */
export function newResourceId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * How many rows go in one unit (a response's rows; streams are ranges of units): a response's
 * worth, and few enough that each stream gets at least one unit.
 */
function rowsPerUnit(totalRows: number, totalBytes: number, streams: number, limits: SessionLimits): number {
  if (totalRows === 0) return 0;
  const bytesPerRow = Math.max(1, totalBytes / totalRows);
  // floor, not ceil: ceil(rows / streams)-row units can number fewer than `streams` (3000 rows, 999 streams: 750).
  return Math.max(
    1,
    Math.min(limits.maxBatchRows, Math.floor(limits.batchTargetBytes / bytesPerRow), Math.floor(totalRows / streams)),
  );
}

export interface CreatedSession {
  readonly state: SessionState;
  readonly response: ReadSession;
}

/**
 * The cache key of a session's encoding: sessions reading the same table version with the same
 * units, columns, filter, sample and compression share one.
 */
function encodingKey(table: StoredTable, visible: readonly RecordBatch[], rows: number, plan: SessionPlan): string {
  return [
    table.uid, table.generation, visible.length, rows, plan.projection.schema.fields.map(String).join(','),
    plan.restriction?.text ?? '', plan.samplePercentage ?? 100, plan.bufferCompression, plan.responseCompression,
  ].join('|');
}

/**
 * Validates a CreateReadSession request the way the service does and builds the session; its rows
 * are encoded on first read, through `cache`.
 */
export function createSession(
  request: CreateReadSessionRequest,
  store: TableStore,
  limits: SessionLimits,
  cache: EncodingCache,
  counters: EncodingCounters,
  nowMs = Date.now(),
): CreatedSession {
  const plan = planSession(request, store, nowMs);
  const { parentProject, tablePath, table, maxStreamCount, preferredMin, projection, snapshotMs } = plan;
  // planSession has refused a request without one.
  const requested = request.readSession!;

  const visible = table.batchesAsOf(snapshotMs);
  const visibleRows = visible.reduce((n, b) => n + b.numRows, 0);
  const tableBytes = visible.reduce((n, b) => n + dataBytes(b.data), 0);
  const streamCount = sessionStreamCount({
    tableRows: visibleRows,
    tableBytes,
    maxStreamCount,
    preferredMinStreamCount: preferredMin,
    storageBlockBytes: limits.storageBlockBytes,
  });
  const rows = rowsPerUnit(visibleRows, tableBytes, streamCount, limits);
  const unitCount = unitCountOf(visible, rows);
  const schemaMessage = bufferView(encodeSchemaMessage(projection.schema));
  const recipe: EncodingRecipe = { visible, rowsPerUnit: rows, plan, schemaBytes: schemaMessage.byteLength };
  const key = encodingKey(table, visible, rows, plan);

  const sessionId = newResourceId(24);
  const sessionName = formatSessionName(parentProject, limits.location, sessionId);
  const state: SessionState = {
    id: sessionId,
    name: sessionName,
    projectId: parentProject,
    location: limits.location,
    table,
    schema: projection.schema,
    schemaMessage,
    unitCount,
    unitsPerBlock: Math.max(1, unitCount / Math.max(1, storageBlockCount(visibleRows, tableBytes, limits.storageBlockBytes))),
    encoding: () => cache.get(key, (grew) => new LazySessionEncoding(recipe, counters, grew)),
    streams: new Map(),
    streamList: [],
    bufferCompression: plan.bufferCompression,
    responseCompression: plan.responseCompression,
    createdAtMs: nowMs,
    expireAtMs: nowMs + limits.sessionLifetimeMs,
  };
  for (let s = 0; s < streamCount; s++) {
    addStream(state, Math.floor((s * unitCount) / streamCount), Math.floor(((s + 1) * unitCount) / streamCount));
  }

  const response: ReadSession = {
    name: sessionName,
    expireTime: { seconds: Math.floor(state.expireAtMs / 1000), nanos: (state.expireAtMs % 1000) * 1e6 },
    dataFormat: 'ARROW',
    arrowSchema: { serializedSchema: schemaMessage },
    table: formatTablePath(tablePath),
    tableModifiers: requested.tableModifiers ?? null,
    readOptions: requested.readOptions ?? null,
    streams: state.streamList.map((s) => ({ name: s.name })),
    estimatedTotalBytesScanned: visible.reduce((n, b) => n + dataBytes(projection.apply(b).data), 0),
    // stream.proto: "only set for BigLake tables"; emulated tables are BigQuery-managed, so it stays unset.
    // stream.proto: an estimate "based on metadata from the table": the table's row count at the
    // snapshot, blind to what row_restriction and sample_percentage keep.
    estimatedRowCount: visibleRows,
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
  };
  session.streams.set(id, stream);
  session.streamList.push(stream);
  return stream;
}
