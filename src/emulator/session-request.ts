import { CompressionType, type RecordBatch } from 'apache-arrow';
import { isValidProjectId, parseProjectName, parseTablePath, tablePathProblem, type TablePath } from '../protocol/names.js';
import type { CreateReadSessionRequest, TableModifiers } from '../protocol/messages.js';
import { invalidArgument, notFound } from './api-error.js';
import { compileProjection, SelectedFieldError, type Projection } from './projection.js';
import { compileRowRestriction, RowRestrictionError, type CompiledRestriction } from './row-restriction/index.js';
import type { StoredTable, TableStore } from './table-store.js';
import { compileTimestampPrecision, type PicosPrecision } from './timestamp-precision.js';

/** BigQuery time travel reaches back seven days. */
const TIME_TRAVEL_WINDOW_MS = 7 * 24 * 3600 * 1000;

const BUFFER_COMPRESSION: Record<string, CompressionType | null> = {
  COMPRESSION_UNSPECIFIED: null,
  LZ4_FRAME: CompressionType.LZ4_FRAME,
  ZSTD: CompressionType.ZSTD,
};

/** arrow.proto: PicosTimestampPrecision; unspecified means microseconds. */
const PICOS_PRECISION: Record<string, PicosPrecision> = {
  PICOS_TIMESTAMP_PRECISION_UNSPECIFIED: 'MICROS',
  TIMESTAMP_PRECISION_MICROS: 'MICROS',
  TIMESTAMP_PRECISION_NANOS: 'NANOS',
  TIMESTAMP_PRECISION_PICOS: 'PICOS',
};

/** A CreateReadSession request checked the way the service checks it, with its options resolved. */
export interface SessionPlan {
  /** The billing project (the request's parent). */
  readonly parentProject: string;
  readonly tablePath: TablePath;
  readonly table: StoredTable;
  readonly maxStreamCount: number;
  readonly preferredMin: number;
  /** selected_fields, then picos_timestamp_precision applied to what they keep. */
  readonly projection: Projection;
  readonly restriction?: CompiledRestriction;
  readonly samplePercentage?: number;
  readonly bufferCompression: CompressionType | null;
  readonly responseCompression: boolean;
  readonly snapshotMs?: number;
}

function snapshotMillis(modifiers: TableModifiers | null | undefined): number | undefined {
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

/** Validates a CreateReadSession request: INVALID_ARGUMENT or NOT_FOUND naming the problem. */
export function planSession(request: CreateReadSessionRequest, store: TableStore, nowMs: number): SessionPlan {
  const parentProject = parseProjectName(request.parent ?? '');
  if (!parentProject || !isValidProjectId(parentProject)) {
    throw invalidArgument(`Invalid parent "${request.parent ?? ''}": expected projects/{project_id}`);
  }
  const requested = request.readSession;
  if (!requested) throw invalidArgument('read_session is required');
  const tablePath = parseTablePath(requested.table ?? '');
  if (!tablePath) {
    throw invalidArgument(
      `Invalid table "${requested.table ?? ''}": expected projects/{project_id}/datasets/{dataset_id}/tables/{table_id}`,
    );
  }
  const pathProblem = tablePathProblem(tablePath);
  if (pathProblem) throw invalidArgument(`Invalid table "${requested.table ?? ''}": ${pathProblem}`);

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
  // The service refuses a preferred minimum above a non-zero maximum, which is why Google's Go
  // client sets preferred_min_stream_count only when max_stream_count is 0
  // (googleapis/google-cloud-go#8476).
  if (maxStreamCount > 0 && preferredMin > maxStreamCount) {
    throw invalidArgument(
      `preferred_min_stream_count must be less than or equal to max_stream_count (got ${preferredMin} > ${maxStreamCount})`,
    );
  }

  const options = requested.readOptions ?? {};
  const selectedFields = options.selectedFields ?? [];
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

  const precisionName = options.arrowSerializationOptions?.picosTimestampPrecision ?? 'PICOS_TIMESTAMP_PRECISION_UNSPECIFIED';
  const picosPrecision = PICOS_PRECISION[precisionName];
  if (picosPrecision === undefined) throw invalidArgument(`Unsupported picos_timestamp_precision ${precisionName}`);
  const selected = projection;
  const precision = compileTimestampPrecision(selected.schema, picosPrecision);
  if (precision.schema !== selected.schema) {
    projection = { schema: precision.schema, apply: (batch: RecordBatch) => precision.apply(selected.apply(batch)) };
  }

  const compressionName = options.arrowSerializationOptions?.bufferCompression ?? 'COMPRESSION_UNSPECIFIED';
  const bufferCompression = BUFFER_COMPRESSION[compressionName];
  if (bufferCompression === undefined) throw invalidArgument(`Unsupported buffer_compression ${compressionName}`);
  const responseCodec = options.responseCompressionCodec ?? 'RESPONSE_COMPRESSION_CODEC_UNSPECIFIED';
  const responseCompression = responseCodec === 'RESPONSE_COMPRESSION_CODEC_LZ4';
  if (responseCompression && bufferCompression !== null) {
    throw invalidArgument(
      'Setting both arrow_serialization_options.buffer_compression and response_compression_codec is not allowed: choose at most one',
    );
  }

  const snapshotMs = snapshotMillis(requested.tableModifiers);
  if (snapshotMs !== undefined) validateSnapshot(table, snapshotMs, nowMs);

  return {
    parentProject, tablePath, table, maxStreamCount, preferredMin, projection, restriction,
    samplePercentage, bufferCompression, responseCompression, snapshotMs,
  };
}
