import type { RecordBatch } from 'apache-arrow';
import { parquetFromIpc } from './parquet-from-ipc.js';
import type { ParquetOptions } from './parquet-options.js';
import { parquetIpcSlices } from './parquet-slices.js';

/**
 * Parquet through arrow-rs: REPEATED columns become lists, RECORDs structs, NUMERIC and BIGNUMERIC
 * decimals, TIMESTAMP UTC-adjusted microseconds, DATETIME local microseconds, GEOGRAPHY and JSON
 * strings, INTERVAL its canonical text; the Arrow schema is kept in the file's metadata, BigQuery's
 * type names in its field metadata (see parquet-types.ts).
 */
export function parquetEncoder(options: ParquetOptions = {}) {
  const encode = parquetFromIpc(options);
  return (batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> => {
    const slicesOf = parquetIpcSlices();
    async function* ipcs(): AsyncGenerator<Uint8Array> {
      for await (const batch of batches) yield* slicesOf(batch);
    }
    return encode(ipcs());
  };
}
