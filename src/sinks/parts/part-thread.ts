// A part's thread: writes the batches it is sent into one Parquet file, under a temporary name
// renamed into place when complete (nothing left on failure), so each part is complete and valid
// on its own and the parts are encoded in parallel. It is sent batches as the Parquet writer takes
// them, made on the calling thread, so it loads parquet-wasm and no apache-arrow.
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { openFileOutput } from '../output.js';
import { parquetFromIpc } from '../parquet-from-ipc.js';
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

async function* ipcs(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const message = await next();
    if (message.type === 'end') return;
    if (message.type === 'abort') throw new PartAbortedError('the write was stopped');
    yield* message.ipcs;
    // Every slice is in the writer's memory by now (Table.fromIPCStream copies it).
    const buffers = message.ipcs.map((ipc) => ipc.buffer as ArrayBuffer);
    port.postMessage({ type: 'taken', buffers } satisfies FromPart, buffers);
  }
}

let bytes = 0;
async function* counted(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    yield chunk;
  }
}

try {
  const output = await openFileOutput(task.path);
  try {
    await pipeline(ipcs, parquetFromIpc(task.parquet), counted, output.stream);
    await output.commit();
  } catch (err) {
    await output.discard();
    throw err;
  }
  post({ type: 'written', bytes });
} catch (err) {
  post({ type: 'failed', name: (err as Error).name, message: (err as Error).message });
} finally {
  port.close();
}
