import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows } from '../helpers/canonical.js';
import { sparseTable } from '../helpers/sparse-table.js';

// Sparse and small tables through the whole reader (worker layout, transfer, rebuild): batches
// without value bytes and one-row batches must come out as Tables arrow can read and write.
const SPARSE = 'test-project.ds.sparse';
const SMALL_DEMO = 'test-project.ds.small_demo';

describe('sparse and small tables read exactly and stay writable', () => {
  let emulator: Emulator;
  let sparse: Table;
  let smallDemo: Table;
  let pool: ReadPool;

  before(async () => {
    sparse = sparseTable(9);
    smallDemo = generateDemoTable({ rows: 10, seed: 7 });
    // No minimum storage block: these tables of a few rows are cut into several streams.
    emulator = await startEmulator({
      tables: [{ table: SPARSE, data: sparse }, { table: SMALL_DEMO, data: smallDemo }], maxBatchRows: 2, storageBlockBytes: 0,
    });
    pool = new ReadPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  const roundTrip = (table: Table) => canonicalRows(tableFromIPC(tableToIPC(table)));

  for (const compression of ['none', 'lz4', 'zstd'] as const) {
    test(`all-empty and all-NULL columns, compression ${compression}: values, get(), and arrow's writer`, async () => {
      const { table } = await readTableParallel(SPARSE, { endpoint: emulator.address, pool, maxStreams: 3, compression });
      assert.deepEqual(canonicalRows(table), canonicalRows(sparse));
      assert.deepEqual(roundTrip(table), canonicalRows(sparse));
      assert.equal(table.get(0)!.s_empty, '');
      assert.deepEqual(table.getChild('s_empty')!.toArray(), Array(9).fill(''));
      assert.equal((table.getChild('strs_empty')!.get(8) as { length: number }).length, 0);
    });
  }

  test('a table of a few rows arrives as one-row batches by default and is exact', async () => {
    const { table, session } = await readTableParallel(SMALL_DEMO, { endpoint: emulator.address, pool });
    assert.ok(session.streams.length > 1, 'several streams for a table of 10 rows');
    assert.deepEqual(canonicalRows(table), canonicalRows(smallDemo));
    assert.deepEqual(roundTrip(table), canonicalRows(smallDemo));
  });

  test('the streaming form hands out the same writable batches', async () => {
    const batches = [];
    for await (const batch of readBatches(SPARSE, { endpoint: emulator.address, pool, maxStreams: 2, ordered: true })) batches.push(batch);
    assert.deepEqual(canonicalRows(batches), canonicalRows(sparse));
    const written = tableFromIPC(tableToIPC(new Table(batches)));
    assert.deepEqual(canonicalRows(written), canonicalRows(sparse));
  });
});
