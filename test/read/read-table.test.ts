import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Field, Int64, Schema, Table } from 'apache-arrow';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadPool } from '../../src/read/pool.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows, type Canonical } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

describe('readTableParallel against the emulator', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;
  let pool: ReadPool;

  before(async () => {
    ({ emulator, source } = await demoEmulator(4000));
    emulator.addTable('test-project.ds.empty', new Table(new Schema([new Field('id', new Int64(), false)])));
    pool = new ReadPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  for (const [streams, workers] of [[1, 1], [3, 1], [8, 2], [40, 2]] as const) {
    test(`every type round-trips exactly with ${streams} stream(s) and ${workers} worker(s)`, async () => {
      const { table, session, stats } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: streams, workers });
      assert.equal(session.streams.length, streams);
      assert.equal(table.numRows, 4000);
      assert.equal(stats.rows, 4000);
      assert.deepEqual(table.schema.fields.map((f) => String(f.type)), source.schema.fields.map((f) => String(f.type)));
      assert.deepEqual(canonicalRows(table), canonicalRows(source));
      assert.equal(stats.streams.reduce((n, s) => n + s.rows, 0), 4000);
    });
  }

  for (const compression of ['lz4', 'zstd', 'none'] as const) {
    test(`buffer compression ${compression} gives the same rows`, async () => {
      const { table } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, compression, pool });
      assert.deepEqual(canonicalRows(table), canonicalRows(source));
    });
  }

  test('selected fields and a row restriction are applied by the server', async () => {
    const { table } = await readTableParallel(`projects/test-project/datasets/ds/tables/demo`, {
      endpoint: emulator.address,
      maxStreams: 5,
      pool,
      selectedFields: ['rec.a', 'id', 'f_bool'],
      rowRestriction: 'f_bool = TRUE AND id BETWEEN 10 AND 2500',
    });
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['id', 'f_bool', 'rec']);
    const expected = canonicalRows(source)
      .map((r) => r as Record<string, Canonical>)
      .filter((r) => r.f_bool === true && Number(r.id) >= 10 && Number(r.id) <= 2500)
      .map((r) => ({ id: r.id, f_bool: r.f_bool, rec: r.rec === null ? null : { a: (r.rec as Record<string, Canonical>).a } }));
    assert.ok(expected.length > 500);
    assert.deepEqual(canonicalRows(table), expected);
  });

  test('streams a restriction leaves empty send nothing; the result keeps the schema', async () => {
    const { table, session } = await readTableParallel(DEMO, {
      endpoint: emulator.address, maxStreams: 8, pool, rowRestriction: 'id < 3',
    });
    assert.equal(session.streams.length, 8);
    assert.equal(table.numRows, 3);
    assert.deepEqual(table.schema.fields.map((f) => f.name), source.schema.fields.map((f) => f.name));
    const none = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, pool, rowRestriction: 'id < 0' });
    assert.equal(none.table.numRows, 0);
    assert.equal(none.table.numCols, source.numCols);
  });

  test('an empty table reads as a zero-row table with its columns', async () => {
    const { table, session } = await readTableParallel('test-project:ds.empty', { endpoint: emulator.address, pool });
    assert.equal(session.streams.length, 0);
    assert.equal(table.numRows, 0);
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['id']);
  });

  test('a table reference object and a billing project work', async () => {
    const { table, session } = await readTableParallel(
      { projectId: 'test-project', datasetId: 'ds', tableId: 'demo' },
      { endpoint: emulator.address, pool, billingProject: 'billing-proj', selectedFields: ['id'], samplePercentage: 50 },
    );
    assert.match(session.name, /^projects\/billing-proj\/locations\/us\/sessions\//);
    assert.ok(table.numRows > 1500 && table.numRows < 2500, `sampled ${table.numRows} rows`);
  });

  test('a pool is reused across reads and closing it ends every worker', async () => {
    const shared = new ReadPool({ workers: 2 });
    for (let i = 0; i < 3; i++) {
      const { table } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 3, pool: shared, selectedFields: ['id'] });
      assert.equal(table.numRows, 4000);
    }
    assert.equal(shared.threadCount, 2);
    await shared.close();
    assert.equal(shared.threadCount, 0);
  });

  test('column data crosses threads by transfer, not copy', async () => {
    const { table, stats } = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: 4, pool });
    assert.ok(stats.bytes > 1_000_000);
    assert.equal(stats.bytesNotDetached, 0, 'every posted buffer was detached in the worker');
    // Every column buffer of every batch is a view into one ArrayBuffer per batch (the transferred one).
    for (const batch of table.batches) {
      const owners = new Set<ArrayBufferLike>();
      const visit = (data: import('apache-arrow').Data) => {
        for (const b of [data.valueOffsets, data.values, data.nullBitmap] as (ArrayBufferView | undefined)[]) if (b && b.byteLength) owners.add(b.buffer);
        data.children.forEach(visit);
      };
      visit(batch.data);
      assert.equal(owners.size, 1);
    }
  });
});
