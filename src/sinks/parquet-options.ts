// The Parquet writer's options, apart from the writer so that naming them does not load parquet-wasm.
export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'brotli' | 'none';

const COMPRESSIONS: readonly string[] = ['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none'];

export interface ParquetOptions {
  /** Column compression; default zstd. */
  readonly compression?: ParquetCompression;
  /**
   * Most rows in one row group; default 128 Ki rows. The writer holds a row group's pages until it
   * is complete, so this and `rowGroupBytes` bound its memory.
   */
  readonly rowGroupRows?: number;
  /** Most bytes of one row group as the writer holds it; default 64 MiB. */
  readonly rowGroupBytes?: number;
}

export const DEFAULT_ROW_GROUP_ROWS = 128 * 1024;
/**
 * parquet-wasm's memory grows to a few times the row group it holds and never shrinks (on the demo
 * table: 28 MiB with 4 MiB row groups, 114 MiB with 16 MiB, 165 MiB with 64 MiB).
 */
export const DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;

/** The options with their defaults; a RangeError for bad ones, so a write fails before any row is read. */
export function resolveParquetOptions(options: ParquetOptions): Required<ParquetOptions> {
  const resolved = {
    compression: options.compression ?? 'zstd',
    rowGroupRows: options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS,
    rowGroupBytes: options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES,
  } as const;
  for (const [name, value] of [['rowGroupRows', resolved.rowGroupRows], ['rowGroupBytes', resolved.rowGroupBytes]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${value})`);
  }
  if (!COMPRESSIONS.includes(resolved.compression)) throw new RangeError(`unknown Parquet compression ${String(options.compression)}`);
  return resolved;
}
