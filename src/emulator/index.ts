// bqread/emulator: the Storage Read API emulator for users' own tests, apart from the reader's
// entry so that reading a table never loads the server.
export { startEmulator, type Emulator, type EmulatorOptions, type EmulatorTable } from './server.js';
export type { FaultSpec, FaultKind } from './faults.js';
export { generateDemoTable, DEMO_FIELDS, type DemoTableOptions } from './sources/demo.js';
export { loadNdjsonTable, tableFromNdjson, NdjsonError } from './sources/ndjson.js';
export { loadArrowIpcTable, ArrowIpcError } from './sources/arrow-ipc.js';
export { parseBqSchemaJson, bqSchemaToArrow, SchemaError, type BqField } from './sources/bq-schema.js';
