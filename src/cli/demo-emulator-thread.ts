// The demo's emulator, in a worker thread of its own: generating, encoding and sending batches
// then never shares the main thread's event loop with the reader, so the demo shows the reader's speed.
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator } from '../emulator/server.js';
import { generateDemoTable } from '../emulator/sources/demo.js';
import { DEMO_TABLE } from './demo-table.js';

export interface DemoEmulatorData {
  readonly rows: number;
  readonly seed: number;
}

/** Posted once serving; the thread closes the server when sent 'close'. */
export interface DemoEmulatorReady {
  readonly address: string;
  readonly rows: number;
}

const { rows, seed } = workerData as DemoEmulatorData;
const data = generateDemoTable({ rows, seed });
const emulator = await startEmulator({ tables: [{ table: DEMO_TABLE, data }] });
parentPort!.postMessage({ address: emulator.address, rows: data.numRows } satisfies DemoEmulatorReady);
parentPort!.once('message', () => {
  void emulator.close().then(() => parentPort!.close());
});
