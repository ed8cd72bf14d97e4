import type { Table } from 'apache-arrow';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';

export const DEMO = 'test-project.ds.demo';

/**
 * A loopback emulator serving a demo table (small batches, so streams have several responses), with
 * no minimum storage block, so that a table of a few thousand rows still gets as many streams as a
 * test asks for.
 */
export async function demoEmulator(rows: number, options: EmulatorOptions = {}): Promise<{ emulator: Emulator; source: Table }> {
  const source = generateDemoTable({ rows, seed: 11, batchRows: 997 });
  const emulator = await startEmulator({
    maxBatchRows: 250, storageBlockBytes: 0, ...options, tables: [{ table: DEMO, data: source }, ...(options.tables ?? [])],
  });
  return { emulator, source };
}

/** Waits until `check` holds (sockets close asynchronously after a read ends). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
