// bqread/sinks: streaming writers from a `readBatches` stream (or any batches) to files or streams.
export {
  writeBatches, writeArrowFile, writeArrowStream, writeParquet, writeNdjson, writeCsv,
  type SinkOptions, type SinkResult,
} from './write-batches.js';
export { formatForPath, SINK_FORMATS, type SinkFormat } from './formats.js';
export type { BatchSource } from './batch-source.js';
export type { ParquetOptions, ParquetCompression } from './parquet-options.js';
export { SinkOutputError } from './output.js';
export { CsvNestedDataError } from './csv-nested-error.js';
export { writeParts, type PartsOptions, type PartsResult } from './parts/write-parts.js';
export type { PartFile, PartsManifest } from './parts/manifest.js';
export { textPlanOf } from './text-output.js';
export type { TextPlan, TextFormat } from './text/text-plan.js';
