import type { RecordBatch } from 'apache-arrow';
import { parseTableReference } from '../../src/table-ref.js';
import { emulatorClientOptions, reader } from './google-client.js';
import type { Reader } from './reader.js';

/**
 * Google's ArrowTableReader (`reader.ReadClient` -> createArrowTableReader -> getRecordBatchStream),
 * used as its README shows. It takes no session options: its CreateReadSession always sends
 * max_stream_count 0 and preferred_min_stream_count 1, so the service (here the emulator, one
 * stream per 32 MiB) picks the stream count, and it reads those streams one after another on the
 * main thread. `workers`, `maxStreams` and `compression` do not reach it.
 */
export const officialArrowReader: Reader = async (config) => {
  const client = new reader.ReadClient(emulatorClientOptions(config.endpoint));
  try {
    const started = performance.now();
    const tableReader = await client.createArrowTableReader({ table: parseTableReference(config.table) });
    // Creates the session and opens every stream's ReadRows call.
    const batchStream: AsyncIterable<RecordBatch> = await tableReader.getRecordBatchStream();
    const sessionMs = performance.now() - started;
    const batches: RecordBatch[] = [];
    for await (const batch of batchStream) batches.push(batch);
    const streams = tableReader.getSessionInfo()?.streams?.length ?? 0;
    tableReader.close();
    return { streams, sessionMs, batches };
  } finally {
    client.close();
  }
};
