// One thread of the raw drain: reads its share of the session's streams over gRPC, counting the
// bytes and the responses' row_count, and drops them. No Arrow decode: this is the ceiling.
import { parentPort, workerData } from 'node:worker_threads';
import { resolveConnection } from '../../src/client/connection.js';
import { ReadApiClient } from '../../src/client/read-client.js';
import { decodeReadRowsResponse } from '../../src/protocol/read-rows-response.js';

export interface DrainRequest {
  readonly streams: readonly string[];
  /** Streams read at once, as bqread's pool does per worker. */
  readonly concurrency: number;
}

export interface DrainResult {
  readonly rows: number;
  readonly arrowBytes: number;
  readonly responseBytes: number;
}

const client = new ReadApiClient(resolveConnection({ endpoint: (workerData as { endpoint: string }).endpoint }));

async function drain(stream: string, total: { rows: number; arrowBytes: number; responseBytes: number }): Promise<void> {
  for await (const bytes of client.readRows(stream, 0) as AsyncIterable<Buffer>) {
    total.responseBytes += bytes.byteLength;
    // protobufjs hands byte fields out as views, so this reads row_count without copying the batch.
    const chunk = decodeReadRowsResponse(bytes);
    total.rows += chunk.rowCount;
    total.arrowBytes += chunk.recordBatch?.byteLength ?? 0;
  }
}

/** Answers the one request; every failure becomes an answer, so it never rejects. */
async function serve(request: DrainRequest): Promise<void> {
  const total = { rows: 0, arrowBytes: 0, responseBytes: 0 };
  const queue = [...request.streams];
  const lane = async () => {
    for (let stream = queue.shift(); stream !== undefined; stream = queue.shift()) await drain(stream, total);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(request.concurrency, queue.length) }, lane));
    parentPort!.postMessage({ ok: true, result: total satisfies DrainResult });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: (err as Error).message });
  } finally {
    client.close();
  }
}

parentPort!.once('message', (request: DrainRequest) => void serve(request));
// Tells the main thread this thread has loaded its modules and built its client.
parentPort!.postMessage({ ready: true });
