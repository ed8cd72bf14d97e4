// The reader's public face. The emulator is `bqread/emulator`, the file writers `bqread/sinks`.
export { readTableParallel, type ReadTableResult } from './read/read-table.js';
export { readBatches, type BatchStream, type FormattedRows } from './read/read-batches.js';
export { ReadPool, type ReadPoolOptions } from './read/pool.js';
export { DEFAULT_READ_OPTIONS, type ReadOptions, type AccessTokenSource, type Compression } from './read/options.js';
export type { ReadStats, StreamStats, ReadProgress } from './read/stats.js';
export type { ReadSessionInfo } from './read/session.js';
export {
  BqReadError,
  ReadOptionsError,
  SessionCreateError,
  EndpointUnreachableError,
  StreamReadError,
  CallbackError,
  WorkerThreadsGoneError,
  ReadAbortedError,
  TableReferenceError,
  SessionExpiredError,
  ViewReadError,
} from './read/errors.js';
export { parseTableReference, type TableReference } from './table-ref.js';
export { EMULATOR_HOST_ENV, READ_API_ENDPOINT } from './client/connection.js';
export type { RetrySettings } from './client/retry.js';
export { bqSchemaFromArrow, bqTypeOf, UnsupportedArrowTypeError, type BqSchemaField, type BqTypeName } from './bq-type.js';
export { planRead, type PlanOptions } from './plan/plan-read.js';
export { readPlan, readPlanTable, type PlanSelection, type PlanReadOptions } from './plan/read-plan.js';
export { parsePlan, checkPlan, PLAN_FORMAT_VERSION, type ReadPlan, type PlanSessionOptions } from './plan/read-plan-format.js';
export { streamsOfShard, parseShard, type Shard } from './plan/shards.js';
export { shardFromEnvironment, type EngineShard } from './plan/shard-environment.js';
export { verifyPlanParts, type PartsVerification } from './plan/verify-parts.js';
export type { ShardManifest } from './plan/part-manifest.js';
export { PlanError } from './plan/plan-error.js';
export { readQuery, readQueryBatches, type QueryTableResult, type QueryBatchStream, type QueryResultSource } from './query/read-query.js';
export { DEFAULT_QUERY_OPTIONS, type QueryOptions } from './query/options.js';
export type { QueryJobInfo } from './query/query-job.js';
export type { QueryParameters, QueryParameterTypes, QueryParameterValue } from './query/parameters.js';
export { BIGQUERY_EMULATOR_HOST_ENV, BIGQUERY_API_ENDPOINT } from './query/rest-endpoint.js';
export { BigQueryApiError, QueryError, type BigQueryErrorEntry, type SqlPosition } from './query/errors.js';
