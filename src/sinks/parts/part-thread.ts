// A part's thread: writes the batches it is sent into one file, under a temporary name renamed
// into place when complete (nothing left on failure), so each part is complete and valid on its own
// and the parts are encoded in parallel. A Parquet part is sent batches as the Parquet writer takes
// them, made on the calling thread, so it loads parquet-wasm and no apache-arrow; an Arrow part
// loads only apache-arrow.
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { openFileOutput } from '../output.js';
import type { FromPart, PartTask, PartThreadMemory, ToPart } from './part-messages.js';

const task = workerData as PartTask;
const port = parentPort!;
const post = (message: FromPart) => port.postMessage(message);

class PartAbortedError extends Error {
  override name = 'PartAbortedError';
}

const pending: ToPart[] = [];
let wake: (() => void) | undefined;
port.on('message', (message: ToPart) => {
  pending.push(message);
  wake?.();
});

async function next(): Promise<ToPart> {
  while (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = undefined;
  return pending.shift()!;
}

let peak: PartThreadMemory = { heapBytes: 0, wasmBytes: 0 };
// The heap alone: process.memoryUsage() would also read the process's RSS from /proc at every batch.
const samplePeak = () => (peak = { ...peak, heapBytes: Math.max(peak.heapBytes, getHeapStatistics().used_heap_size) });

async function* ipcs(): AsyncGenerator<Uint8Array> {
  for (;;) {
    samplePeak();
    const message = await next();
    if (message.type === 'end') return;
    if (message.type === 'abort') throw new PartAbortedError('the write was stopped');
    yield* message.ipcs;
    // Every slice is in the Parquet writer's memory by now (Table.fromIPCStream copies it); the
    // Arrow writer's bytes are views of them.
    const buffers = task.format === 'parquet' ? message.ipcs.map((ipc) => ipc.buffer as ArrayBuffer) : [];
    port.postMessage({ type: 'taken', buffers } satisfies FromPart, buffers);
  }
}

let bytes = 0;
let reported = 0;
const hash = createHash('sha256');
/** Counts and hashes the file as it is written, so its manifest needs no second read of it. */
async function* counted(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    hash.update(chunk);
    if (bytes - reported >= task.reportBytes) post({ type: 'wrote', bytes: (reported = bytes) });
    yield chunk;
  }
}

try {
  const output = await openFileOutput(task.path);
  try {
    const parquet = task.format === 'parquet' ? await import('../parquet-from-ipc.js') : undefined;
    const encode = parquet ? parquet.parquetFromIpc(task.parquet) : (await import('./arrow-part.js')).arrowFileFromIpc();
    await pipeline(ipcs, encode, counted, output.stream);
    await output.commit();
    peak = { ...peak, wasmBytes: parquet?.parquetWriterMemoryBytes() ?? 0 };
  } catch (err) {
    await output.discard();
    throw err;
  }
  post({ type: 'written', bytes, sha256: hash.digest('hex'), peak });
} catch (err) {
  post({ type: 'failed', name: (err as Error).name, message: (err as Error).message });
} finally {
  port.close();
}
