import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { parseTableReference } from '../../src/table-ref.js';
import { formatTablePath } from '../../src/protocol/names.js';
import { emulatorClientOptions, v1, type protos } from './google-client.js';
import type { Reader } from './reader.js';

const BUFFER_COMPRESSION = { none: 'COMPRESSION_UNSPECIFIED', lz4: 'LZ4_FRAME', zstd: 'ZSTD' } as const;

/**
 * What a careful user writes by hand with Google's generated BigQueryReadClient: one session with
 * the bench's stream count, every stream read at once on the main thread, each response decoded
 * with apache-arrow.
 */
export const officialConcurrent: Reader = async (config) => {
  const client = new v1.BigQueryReadClient(emulatorClientOptions(config.endpoint));
  try {
    const path = parseTableReference(config.table);
    const started = performance.now();
    const [session] = await client.createReadSession({
      parent: `projects/${path.projectId}`,
      readSession: {
        table: formatTablePath(path),
        dataFormat: 'ARROW',
        readOptions: { arrowSerializationOptions: { bufferCompression: BUFFER_COMPRESSION[config.compression] } },
      },
      maxStreamCount: config.maxStreams,
    });
    const sessionMs = performance.now() - started;
    const schema = session.arrowSchema?.serializedSchema as Uint8Array;
    const streams = session.streams ?? [];
    const perStream = await Promise.all(
      streams.map(async ({ name }) => {
        const batches: RecordBatch[] = [];
        const responses = client.readRows({ readStream: name, offset: 0 }) as AsyncIterable<protos.google.cloud.bigquery.storage.v1.IReadRowsResponse>;
        for await (const response of responses) {
          const message = response.arrowRecordBatch?.serializedRecordBatch as Uint8Array | null | undefined;
          if (!message || message.byteLength === 0) continue;
          batches.push(...RecordBatchReader.from([schema, message]).readAll());
        }
        return batches;
      }),
    );
    return { streams: streams.length, sessionMs, batches: perStream.flat() };
  } finally {
    await client.close();
  }
};
