export { readTableParallel, type ReadTableResult } from './read/read-table.js';
export { readBatches, type BatchStream } from './read/read-batches.js';
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
  ReadAbortedError,
  TableReferenceError,
} from './read/errors.js';
export { parseTableReference, type TableReference } from './table-ref.js';
export { EMULATOR_HOST_ENV, READ_API_ENDPOINT } from './client/connection.js';
export type { RetrySettings } from './client/retry.js';
export { startEmulator, type Emulator, type EmulatorOptions, type EmulatorTable } from './emulator/server.js';
export type { FaultSpec, FaultKind } from './emulator/faults.js';
export { generateDemoTable, DEMO_FIELDS } from './emulator/sources/demo.js';
export { loadNdjsonTable, tableFromNdjson } from './emulator/sources/ndjson.js';
export { loadArrowIpcTable } from './emulator/sources/arrow-ipc.js';
export { parseBqSchemaJson, bqSchemaToArrow, type BqField } from './emulator/sources/bq-schema.js';
