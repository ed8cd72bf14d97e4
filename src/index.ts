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
} from './read/errors.js';
export { parseTableReference, type TableReference } from './table-ref.js';
export { EMULATOR_HOST_ENV, READ_API_ENDPOINT } from './client/connection.js';
export type { RetrySettings } from './client/retry.js';
export { bqSchemaFromArrow, bqTypeOf, UnsupportedArrowTypeError, type BqSchemaField, type BqTypeName } from './bq-type.js';
