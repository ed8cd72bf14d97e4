// A part's thread: writes the batches it is sent into one Parquet file with the same writer as a
// single-file output (write-batches.ts: temporary name, rename when complete, nothing left on
// failure), so each part is complete and valid on its own and the parts are encoded in parallel.
import { parentPort, workerData } from 'node:worker_threads';
import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { writeBatches } from '../write-batches.js';
import type { FromPart, PartTask, ToPart } from './part-messages.js';

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

async function* batches(): AsyncGenerator<RecordBatch> {
  for (;;) {
    const message = await next();
    if (message.type === 'end') return;
    if (message.type === 'abort') throw new PartAbortedError('the write was stopped');
    yield* tableFromIPC(message.ipc).batches;
    post({ type: 'taken' });
  }
}

try {
  const { rows, bytes } = await writeBatches(batches(), task.path, { format: 'parquet', schema: tableFromIPC(task.schema).schema, parquet: task.parquet });
  post({ type: 'written', rows, bytes });
} catch (err) {
  post({ type: 'failed', name: (err as Error).name, message: (err as Error).message });
} finally {
  port.close();
}
