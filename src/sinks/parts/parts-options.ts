import { resolveParquetOptions, type ParquetOptions } from '../parquet-options.js';
import type { PartFormat } from './part-messages.js';

export interface ResolvedPartsOptions {
  readonly format: PartFormat;
  readonly parts: number;
  readonly partBytes: number | undefined;
  readonly parquet: Required<ParquetOptions>;
}

interface PartsOptionsIn {
  readonly format?: PartFormat;
  readonly parts?: number;
  readonly partBytes?: number;
  readonly parquet?: ParquetOptions;
}

/**
 * The parts' options with their defaults (Parquet, 2 parts at once, no size limit); a RangeError
 * for bad ones, before any file is made or row read. With a part size, a row group is no bigger
 * than a part.
 */
export function resolvePartsOptions(options: PartsOptionsIn): ResolvedPartsOptions {
  const format = options.format ?? 'parquet';
  if (format !== 'parquet' && format !== 'arrow') throw new RangeError(`part files are Parquet or Arrow IPC files (got format ${String(format)})`);
  const parts = options.parts ?? 2;
  const { partBytes } = options;
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer (got ${parts})`);
  if (partBytes !== undefined && (!Number.isSafeInteger(partBytes) || partBytes < 1)) throw new RangeError(`partBytes must be a positive integer (got ${partBytes})`);
  const parquet = resolveParquetOptions(options.parquet ?? {});
  return { format, parts, partBytes, parquet: partBytes === undefined ? parquet : { ...parquet, rowGroupBytes: Math.min(parquet.rowGroupBytes, partBytes) } };
}
