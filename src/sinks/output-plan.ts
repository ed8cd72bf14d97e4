import type { ParquetIpcPlan } from './parquet-ipc.js';
import type { TextPlan } from './text/text-plan.js';

/**
 * What a read's workers send instead of its batches, made where each batch is read so the calling
 * thread only writes bytes: the rows as text (NDJSON, CSV), or each batch as the Parquet writer
 * takes it. Plain data, so it travels in a stream task.
 */
export type OutputPlan = TextPlan | ParquetIpcPlan;
